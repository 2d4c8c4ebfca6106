import Foundation
import MarketData

/// A ticks file loaded into memory: trades and quotes in time order, symbols interned.
///
/// Format (CSV, one event per line; see docs/wire-format.md):
/// - `ts_ns,symbol,price,size`: a trade;
/// - `ts_ns,symbol,bid,bid_size,ask,ask_size`: a quote;
/// - blank lines and lines starting with `#` are ignored.
/// Timestamps are integer nanoseconds since the Unix epoch (UTC) and must not decrease.
public struct TickFile: Sendable {
    /// Symbols in order of first appearance.
    public let symbols: SymbolTable
    /// Events in file order.
    public let events: [MarketEvent]

    /// A problem in the file, naming the line.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    }

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ParseError) -> TickFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(file: path, line: 0, message: "cannot read file")
        }
        return try parse(data, name: path)
    }

    /// Parses ticks from `data`; `name` labels errors.
    public static func parse(_ data: Data, name: String) throws(ParseError) -> TickFile {
        let symbols = SymbolTable()
        var events: [MarketEvent] = []
        events.reserveCapacity(data.count / 40)
        var lineNumber = 0
        var lastTimestamp = Int64.min
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            func fail(_ message: String) -> ParseError { ParseError(file: name, line: lineNumber, message: message) }
            guard fields.count == 4 || fields.count == 6 else {
                throw fail("expected 4 fields (ts_ns,symbol,price,size) or 6 (ts_ns,symbol,bid,bid_size,ask,ask_size), found \(fields.count)")
            }
            let text = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            guard let timestamp = Int64(text[0]), timestamp > 0 else { throw fail("ts_ns '\(text[0])' is not a positive integer") }
            if timestamp < lastTimestamp { throw fail("ts_ns \(timestamp) is earlier than the line before (\(lastTimestamp)); sort the file by time") }
            lastTimestamp = timestamp
            let symbolName = text[1]
            guard FeedTopic.isValidName(symbolName) else {
                throw fail("symbol '\(symbolName)' is not valid (1-32 of letters, digits, '_', '-', '/'; '_eos' is reserved)")
            }
            var values: [Double] = []
            for (index, field) in text.dropFirst(2).enumerated() {
                guard let value = Double(field) else { throw fail("field \(index + 3) '\(field)' is not a number") }
                values.append(value)
            }
            let symbolID = symbols.intern(symbolName)
            let event = fields.count == 4
                ? MarketEvent.trade(symbolID: symbolID, timestampNs: timestamp, price: values[0], size: values[1])
                : MarketEvent.quote(symbolID: symbolID, timestampNs: timestamp, bid: values[0], bidSize: values[1], ask: values[2], askSize: values[3])
            if let failure = event.validationFailure() { throw fail("invalid \(event.kind.jsonName): \(failure.name)") }
            events.append(event)
        }
        return TickFile(symbols: symbols, events: events)
    }
}
