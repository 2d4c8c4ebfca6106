import Foundation
import MarketData

/// A ticks file loaded into memory: trades and quotes in time order, symbols interned.
///
/// Format (CSV, one event per line; see docs/wire-format.md):
/// - `ts_ns,symbol,price,size`: a trade;
/// - `ts_ns,symbol,bid,bid_size,ask,ask_size`: a quote;
/// - blank lines and lines starting with `#` are ignored.
/// Timestamps are integer nanoseconds since the Unix epoch (UTC) and must not decrease.
///
/// This holds every event (64 bytes each); a replay streams the file with `TickFileReader`
/// instead, in constant memory. Both parse with the same code and throw the same errors.
public struct TickFile: Sendable {
    /// Symbols in order of first appearance.
    public let symbols: SymbolTable
    /// Events in file order.
    public let events: [MarketEvent]

    /// A problem in the file, naming the line (0: the file as a whole, e.g. it cannot be read).
    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }

        /// An error about `line` (counting from 1; 0 for the file as a whole) of `file`.
        public init(file: String, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ParseError) -> TickFile {
        var reader = try TickFileReader(path: path)
        return try collect(&reader)
    }

    /// Parses ticks from `data`; `name` labels errors.
    public static func parse(_ data: Data, name: String) throws(ParseError) -> TickFile {
        var reader = TickFileReader(data: data, name: name)
        return try collect(&reader)
    }

    /// Every event `reader` has left.
    static func collect(_ reader: inout TickFileReader) throws(ParseError) -> TickFile {
        var events: [MarketEvent] = []
        // Lines are about 45-60 bytes; a little over-reserved beats doubling a large array.
        events.reserveCapacity((reader.totalBytes ?? 0) / 40)
        while let event = try reader.next() { events.append(event) }
        return TickFile(symbols: reader.symbols, events: events)
    }
}
