import FeedReplay
import Foundation
import MarketData
import Testing

/// SplitMix64: seeded, so a failing case can be run again.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Everything a reader yields, or the error that stopped it.
struct ReadOutcome: Equatable, CustomStringConvertible {
    var events: [EventBits]
    var symbols: [String]
    var error: TickFile.ParseError?

    /// An event compared bit for bit (so -0.0 differs from 0.0 and NaN payloads count).
    struct EventBits: Equatable {
        let kind: UInt8, symbolID: UInt32, timestampNs: Int64
        let values: [UInt64]
        init(_ event: MarketEvent) {
            kind = event.kind.rawValue
            symbolID = event.symbolID
            timestampNs = event.timestampNs
            values = [event.v0, event.v1, event.v2, event.v3, event.v4, event.v5].map(\.bitPattern)
        }
    }

    var description: String {
        let shown = symbols.count > 10 ? "\(symbols.prefix(10)) and \(symbols.count - 10) more" : "\(symbols)"
        return "\(events.count) events, symbols \(shown), error \(error.map { "\($0)" } ?? "none")"
    }

    /// Streams `reader` to its end or first error.
    static func streaming(_ reader: inout TickFileReader) -> ReadOutcome {
        var events: [EventBits] = []
        do {
            while let event = try reader.next() { events.append(EventBits(event)) }
            return ReadOutcome(events: events, symbols: reader.symbols.allNames, error: nil)
        } catch {
            return ReadOutcome(events: events, symbols: [], error: error)
        }
    }

    /// `text` through the reader, `chunkSize` bytes at a time.
    static func streaming(_ text: [UInt8], chunkSize: Int, name: String = "ticks.csv") -> ReadOutcome {
        var reader = TickFileReader(data: Data(text), name: name, chunkSize: chunkSize)
        return streaming(&reader)
    }

    /// `text` through the first (whole-file, String-per-field) parser.
    static func reference(_ text: [UInt8], name: String = "ticks.csv") -> ReadOutcome {
        do {
            let file = try TickFile.referenceParse(Data(text), name: name)
            return ReadOutcome(events: file.events.map(EventBits.init), symbols: file.symbols.allNames, error: nil)
        } catch {
            return ReadOutcome(events: [], symbols: [], error: error)
        }
    }

    /// Events are only compared when both succeed (a failed stream has yielded a prefix).
    func sameResult(as other: ReadOutcome) -> Bool {
        if let error { return error == other.error }
        return other.error == nil && events == other.events && symbols == other.symbols
    }
}

/// A temporary file holding `bytes`, removed when the test's scope ends.
struct ScratchFile: ~Copyable {
    let path: String
    init(_ bytes: [UInt8]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ticks-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Lines like the sample data: trades and quotes over a few symbols, CRLF on some lines,
/// comments and blank lines between them, no trailing newline.
func mixedTicks(lines: Int, seed: UInt64 = 7) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    let symbols = ["BTCUSD", "ETHUSD", "SOL-PERP", "XAU/USD", "x_1"]
    var text = "# ts_ns,symbol,price,size | ts_ns,symbol,bid,bid_size,ask,ask_size\n"
    var timestamp: Int64 = 1_772_460_000_000_000_000
    for index in 0..<lines {
        timestamp += Int64.random(in: 0...2_000_000_000, using: &random)
        let symbol = symbols[Int.random(in: 0..<symbols.count, using: &random)]
        let price = Double(Int.random(in: 1...6_000_000, using: &random)) / 100
        let size = Double(Int.random(in: 1...999_999, using: &random)) / 10_000
        switch index % 7 {
        case 0: text += "\(timestamp),\(symbol),\(price),\(size),\(price + 0.5),\(size * 3)\r\n"
        case 3: text += "# a comment, with commas\n\n \(timestamp) ,\t\(symbol), \(price) ,\(size)\n"
        default: text += "\(timestamp),\(symbol),\(String(format: "%.2f", price)),\(String(format: "%.4f", size))\n"
        }
    }
    if text.hasSuffix("\n") { text.removeLast() }
    return Array(text.utf8)
}

@Suite("TickFileReader streaming")
struct TickFileReaderTests {
    @Test func everyChunkSizeGivesTheSameEventsAsTheWholeFileParser() {
        let text = mixedTicks(lines: 300)
        let expected = ReadOutcome.reference(text)
        #expect(expected.error == nil)
        #expect(expected.events.count == 300)
        // Tiny chunks put a boundary inside every field of every line, and in "\r\n".
        for chunkSize in Array(1...67) + [100, 255, 256, 1000, 4096, 1 << 20] {
            let outcome = ReadOutcome.streaming(text, chunkSize: chunkSize)
            #expect(outcome == expected, "chunk size \(chunkSize): \(outcome)")
        }
    }

