import FeedReplay
import Foundation
import MarketData
import Testing

func parse(_ text: String, name: String = "ticks.csv") throws(TickFile.ParseError) -> TickFile {
    try TickFile.parse(Data(text.utf8), name: name)
}

/// The error parsing `text` throws, or `nil` (recorded as an issue) if it parses.
func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TickFile.ParseError? {
    do {
        _ = try parse(text)
        Issue.record("parsed without error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("TickFile parsing")
struct TickFileParsingTests {
    @Test func tradesAndQuotesParseIntoEventsWithInternedSymbols() throws {
        let file = try parse("""
            100,BTCUSD,60000.5,0.25
            200,ETHUSD,2999.5,1.5,3000.25,2
            300,BTCUSD,59999.5,10,60001,3
            300,ETHUSD,3000,0.5
            """)
        #expect(file.symbols.allNames == ["BTCUSD", "ETHUSD"])
        #expect(file.events == [
            .trade(symbolID: 1, timestampNs: 100, price: 60000.5, size: 0.25),
            .quote(symbolID: 2, timestampNs: 200, bid: 2999.5, bidSize: 1.5, ask: 3000.25, askSize: 2),
            .quote(symbolID: 1, timestampNs: 300, bid: 59999.5, bidSize: 10, ask: 60001, askSize: 3),
            .trade(symbolID: 2, timestampNs: 300, price: 3000, size: 0.5),
        ])
    }

    @Test func commentsAndBlankLinesAreSkipped() throws {
        let file = try parse("""
            # ts_ns,symbol,price,size
            # another comment, with, commas, in, it

            100,BTCUSD,1,1
            #200,BTCUSD,oops

            300,BTCUSD,2,2

            """)
        #expect(file.events.map(\.timestampNs) == [100, 300])
    }

    @Test func crlfLineEndingsAreAccepted() throws {
        let file = try parse("# header\r\n100,BTCUSD,1.5,1\r\n\r\n200,ETHUSD,1,2,3,4\r\n")
        #expect(file.events == [
            .trade(symbolID: 1, timestampNs: 100, price: 1.5, size: 1),
            .quote(symbolID: 2, timestampNs: 200, bid: 1, bidSize: 2, ask: 3, askSize: 4),
        ])
    }

    @Test func spacesAroundFieldsAreTrimmed() throws {
        let file = try parse(" 100 , BTCUSD , 1.5 , 2 \n")
        #expect(file.events == [.trade(symbolID: 1, timestampNs: 100, price: 1.5, size: 2)])
        #expect(file.symbols.allNames == ["BTCUSD"])
    }

    @Test func anEmptyFileHasNoEvents() throws {
        let file = try parse("")
        #expect(file.events.isEmpty)
        #expect(file.symbols.count == 0)
        #expect(try parse("# only a comment\n\n").events.isEmpty)
    }

    @Test func symbolsMayUseLettersDigitsUnderscoreDashAndSlashUpTo32Bytes() throws {
        let long = String(repeating: "Z", count: 32)
        let file = try parse("1,BTC/USD,1,1\n2,SOL-PERP,1,1\n3,x_1,1,1\n4,\(long),1,1\n5,eos,1,1\n")
        #expect(file.symbols.allNames == ["BTC/USD", "SOL-PERP", "x_1", long, "eos"])
    }

    @Test func tabsAroundFieldsAreTrimmed() throws {
        let file = try parse("100\t,\tBTCUSD,\t1.5\t,2\n")
        #expect(file.events == [.trade(symbolID: 1, timestampNs: 100, price: 1.5, size: 2)])
    }

    @Test func equalTimestampsAreAllowed() throws {
        #expect(try parse("5,A,1,1\n5,B,1,1\n5,A,2,1").events.count == 3)
    }

    @Test(arguments: [
        ("wrong field count (3)", "100,BTCUSD,1", "found 3"),
        ("wrong field count (5)", "100,BTCUSD,1,2,3", "found 5"),
        ("wrong field count (7)", "100,BTCUSD,1,2,3,4,5", "found 7"),
        ("a single field", "100", "found 1"),
        ("non-integer ts", "1.5,BTCUSD,1,1", "ts_ns"),
        ("text ts", "abc,BTCUSD,1,1", "ts_ns"),
        ("empty ts", ",BTCUSD,1,1", "ts_ns"),
        ("zero ts", "0,BTCUSD,1,1", "ts_ns"),
        ("negative ts", "-5,BTCUSD,1,1", "ts_ns"),
        ("decreasing ts", "99,BTCUSD,1,1", "earlier"),
        ("non-numeric price", "300,BTCUSD,abc,1", "'abc' is not a number"),
        ("empty size", "300,BTCUSD,1,", "is not a number"),
        ("non-numeric ask", "300,BTCUSD,1,1,x,1", "field 5 'x'"),
        ("zero price", "300,BTCUSD,0,1", "invalid_price"),
        ("negative price", "300,BTCUSD,-1,1", "invalid_price"),
        ("NaN price", "300,BTCUSD,nan,1", "invalid_price"),
        ("infinite price", "300,BTCUSD,inf,1", "invalid_price"),
        ("zero trade size", "300,BTCUSD,1,0", "invalid_size"),
        ("negative quote size", "300,BTCUSD,1,-1,2,1", "invalid_size"),
        ("crossed quote", "300,BTCUSD,101,1,100,1", "invalid_price"),
        ("reserved symbol", "300,_eos,1,1", "_eos"),
        ("dotted symbol", "300,BTC.USD,1,1", "BTC.USD"),
        ("empty symbol", "300,,1,1", "symbol ''"),
        ("symbol with a space", "300,BTC USD,1,1", "BTC USD"),
        ("symbol with a control character", "300,BTC\u{01}USD,1,1", "symbol"),
        ("non-ASCII symbol", "300,ÉTHUSD,1,1", "ÉTHUSD"),
        ("symbol longer than 32 bytes", "300,\(String(repeating: "X", count: 33)),1,1", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
    ])
    func errorsNameTheLine(label: String, badLine: String, messageFragment: String) throws {
        // Line 1 comment, 2 blank, 3 and 4 good, 5 bad (CRLF so the count must not be thrown off).
        let text = "# header\r\n\r\n100,BTCUSD,1,1\r\n200,ETHUSD,1,1,2,1\r\n\(badLine)\r\n300,BTCUSD,1,1\r\n"
        let error = try #require(parseError(text), "\(label)")
        #expect(error.line == 5, "\(label)")
        #expect(error.file == "ticks.csv")
        #expect(error.message.contains(messageFragment), "\(label): \(error.message)")
        #expect(error.description.hasPrefix("ticks.csv:5: "), "\(label): \(error.description)")
    }

    @Test func theFirstBadLineIsReported() throws {
        let error = try #require(parseError("1,A,1,1\n2,A,x,1\n3,A,y,1\n"))
        #expect(error.line == 2)
    }

    @Test func aMissingFileIsReportedWithoutALineNumber() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).csv").path
        do {
            _ = try TickFile.load(path: path)
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.line == 0)
            #expect(error.file == path)
            #expect(error.description == "\(path): cannot read file")
        }
    }
}

@Suite("The bundled sample data")
struct SampleDataTests {
    static var samplePath: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FeedReplayTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("tools/data/sample_ticks.csv").path
    }

    @Test func sampleTicksLoadWithFourSymbolsAndOverTwentyThousandEvents() throws {
        let file = try TickFile.load(path: Self.samplePath)
        #expect(Set(file.symbols.allNames) == ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"])
        #expect(file.symbols.count == 4)
        #expect(file.events.count > 20_000)
        #expect(file.events.contains { $0.kind == .trade })
        #expect(file.events.contains { $0.kind == .quote })
        #expect(file.events.allSatisfy { $0.validationFailure() == nil })
        #expect(zip(file.events, file.events.dropFirst()).allSatisfy { $0.timestampNs <= $1.timestampNs })
        #expect(Set(file.events.map(\.symbolID)) == [1, 2, 3, 4])
    }
}
