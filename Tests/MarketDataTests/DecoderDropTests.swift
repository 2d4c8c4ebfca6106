import MarketData
import Testing

private let trade = #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2}"#

@Suite("FeedFrameDecoder drops malformed JSON payloads")
struct JSONDropTests {
    @Test(arguments: [
        Case("truncated after a value", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2"#, .badJSON),
        Case("truncated inside a string", #"{"type":"tra"#, .badJSON),
        Case("truncated inside a nested object", #"{"type":"trade","meta":{"a":[1,2"#, .badJSON),
        Case("only an opening brace", "{", .badJSON),
        Case("trailing garbage", trade + "x", .badJSON),
        Case("a second object", trade + "{}", .badJSON),
        Case("an extra closing brace", trade + "}", .badJSON),
        Case("a trailing comma after the object", trade + ",", .badJSON),
        Case("a trailing comma inside", #"{"type":"trade","ts_ns":1,"price":1,"size":1,}"#, .badJSON),
        Case("a missing comma", #"{"type":"trade" "ts_ns":1}"#, .badJSON),
        Case("a missing colon", #"{"type" "trade"}"#, .badJSON),
        Case("an unquoted key", #"{type:"trade"}"#, .badJSON),
        Case("single quotes", #"{'type':'trade'}"#, .badJSON),
        Case("a bare member list", #"{"trade"}"#, .badJSON),
        Case("a number key", #"{1:2}"#, .badJSON),
        Case("an array member", #"{["type","trade"]}"#, .badJSON),
        Case("a NaN literal", #"{"type":"trade","ts_ns":1,"price":NaN,"size":1}"#, .badJSON),
        Case("an Infinity literal", #"{"type":"trade","ts_ns":1,"price":Infinity,"size":1}"#, .badJSON),
        Case("a plus sign", #"{"type":"trade","ts_ns":1,"price":+1,"size":1}"#, .badJSON),
        Case("a bare fraction", #"{"type":"trade","ts_ns":1,"price":.5,"size":1}"#, .badJSON),
        Case("a dangling decimal point", #"{"type":"trade","ts_ns":1,"price":1.,"size":1}"#, .badJSON),
        Case("a leading zero", #"{"type":"trade","ts_ns":1,"price":01,"size":1}"#, .badJSON),
        Case("an empty exponent", #"{"type":"trade","ts_ns":1,"price":1e,"size":1}"#, .badJSON),
        Case("a hexadecimal number", #"{"type":"trade","ts_ns":1,"price":0x10,"size":1}"#, .badJSON),
        Case("a misspelt literal", #"{"type":"trade","flag":tru,"ts_ns":1,"price":1,"size":1}"#, .badJSON),
        Case("a raw newline inside a string", "{\"type\":\"tra\nde\"}", .badJSON),
        Case("an unterminated escape", #"{"type":"trade\"#, .badJSON),
    ])
    func malformedJSONIsDroppedAsBadJSON(testCase: Case<String>) {
        #expect(decode(json: testCase.input) == .dropped(testCase.expected))
    }

    /// The decoder dispatches on the first non-blank byte: `{` means JSON, anything else is taken
    /// for the 64-byte binary layout. So a JSON text that is not an object is dropped as a binary
    /// payload of the wrong length (or, at exactly 64 bytes, with a bad header) — never decoded.
    @Test(arguments: [
        Case("an array", #"[{"type":"trade","ts_ns":1,"price":1,"size":1}]"#, .wrongBinaryLength),
        Case("a string", #""trade""#, .wrongBinaryLength),
        Case("a number", "42", .wrongBinaryLength),
        Case("null", "null", .wrongBinaryLength),
        Case("plain text", "hello", .wrongBinaryLength),
        Case("blank", "  \n\t ", .wrongBinaryLength),
        Case("64 bytes of text", String(repeating: "x", count: 64), .badBinaryHeader),
    ])
    func nonObjectPayloadsAreDroppedAsBinary(testCase: Case<String>) {
        #expect(decode(json: testCase.input) == .dropped(testCase.expected))
    }

    @Test(arguments: [
        Case("no type", #"{"ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .missingField),
        Case("an empty object", "{}", .missingField),
        Case("a numeric type", #"{"type":1,"ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .missingField),
        Case("trade without size", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5}"#, .missingField),
        Case("trade without price", #"{"type":"trade","ts_ns":1700000000000000000,"size":2}"#, .missingField),
        Case("quote without ask_size", #"{"type":"quote","ts_ns":1700000000000000000,"bid":1,"bid_size":1,"ask":2}"#, .missingField),
        Case("quote without bid", #"{"type":"quote","ts_ns":1700000000000000000,"bid_size":1,"ask":2,"ask_size":1}"#, .missingField),
        Case("bar without volume", #"{"type":"bar","ts_ns":1700000000000000000,"open":1,"high":2,"low":1,"close":2}"#, .missingField),
        Case("bar given trade fields", #"{"type":"bar","ts_ns":1700000000000000000,"price":1,"size":2}"#, .missingField),
        Case("a price as a string", #"{"type":"trade","ts_ns":1700000000000000000,"price":"101.5","size":2}"#, .missingField),
        Case("a null price", #"{"type":"trade","ts_ns":1700000000000000000,"price":null,"size":2}"#, .missingField),
        Case("a boolean size", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":true}"#, .missingField),
        Case("an object price", #"{"type":"trade","ts_ns":1700000000000000000,"price":{"v":1},"size":2}"#, .missingField),
        Case("an array size", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":[2]}"#, .missingField),
        Case("a null volume on a trade", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2,"volume":null}"#, .missingField),
        Case("a string bid on a trade", #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2,"bid":"1"}"#, .missingField),
    ])
    func missingOrMistypedFieldsAreDroppedAsMissingField(testCase: Case<String>) {
        #expect(decode(json: testCase.input) == .dropped(testCase.expected))
    }

    @Test(arguments: [
        Case("candle", #"{"type":"candle","ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .unknownType),
        Case("upper case", #"{"type":"TRADE","ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .unknownType),
        Case("empty", #"{"type":"","ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .unknownType),
        Case("padded", #"{"type":"trade ","ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .unknownType),
        Case("escaped (escapes are not decoded)", #"{"type":"tr\u0061de","ts_ns":1700000000000000000,"price":101.5,"size":2}"#, .unknownType),
    ])
    func unknownTypesAreDroppedAsUnknownType(testCase: Case<String>) {
        #expect(decode(json: testCase.input) == .dropped(testCase.expected))
    }

    @Test(arguments: [
        Case("zero", "0", .invalidTimestamp),
        Case("negative zero", "-0", .invalidTimestamp),
        Case("negative", "-5", .invalidTimestamp),
        Case("a fraction", "1700000000000000000.5", .invalidTimestamp),
        Case("a float", "1.5", .invalidTimestamp),
        Case("an exponent", "1.7e18", .invalidTimestamp),
        Case("a string", #""1700000000000000000""#, .invalidTimestamp),
        Case("null", "null", .invalidTimestamp),
        Case("an object", #"{"s":1}"#, .invalidTimestamp),
        Case("beyond Int64", "9223372036854775808", .invalidTimestamp),
        Case("far beyond Int64", "99999999999999999999999", .invalidTimestamp),
    ])
    func invalidTimestampsAreDroppedAsInvalidTimestamp(testCase: Case<String>) {
        let json = #"{"type":"trade","ts_ns":"# + testCase.input + #","price":101.5,"size":2}"#
        #expect(decode(json: json) == .dropped(testCase.expected))
    }

    @Test func nestingFarBeyondThirtyTwoLevelsIsBadJSON() {
        for depth in [40, 100_000] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(decode(json: #"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2,"deep":"# + nested + "}")
                == .dropped(.badJSON), "depth \(depth)")
        }
    }

    @Test func aMissingTimestampIsDroppedAsInvalidTimestamp() {
        #expect(decode(json: #"{"type":"trade","price":101.5,"size":2}"#) == .dropped(.invalidTimestamp))
    }

    @Test(arguments: [
        Case("zero price", #""price":0,"size":2"#, .invalidPrice),
        Case("negative zero price", #""price":-0.0,"size":2"#, .invalidPrice),
        Case("negative price", #""price":-101.5,"size":2"#, .invalidPrice),
        Case("overflowing price (1e400 reads as infinity)", #""price":1e400,"size":2"#, .invalidPrice),
        Case("overflowing negative price", #""price":-1e400,"size":2"#, .invalidPrice),
        Case("underflowing price (reads as zero)", #""price":1e-400,"size":2"#, .invalidPrice),
        Case("zero size", #""price":101.5,"size":0"#, .invalidSize),
        Case("negative size", #""price":101.5,"size":-2"#, .invalidSize),
        Case("overflowing size", #""price":101.5,"size":1e400"#, .invalidSize),
    ])
    func invalidTradeValuesAreDropped(testCase: Case<String>) {
        let json = #"{"type":"trade","ts_ns":1700000000000000000,"# + testCase.input + "}"
        #expect(decode(json: json) == .dropped(testCase.expected))
    }

    @Test(arguments: [
        Case("crossed", #""bid":101,"bid_size":1,"ask":100,"ask_size":1"#, .invalidPrice),
        Case("zero bid", #""bid":0,"bid_size":1,"ask":100,"ask_size":1"#, .invalidPrice),
        Case("negative ask", #""bid":99,"bid_size":1,"ask":-100,"ask_size":1"#, .invalidPrice),
        Case("infinite ask", #""bid":99,"bid_size":1,"ask":1e999,"ask_size":1"#, .invalidPrice),
        Case("negative bid size", #""bid":99,"bid_size":-1,"ask":100,"ask_size":1"#, .invalidSize),
        Case("negative ask size", #""bid":99,"bid_size":1,"ask":100,"ask_size":-0.5"#, .invalidSize),
    ])
    func invalidQuoteValuesAreDropped(testCase: Case<String>) {
        let json = #"{"type":"quote","ts_ns":1700000000000000000,"# + testCase.input + "}"
        #expect(decode(json: json) == .dropped(testCase.expected))
    }

    @Test(arguments: [
        Case("high below close", #""open":10,"high":11,"low":9,"close":12,"volume":5"#, .invalidPrice),
        Case("high below open", #""open":12,"high":11,"low":9,"close":10,"volume":5"#, .invalidPrice),
        Case("low above open", #""open":10,"high":12,"low":10.5,"close":11,"volume":5"#, .invalidPrice),
        Case("low above close", #""open":11,"high":12,"low":10.5,"close":10,"volume":5"#, .invalidPrice),
        Case("high below low", #""open":10,"high":9,"low":11,"close":10,"volume":5"#, .invalidPrice),
        Case("zero low", #""open":10,"high":12,"low":0,"close":11,"volume":5"#, .invalidPrice),
        Case("negative volume", #""open":10,"high":12,"low":9,"close":11,"volume":-5"#, .invalidSize),
    ])
    func inconsistentBarsAreDropped(testCase: Case<String>) {
        let json = #"{"type":"bar","ts_ns":1700000000000000000,"# + testCase.input + "}"
        #expect(decode(json: json) == .dropped(testCase.expected))
    }
}

@Suite("FeedFrameDecoder drops malformed binary payloads")
struct BinaryDropTests {
    static let validTrade = wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2])

    @Test(arguments: [63, 65, 0, 1, 32, 128])
    func payloadsOfTheWrongLengthAreDropped(length: Int) {
        var payload = Self.validTrade
        if length <= payload.count {
            payload = Array(payload.prefix(length))
        } else {
            payload += Array(repeating: 0, count: length - payload.count)
        }
        #expect(decode(payload) == .dropped(.wrongBinaryLength))
    }

    @Test(arguments: [
        Case("magic G X", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2], magic: (0x47, 0x58)), .badBinaryHeader),
        Case("magic M G", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2], magic: (0x4D, 0x47)), .badBinaryHeader),
        Case("magic zero", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2], magic: (0, 0)), .badBinaryHeader),
        Case("version 0", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2], version: 0), .badBinaryHeader),
        Case("version 2", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2], version: 2), .badBinaryHeader),
        Case("kind 0", wirePayload(kind: 0, timestampNs: ts, values: [101.5, 2]), .unknownType),
        Case("kind 4", wirePayload(kind: 4, timestampNs: ts, values: [101.5, 2]), .unknownType),
        Case("kind 254", wirePayload(kind: 254, timestampNs: ts, values: [101.5, 2]), .unknownType),
        Case("zero timestamp", wirePayload(kind: 1, timestampNs: 0, values: [101.5, 2]), .invalidTimestamp),
        Case("negative timestamp", wirePayload(kind: 1, timestampNs: -1, values: [101.5, 2]), .invalidTimestamp),
        Case("minimum timestamp", wirePayload(kind: 1, timestampNs: .min, values: [101.5, 2]), .invalidTimestamp),
        Case("NaN price", wirePayload(kind: 1, timestampNs: ts, values: [.nan, 2]), .invalidPrice),
        Case("signalling NaN price", wirePayload(kind: 1, timestampNs: ts, values: [.signalingNaN, 2]), .invalidPrice),
        Case("infinite price", wirePayload(kind: 1, timestampNs: ts, values: [.infinity, 2]), .invalidPrice),
        Case("negative infinite price", wirePayload(kind: 1, timestampNs: ts, values: [-.infinity, 2]), .invalidPrice),
        Case("zero price", wirePayload(kind: 1, timestampNs: ts, values: [0, 2]), .invalidPrice),
        Case("negative zero price", wirePayload(kind: 1, timestampNs: ts, values: [-0.0, 2]), .invalidPrice),
        Case("negative price", wirePayload(kind: 1, timestampNs: ts, values: [-101.5, 2]), .invalidPrice),
        Case("NaN size", wirePayload(kind: 1, timestampNs: ts, values: [101.5, .nan]), .invalidSize),
        Case("infinite size", wirePayload(kind: 1, timestampNs: ts, values: [101.5, .infinity]), .invalidSize),
        Case("negative size", wirePayload(kind: 1, timestampNs: ts, values: [101.5, -2]), .invalidSize),
        Case("zero trade size", wirePayload(kind: 1, timestampNs: ts, values: [101.5, 0]), .invalidSize),
        Case("crossed quote", wirePayload(kind: 2, timestampNs: ts, values: [101, 1, 100, 1]), .invalidPrice),
        Case("NaN bid", wirePayload(kind: 2, timestampNs: ts, values: [.nan, 1, 100, 1]), .invalidPrice),
        Case("infinite ask", wirePayload(kind: 2, timestampNs: ts, values: [99, 1, .infinity, 1]), .invalidPrice),
        Case("negative quote size", wirePayload(kind: 2, timestampNs: ts, values: [99, 1, 100, -1]), .invalidSize),
        Case("NaN quote size", wirePayload(kind: 2, timestampNs: ts, values: [99, .nan, 100, 1]), .invalidSize),
        Case("bar high below close", wirePayload(kind: 3, timestampNs: ts, values: [10, 11, 9, 12, 5]), .invalidPrice),
        Case("bar low above open", wirePayload(kind: 3, timestampNs: ts, values: [10, 12, 10.5, 11, 5]), .invalidPrice),
        Case("bar NaN high", wirePayload(kind: 3, timestampNs: ts, values: [10, .nan, 9, 11, 5]), .invalidPrice),
        Case("bar infinite volume", wirePayload(kind: 3, timestampNs: ts, values: [10, 12, 9, 11, .infinity]), .invalidSize),
        Case("bar negative volume", wirePayload(kind: 3, timestampNs: ts, values: [10, 12, 9, 11, -5]), .invalidSize),
    ])
    func invalidBinaryPayloadsAreDropped(testCase: Case<[UInt8]>) {
        #expect(testCase.input.count == 64)
        #expect(decode(testCase.input) == .dropped(testCase.expected))
    }
}

@Suite("FeedFrameDecoder checks the topic before the payload")
struct TopicDropTests {
    static let validPayloads: [[UInt8]] = [
        wirePayload(kind: 1, timestampNs: ts, values: [101.5, 2]),
        Array(#"{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2}"#.utf8),
    ]

    @Test(arguments: ["md.sim.DOGEUSD", "md.sim.btcusd", "md.sim.BTC", "md.sim.BTCUSDT", "md.sim.eos"])
    func unknownSymbolsAreDropped(topic: String) {
        for payload in Self.validPayloads {
            #expect(decode(topic: topic, payload) == .dropped(.unknownSymbol))
        }
    }

    @Test(arguments: ["", "md.sim", "md.sim.", "md..BTCUSD", "md.sim.BTC.USD", "mx.sim.BTCUSD", "MD.sim.BTCUSD", "BTCUSD"])
    func badTopicsAreDropped(topic: String) {
        for payload in Self.validPayloads {
            #expect(decode(topic: topic, payload) == .dropped(.badTopic))
        }
        // The topic is checked first: even a broken payload is reported as a bad topic.
        #expect(decode(topic: topic, Array("{oops".utf8)) == .dropped(.badTopic))
    }

    @Test func theUnknownSymbolIsReportedBeforeThePayloadIsRead() {
        #expect(decode(topic: "md.sim.DOGEUSD", Array("{oops".utf8)) == .dropped(.unknownSymbol))
        #expect(decode(topic: "md.sim.DOGEUSD", []) == .dropped(.unknownSymbol))
    }
}

@Suite("FrameDropReason")
struct FrameDropReasonTests {
    @Test func namesAreUniqueSnakeCaseLabels() {
        let names = FrameDropReason.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(!name.isEmpty)
            #expect(name.allSatisfy { $0 == "_" || ($0.isLowercase && $0.isASCII) })
        }
        #expect(FrameDropReason.wrongBinaryLength.description == "wrong_binary_length")
        #expect(FrameDropReason.badJSON.name == "bad_json")
    }
}