    @Test func aFileOnDiskReadsThroughReadInChunks() throws {
        let text = mixedTicks(lines: 2_000)
        let file = try ScratchFile(text)
        let expected = ReadOutcome.reference(text)
        for chunkSize in [1, 7, 64, 4096, TickFileReader.defaultChunkSize] {
            var reader = try TickFileReader(path: file.path, chunkSize: chunkSize)
            #expect(reader.totalBytes == text.count)
            #expect(reader.bytesRead == 0)
            let outcome = ReadOutcome.streaming(&reader)
            #expect(outcome == expected, "chunk size \(chunkSize)")
            #expect(reader.bytesRead == text.count)
            #expect(reader.eventsRead == 2_000)
            #expect(try reader.next() == nil, "a finished reader stays finished")
        }
        #expect(try TickFile.load(path: file.path).events.count == 2_000)
    }

    @Test func theLastLineNeedsNoNewline() throws {
        for ending in ["", "\r", "\n", "\r\n", "\n\n", "\n# trailing comment"] {
            for chunkSize in [1, 2, 3, 5, 64] {
                let text = Array("100,BTCUSD,1.5,1\n200,ETHUSD,1,2,3,4\(ending)".utf8)
                var reader = TickFileReader(data: Data(text), name: "t.csv", chunkSize: chunkSize)
                let first = try reader.next()
                let second = try reader.next()
                #expect(first == .trade(symbolID: 1, timestampNs: 100, price: 1.5, size: 1))
                #expect(second == .quote(symbolID: 2, timestampNs: 200, bid: 1, bidSize: 2, ask: 3, askSize: 4), "ending \(ending.debugDescription)")
                #expect(try reader.next() == nil)
                #expect(reader.bytesRead == text.count)
            }
        }
    }

    @Test func aLineLongerThanTheChunkIsReadWhole() throws {
        let padding = String(repeating: " ", count: 10_000)
        let text = Array("1,A,1,1\n\(padding)2\(padding),\(padding)B,2,\(padding)3\n3,A,4,5".utf8)
        for chunkSize in [1, 16, 4096] {
            let outcome = ReadOutcome.streaming(text, chunkSize: chunkSize)
            #expect(outcome == ReadOutcome.reference(text), "chunk size \(chunkSize)")
            #expect(outcome.events.count == 3)
        }
    }

    @Test func anErrorNamesItsLineWhereverTheChunksEnd() throws {
        var lines = (1...500).map { "\(1_000 + $0),BTCUSD,\(100 + $0 % 9).25,0.5" }
        let badLines = [1, 2, 137, 499, 500]
        for badLine in badLines {
            var text = lines
            text[badLine - 1] = "\(1_000 + badLine),BTCUSD,1O0.25,0.5" // a letter O for a zero
            let bytes = Array(text.joined(separator: "\n").utf8)
            let file = try ScratchFile(bytes)
            for chunkSize in [1, 3, 10, 37, 64, 1 << 20] {
                var reader = try TickFileReader(path: file.path, chunkSize: chunkSize)
                let outcome = ReadOutcome.streaming(&reader)
                let error = try #require(outcome.error, "line \(badLine), chunk \(chunkSize)")
                #expect(error.line == badLine, "chunk \(chunkSize)")
                #expect(error.description == "\(file.path):\(badLine): field 3 '1O0.25' is not a number")
                #expect(outcome.events.count == badLine - 1, "the events before the bad line came out")
            }
        }
        // A reader stopped by a bad line stays stopped on it.
        var stopped = TickFileReader(data: Data("1,A,1,1\n2,A,x,1\n3,A,1,1\n".utf8), name: "t.csv", chunkSize: 4)
        _ = try stopped.next()
        for _ in 0..<3 {
            #expect(throws: TickFile.ParseError(file: "t.csv", line: 2, message: "field 3 'x' is not a number")) { _ = try stopped.next() }
        }
        lines[249] = "999,BTCUSD,1,1"
        let error = try #require(ReadOutcome.streaming(Array(lines.joined(separator: "\r\n").utf8), chunkSize: 5).error)
        #expect(error.line == 250)
        #expect(error.message == "ts_ns 999 is earlier than the line before (1249); sort the file by time")
    }

    @Test func aDirectoryCannotBeRead() {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: TickFile.ParseError(file: path, line: 0, message: "cannot read file")) {
            _ = try TickFileReader(path: path)
        }
    }

