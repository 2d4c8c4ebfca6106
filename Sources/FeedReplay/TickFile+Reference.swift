import Foundation
import MarketData

extension TickFile {
    /// The first ticks-file parser, kept unchanged as the reference the streaming reader is
    /// tested against (same events, same errors, for any input) and benchmarked beside
    /// (`gatehouse-bench-ticks`). Not used by any replay: it needs the whole file in memory, a
    /// `String` per field and a `trimmingCharacters` call per field.
    package static func referenceParse(_ data: Data, name: String) throws(ParseError) -> TickFile {
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
