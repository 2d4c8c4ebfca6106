import MarketData
import Testing

/// Random *valid* events (the decoder rejects invalid ones), mixing tick-sized prices with
/// arbitrary doubles and edge values so both encodings meet awkward numbers.
struct EventGenerator {
    var random: SplitMix64

    mutating func price() -> Double {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return [Double.leastNonzeroMagnitude, .leastNormalMagnitude, 1e-9, 0.1, 1, 1e15, 999_999_999_999_999, 1e16 + 2,
                        .greatestFiniteMagnitude].randomElement(using: &random)!
        case 1...4: return (Double(Int.random(in: 1...10_000_000, using: &random)) / 100)  // 0.01 ticks
        case 5...6: return Double.random(in: 1e-6...1e6, using: &random)
        default: return Double(bitPattern: UInt64.random(in: 0x0010_0000_0000_0000...0x7FEF_FFFF_FFFF_FFFF, using: &random))  // any positive normal
        }
    }

    mutating func size(allowZero: Bool) -> Double {
        if allowZero, Int.random(in: 0..<8, using: &random) == 0 { return 0 }
        return Bool.random(using: &random)
            ? Double(Int.random(in: 1...1_000_000, using: &random)) / 10_000
            : Double.random(in: Double.leastNonzeroMagnitude...1e9, using: &random)
    }

    mutating func event(symbolCount: UInt32) -> MarketEvent {
        let symbolID = UInt32.random(in: 1...symbolCount, using: &random)
        let timestamp = Bool.random(using: &random) ? Int64.random(in: 1...Int64.max, using: &random)
            : 1_772_460_000_000_000_000 + Int64.random(in: 0...10_800_000_000_000, using: &random)
        switch MarketEventKind.allCases.randomElement(using: &random)! {
        case .trade:
            return .trade(symbolID: symbolID, timestampNs: timestamp, price: price(), size: size(allowZero: false))
        case .quote:
            let (a, b) = (price(), Int.random(in: 0..<10, using: &random) == 0 ? nil : price())
            let bid = min(a, b ?? a), ask = max(a, b ?? a)  // sometimes locked
            return .quote(symbolID: symbolID, timestampNs: timestamp, bid: bid, bidSize: size(allowZero: true),
                          ask: ask, askSize: size(allowZero: true))
        case .bar:
            let points = [price(), price(), price(), price()]
            let low = points.min()!, high = points.max()!
            return .bar(symbolID: symbolID, timestampNs: timestamp, open: points[1], high: high, low: low,
                        close: points[2], volume: size(allowZero: true))
        }
    }
}

@Suite("Encoder and decoder are inverse")
struct EncoderRoundTripTests {
    static let symbolNames = ["BTCUSD", "ETHUSD", "SOLUSD"]

    func topic(of event: MarketEvent) -> String {
        FeedTopic.topic(venue: "sim", symbol: Self.symbolNames[Int(event.symbolID) - 1])
    }

    @Test(arguments: [1, 42, 0xDEAD_BEEF] as [UInt64])
    func randomEventsSurviveBothEncodings(seed: UInt64) {
        var generator = EventGenerator(random: SplitMix64(seed: seed))
        var binary: [UInt8] = []
        var failures: [String] = []
        for _ in 0..<400 {
            let event = generator.event(symbolCount: 3)
            #expect(event.validationFailure() == nil, "generator made an invalid event: \(event)")

            FeedFrameEncoder.encodeBinary(event, into: &binary)
            let fromBinary = decode(topic: topic(of: event), binary)
            if fromBinary != .event(event) { failures.append("binary \(event) → \(fromBinary)") }

            let json = FeedFrameEncoder.encodeJSON(event)
            let fromJSON = decode(topic: topic(of: event), json: json)
            if fromJSON != .event(event) { failures.append("json \(json) → \(fromJSON)") }
        }
        #expect(failures.isEmpty, "\(failures.count) round-trip failures, first: \(failures.first ?? "")")
    }

    @Test func jsonKeepsEveryBitOfTheValues() {
        // Equality of Double treats 0 and -0 alike; compare bit patterns for awkward values.
        let values: [Double] = [0.1, 0.2 + 0.1, 1.0 / 3, 123_456.789, .leastNonzeroMagnitude, 2.2250738585072014e-308,
                                1.7976931348623157e308, 9_007_199_254_740_994, 1e15, 1e15 - 1, 1e21, 4.35]
        for value in values {
            let event = MarketEvent.trade(symbolID: btc, timestampNs: ts, price: value, size: value)
            guard case .event(let decoded) = decode(json: FeedFrameEncoder.encodeJSON(event)) else {
                Issue.record("\(value) did not decode from \(FeedFrameEncoder.encodeJSON(event))")
                continue
            }
            #expect(decoded.v0.bitPattern == value.bitPattern, "\(value)")
            #expect(decoded.v1.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test func jsonSpellsTheDocumentedFieldNames() {
        #expect(FeedFrameEncoder.encodeJSON(.trade(symbolID: 1, timestampNs: 5, price: 101.5, size: 2))
            == #"{"type":"trade","ts_ns":5,"price":101.5,"size":2}"#)
        #expect(FeedFrameEncoder.encodeJSON(.quote(symbolID: 1, timestampNs: 5, bid: 1, bidSize: 2, ask: 3, askSize: 4))
            == #"{"type":"quote","ts_ns":5,"bid":1,"bid_size":2,"ask":3,"ask_size":4}"#)
        #expect(FeedFrameEncoder.encodeJSON(.bar(symbolID: 1, timestampNs: 5, open: 1, high: 2, low: 0.5, close: 1.5, volume: 7))
            == #"{"type":"bar","ts_ns":5,"open":1,"high":2,"low":0.5,"close":1.5,"volume":7}"#)
        #expect(FeedFrameEncoder.encodeJSONEndOfStream(framesSent: 9, timestampNs: 5)
            == #"{"type":"eos","ts_ns":5,"frames_sent":9}"#)
    }

    @Test func nonFiniteValuesAreWrittenAsNullAndRejectedAsMissing() {
        let event = MarketEvent.trade(symbolID: btc, timestampNs: ts, price: .nan, size: .infinity)
        let json = FeedFrameEncoder.encodeJSON(event)
        #expect(json.contains(#""price":null"#))
        #expect(json.contains(#""size":null"#))
        #expect(decode(json: json) == .dropped(.missingField))
        // Binary carries them; validation then drops the event.
        #expect(decode(encodedBinary(event)) == .dropped(.invalidPrice))
    }
}