    @Test func checkCountsEveryEventLineAndSymbolWithoutKeepingThem() throws {
        let text = mixedTicks(lines: 1_000)
        let file = try ScratchFile(text)
        var reports: [(Int, Int?)] = []
        let summary = try TickFileReader.check(path: file.path, chunkSize: 333, progress: { reports.append(($0, $1)) })
        let reference = try TickFile.referenceParse(Data(text), name: file.path)
        #expect(summary.events == 1_000)
        #expect(summary.bytes == text.count)
        #expect(summary.lines == text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count)
        #expect(summary.symbols == reference.symbols.allNames)
        #expect(reports.last.map { [$0.0, $0.1] } == [text.count, text.count])

        let bad = try ScratchFile(Array("1,A,1,1\n2,A,1\n".utf8))
        #expect(throws: TickFile.ParseError(file: bad.path, line: 2, message:
            "expected 4 fields (ts_ns,symbol,price,size) or 6 (ts_ns,symbol,bid,bid_size,ask,ask_size), found 3")) {
            _ = try TickFileReader.check(path: bad.path)
        }
    }

    /// Thousands of symbols, in groups alike in all their bytes but one eight-byte stretch, in a
    /// random order: every line gets the id the first parser gives it (the reader's symbol
    /// cache collides and evicts within each group, and must never answer with another
    /// symbol's id).
    @Test func manySimilarSymbolsKeepTheirOwnIds() {
        var random = SeededRandom(seed: 0x7379_6d73)
        var names: [String] = []
        for word in 0..<4 {
            for index in 0..<600 {
                let varying = String(repeating: "0", count: 8 - String(index, radix: 36).count) + String(index, radix: 36)
                let name = String(repeating: "S", count: 8 * word) + varying + String(repeating: "T", count: 24 - 8 * word)
                names.append(String(name.prefix(8 * (word + 1) + (word == 3 ? 0 : 3))))
            }
        }
        for length in 1...32 { names.append(String(repeating: "Q", count: length)) }
        var text = ""
        for line in 1...20_000 {
            let name = names[Int.random(in: 0..<names.count, using: &random)]
            text += "\(line),\(name),\(line % 97 + 1).25,1\n"
        }
        let bytes = Array(text.utf8)
        let expected = ReadOutcome.reference(bytes)
        #expect(expected.error == nil)
        #expect(expected.symbols.count > 2_000)
        #expect(ReadOutcome.streaming(bytes, chunkSize: 1 << 20) == expected)
        #expect(ReadOutcome.streaming(bytes, chunkSize: 13) == expected)
    }

    @Test func symbolsAreInternedAsTheyAppear() throws {
        var reader = TickFileReader(data: Data("1,B,1,1\n2,A,1,1\n3,B,1,1\n4,C,1,1\n".utf8), name: "t", chunkSize: 4)
        var seen: [[String]] = []
        while try reader.next() != nil { seen.append(reader.symbols.allNames) }
        #expect(seen == [["B"], ["B", "A"], ["B", "A"], ["B", "A", "C"]])
    }
}

@Suite("TickFileReader against the first parser")
struct TickFileReaderEquivalenceTests {
    /// Every ASCII byte around and inside each field: trimmed, refused or accepted exactly as
    /// `trimmingCharacters(in: .whitespaces)` and the String conversions do.
    @Test func everyASCIIByteAroundAFieldReadsTheSame() {
        let fields = ["100", "BTCUSD", "1.5", "2"]
        for byte in UInt8(1)...UInt8(127) where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: ",") {
            for target in 0..<fields.count {
                for placement in 0..<3 {
                    var row = fields.map { Array($0.utf8) }
                    switch placement {
                    case 0: row[target].insert(byte, at: 0)
                    case 1: row[target].append(byte)
                    default: row[target].insert(byte, at: row[target].count / 2)
                    }
                    let text = Array("1,A,1,1\n".utf8) + Array(row.joined(separator: [UInt8(ascii: ",")])) + Array("\n".utf8)
                    let streamed = ReadOutcome.streaming(text, chunkSize: 3)
                    let reference = ReadOutcome.reference(text)
                    #expect(streamed.sameResult(as: reference), "byte \(byte) in field \(target) at \(placement): \(streamed) vs \(reference)")
                }
            }
        }
    }

    @Test(arguments: [
        "100\u{00A0},BTCUSD,1.5,2",          // no-break space: trimmed like a space
        "\u{3000}100,\u{2003}BTCUSD\u{2003},1.5,2",
        "100,ÉTHUSD,1.5,2",
        "100,BTCUSD,1.5\u{00A0},2",
        "100,BTC\u{0301}USD,1.5,2",
        "100,BTCUSD,１.5,2",                 // a full-width digit is no digit
        "١٠٠,BTCUSD,1.5,2",                  // nor an Arabic-Indic one
    ])
    func nonASCIILinesReadTheSame(line: String) {
        let text = Array("1,A,1,1\n\(line)\n".utf8)
        let streamed = ReadOutcome.streaming(text, chunkSize: 2)
        #expect(streamed.sameResult(as: ReadOutcome.reference(text)), "\(streamed)")
    }

    @Test func invalidUTF8ReadsTheSame() {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x80], [0x80, 0x80], [0xC3, 0xA9]] {
            for target in 0..<4 {
                var row = ["100", "BTCUSD", "1.5", "2"].map { Array($0.utf8) }
                row[target] += bad
                let text = Array(row.joined(separator: [UInt8(ascii: ",")]))
                let streamed = ReadOutcome.streaming(text, chunkSize: 1)
                #expect(streamed.sameResult(as: ReadOutcome.reference(text)), "\(bad) in field \(target): \(streamed)")
            }
        }
    }

    /// Random files, good and broken in every way the format can break, through the reader at a
    /// random chunk size: the same events and symbols, or the same error on the same line.
    @Test func randomFilesReadTheSameAsWithTheFirstParser() {
        var random = SeededRandom(seed: 0x7469_636b)
        var failures = 0, successes = 0
        for round in 0..<400 {
            var lines: [String] = []
            var timestamp = Int64.random(in: 1...1_000_000, using: &random)
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                timestamp += Int64.random(in: 0...1_000, using: &random)
                lines.append(Self.randomLine(timestamp: timestamp, using: &random))
            }
            let separator = Bool.random(using: &random) ? "\n" : "\r\n"
            var text = lines.joined(separator: separator)
            if Bool.random(using: &random) { text += separator }
            let bytes = Array(text.utf8)
            let chunkSize = [1, 2, 3, 8, 17, 64, 1 << 20][Int.random(in: 0..<7, using: &random)]
            let streamed = ReadOutcome.streaming(bytes, chunkSize: chunkSize)
            let reference = ReadOutcome.reference(bytes)
            #expect(streamed.sameResult(as: reference), "round \(round), chunk \(chunkSize):\n\(text)\n\(streamed)\nvs \(reference)")
            if reference.error == nil { successes += 1 } else { failures += 1 }
        }
        // The generator must exercise both outcomes, or this test could not fail on either.
        #expect(successes > 50)
        #expect(failures > 50)
    }

    /// Mostly good lines; about one in thirty has one defect.
    static func randomLine(timestamp: Int64, using random: inout SeededRandom) -> String {
        func number() -> String { NumberTextTests.randomNumberText(using: &random, wellFormed: Int.random(in: 0..<30, using: &random) != 0) }
        let symbols = ["BTCUSD", "ETHUSD", "SOL-PERP", "XAU/USD", "x_1", "Z"]
        var timestampText = "\(timestamp)"
        var symbol = symbols[Int.random(in: 0..<symbols.count, using: &random)]
        var values = (0..<(Bool.random(using: &random) ? 2 : 4)).map { _ in
            String(format: "%.\(Int.random(in: 0...6, using: &random))f", Double.random(in: 0.001...70_000, using: &random))
        }
        if values.count == 4, Int.random(in: 0..<4, using: &random) == 0 { values[2] = values[0] } // bid == ask
        switch Int.random(in: 0..<300, using: &random) {
        case 0: timestampText = ["", "0", "-1", "+\(timestamp)", "1.5", "abc", "99999999999999999999", "\(timestamp)x"][Int.random(in: 0..<8, using: &random)]
        case 1: timestampText = "\(max(1, timestamp - 5_000))" // decreasing
        case 2: symbol = ["", "_eos", "BTC.USD", "BTC USD", String(repeating: "Q", count: 33), "A\u{01}B", "#x"][Int.random(in: 0..<7, using: &random)]
        case 3: values[Int.random(in: 0..<values.count, using: &random)] = number()
        case 4: values.append("1") // 5 or 7 fields
        case 5: values.removeLast() // 3 or 5 fields
        case 6: values[0] = "-" + values[0]
        case 7: values[values.count - 1] = "0"
        case 8: return "#" + [timestampText, symbol].joined(separator: ",")
        case 9: return ["", " ", "\t", "#", "# x,y"][Int.random(in: 0..<5, using: &random)]
        case 10: values[Int.random(in: 0..<values.count, using: &random)] = number()
        default: break
        }
        var fields = [timestampText, symbol] + values
        if Int.random(in: 0..<6, using: &random) == 0 {
            let index = Int.random(in: 0..<fields.count, using: &random)
            fields[index] = [" ", "\t", "  "][Int.random(in: 0..<3, using: &random)] + fields[index] + [" ", "\t", ""][Int.random(in: 0..<3, using: &random)]
        }
        return fields.joined(separator: ",")
    }
}
