import Foundation
import MarketData

#if canImport(Glibc)
import Glibc
#endif

/// Reads a ticks file one event at a time, in constant memory whatever the file's length: the
/// file is read in chunks of `chunkSize` bytes with `read(2)` and each line is parsed straight
/// from those bytes. Memory is one chunk, grown only for a line longer than a chunk (to the
/// longest line), plus the symbol table.
///
/// Same format, same checks and the same `TickFile.ParseError` messages as `TickFile.parse`
/// (which is built on this reader): see `TickFile` and docs/wire-format.md. The first bad line
/// stops the reader with an error naming the file and the line; every later `next()` throws
/// that error again.
///
/// Noncopyable because it owns a file descriptor and its buffer; use it on one thread.
public struct TickFileReader: ~Copyable {
    /// The file's name in errors (the path, or the name given for in-memory bytes).
    public let name: String
    /// Symbols in order of first appearance so far; grows as the reader meets new ones. Read it
    /// on the reader's thread only while reading (the table is not safe to share while it grows).
    public let symbols: SymbolTable
    /// The file's size in bytes when known (a regular file, or in-memory bytes), else `nil`.
    public let totalBytes: Int?
    /// Lines read so far (blank and comment lines included): the line number of the last event returned.
    public private(set) var linesRead = 0
    /// Events returned so far.
    public private(set) var eventsRead = 0
    /// Bytes of the file consumed by the lines read so far (for progress: compare with `totalBytes`).
    public var bytesRead: Int { consumedBeforeBuffer + position }

    /// The default chunk, 1 MiB: one `read(2)` per 20,000 or so lines, so the calls cost nothing
    /// per line, while the reader's memory stays about a megabyte.
    public static let defaultChunkSize = 1 << 20

    private enum Source {
        case file(descriptor: Int32)
        case memory(Data, offset: Int)
    }

    private var source: Source
    private let chunkSize: Int
    /// `buffer[position..<end]` holds bytes read but not yet parsed; `capacity` is its size.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var position = 0
    private var end = 0
    /// File bytes that were in the buffer and are gone (moved out when it was refilled).
    private var consumedBeforeBuffer = 0
    private var sourceEnded = false
    private var lastTimestamp = Int64.min
    /// The error that stopped the reader, thrown again by every later `next()`.
    private var failure: TickFile.ParseError?
    /// Where each of the line's first six fields ends (the comma after it, or the line's end).
    private let fieldEnds: UnsafeMutablePointer<Int>
    /// `SymbolCache.slotCount` slots in front of `symbols` (see `symbolID(_:count:)`).
    private let symbolCache: UnsafeMutablePointer<SymbolCache.Slot>

    /// Opens the file at `path`. Throws `cannot read file` (line 0) if it cannot be opened or
    /// is a directory; nothing is read yet.
    /// - Parameter chunkSize: bytes asked of each `read(2)` (>= 1; tests use tiny ones).
    public init(path: String, chunkSize: Int = TickFileReader.defaultChunkSize) throws(TickFile.ParseError) {
        precondition(chunkSize >= 1, "chunkSize must be at least 1")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TickFile.ParseError(file: path, line: 0, message: "cannot read file") }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else {
            close(descriptor)
            throw TickFile.ParseError(file: path, line: 0, message: "cannot read file")
        }
        self.init(
            name: path, source: .file(descriptor: descriptor), chunkSize: chunkSize,
            totalBytes: (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : nil)
    }

    /// Reads ticks from `data` as if it were a file called `name`, `chunkSize` bytes at a time.
    public init(data: Data, name: String, chunkSize: Int = TickFileReader.defaultChunkSize) {
        precondition(chunkSize >= 1, "chunkSize must be at least 1")
        self.init(name: name, source: .memory(data, offset: 0), chunkSize: chunkSize, totalBytes: data.count)
    }

    private init(name: String, source: Source, chunkSize: Int, totalBytes: Int?) {
        self.name = name
        self.source = source
        self.chunkSize = chunkSize
        self.totalBytes = totalBytes
        self.symbols = SymbolTable()
        // A small file needs no megabyte of buffer.
        capacity = max(1, min(chunkSize, totalBytes.map { $0 + 1 } ?? chunkSize))
        buffer = .allocate(capacity: capacity)
        fieldEnds = .allocate(capacity: 6)
        symbolCache = .allocate(capacity: SymbolCache.slotCount)
        symbolCache.initialize(repeating: SymbolCache.Slot(), count: SymbolCache.slotCount)
    }

    deinit {
        if case .file(let descriptor) = source { close(descriptor) }
        buffer.deallocate()
        fieldEnds.deallocate()
        symbolCache.deallocate()
    }

    /// The next event in file order, or `nil` at the end of the file.
    /// Throws the first bad line's `ParseError`, or `cannot read file` (line 0) if reading fails.
    public mutating func next() throws(TickFile.ParseError) -> MarketEvent? {
        if let failure { throw failure }
        do {
            return try nextEvent()
        } catch {
            failure = error
            throw error
        }
    }

    @inline(__always)
    private mutating func nextEvent() throws(TickFile.ParseError) -> MarketEvent? {
        while true {
            let available = end - position
            if available > 0, let newline = memchr(buffer + position, Int32(UInt8(ascii: "\n")), available) {
                let start = buffer + position
                let length = newline.assumingMemoryBound(to: UInt8.self) - start
                position += length + 1
                linesRead += 1
                if let event = try parseLine(start, count: length) {
                    eventsRead += 1
                    return event
                }
                continue
            }
            if sourceEnded {
                // The last line has no newline (or there is nothing left).
                guard available > 0 else { return nil }
                let start = buffer + position
                position = end
                linesRead += 1
                if let event = try parseLine(start, count: available) {
                    eventsRead += 1
                    return event
                }
                return nil
            }
            try refill()
        }
    }

    /// Moves the unparsed tail to the front of the buffer and reads up to one chunk after it,
    /// growing the buffer when one line fills all of it.
    private mutating func refill() throws(TickFile.ParseError) {
        let kept = end - position
        if position > 0 {
            if kept > 0 { memmove(buffer, buffer + position, kept) }
            consumedBeforeBuffer += position
            position = 0
            end = kept
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let wanted = min(chunkSize, capacity - end)
        switch source {
        case .file(let descriptor):
            while true {
                let count = read(descriptor, buffer + end, wanted)
                if count > 0 {
                    end += count
                    return
                }
                if count == 0 {
                    sourceEnded = true
                    return
                }
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw TickFile.ParseError(file: name, line: 0, message: "cannot read file: \(reason) after \(bytesRead + (end - position)) bytes")
            }
        case .memory(let data, let offset):
            let count = min(wanted, data.count - offset)
            if count == 0 {
                sourceEnded = true
                return
            }
            data.withUnsafeBytes { bytes in
                (buffer + end).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, count: count)
            }
            end += count
            source = .memory(data, offset: offset + count)
        }
    }
}

// MARK: - One line

private let comma = UInt8(ascii: ",")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

extension TickFileReader {
    /// The event of one line (without its `\n`), `nil` for a blank or comment line.
    ///
    /// Most lines take `parseWellFormed`, one pass over the bytes that only ever succeeds; any
    /// line it does not take (spaces, signs, exponents, a bad value, any error at all) is read
    /// again by `parseCarefully`, which checks in the first parser's order and names the error.
    @inline(__always)
    private mutating func parseLine(_ line: UnsafePointer<UInt8>, count rawCount: Int) throws(TickFile.ParseError) -> MarketEvent? {
        var count = rawCount
        if count > 0, line[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        if count == 0 || line[0] == UInt8(ascii: "#") { return nil }
        if let event = parseWellFormed(line, count: count) { return event }
        return try parseCarefully(line, count: count)
    }

    /// `ts,symbol,number,number` or `ts,symbol,number,number,number,number` exactly: digits for
    /// the timestamp, a valid symbol, decimals of the fast path, no spaces; a timestamp not
    /// before the last, a valid event. `nil` for anything else, with nothing changed.
    @inline(__always)
    private mutating func parseWellFormed(_ line: UnsafePointer<UInt8>, count: Int) -> MarketEvent? {
        // Timestamp: 1-19 digits (19 fit in UInt64; Int64 is checked after).
        var index = 0
        var timestampDigits: UInt64 = 0
        while index < count {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            timestampDigits = timestampDigits &* 10 &+ UInt64(digit)
            index += 1
        }
        guard index >= 1, index <= 19, index < count, line[index] == comma,
              timestampDigits > 0, timestampDigits <= UInt64(Int64.max) else { return nil }
        let timestamp = Int64(timestampDigits)
        guard timestamp >= lastTimestamp else { return nil }
        index += 1
        // Symbol: 1-32 valid bytes up to the next comma.
        let symbolStart = index
        while index < count, Self.isSymbolByte(line[index]) { index += 1 }
        let symbolCount = index - symbolStart
        guard symbolCount >= 1, symbolCount <= 32, index < count, line[index] == comma,
              !Self.isEndOfStreamSymbol(line + symbolStart, count: symbolCount) else { return nil }
        index += 1
        // Two or four decimals, comma-separated, the last one ending the line.
        guard let (v0, end0) = DecimalText.scanDecimal(line, from: index, to: count), end0 < count, line[end0] == comma,
              let (v1, end1) = DecimalText.scanDecimal(line, from: end0 + 1, to: count) else { return nil }
        let event: MarketEvent
        if end1 == count {
            event = .trade(symbolID: 0, timestampNs: timestamp, price: v0, size: v1)
        } else {
            guard line[end1] == comma,
                  let (v2, end2) = DecimalText.scanDecimal(line, from: end1 + 1, to: count), end2 < count, line[end2] == comma,
                  let (v3, end3) = DecimalText.scanDecimal(line, from: end2 + 1, to: count), end3 == count else { return nil }
            event = .quote(symbolID: 0, timestampNs: timestamp, bid: v0, bidSize: v1, ask: v2, askSize: v3)
        }
        guard event.validationFailure() == nil else { return nil }
        lastTimestamp = timestamp
        var interned = event
        interned.symbolID = symbolID(line + symbolStart, count: symbolCount)
        return interned
    }

    /// Any line, read in the first parser's order: the field count, then the timestamp, its
    /// order, the symbol, each value, the event's validation; the first failure is thrown.
    ///
    /// A line of ASCII bytes is read in place; a line with any other byte takes the first
    /// parser's own path (a `String` per field, trimmed with `trimmingCharacters(in: .whitespaces)`),
    /// since Unicode spaces are trimmed too and invalid UTF-8 must read as it did there.
    private mutating func parseCarefully(_ line: UnsafePointer<UInt8>, count: Int) throws(TickFile.ParseError) -> MarketEvent {
        var fields = 1
        var allBits: UInt8 = 0
        for index in 0..<count {
            let byte = line[index]
            allBits |= byte
            if byte == comma {
                if fields <= 6 { fieldEnds[fields - 1] = index }
                fields += 1
            }
        }
        guard fields == 4 || fields == 6 else { throw failure(TickFileMessages.fieldCount(fields)) }
        fieldEnds[fields - 1] = count
        if allBits & 0x80 != 0 { return try parseTextLine(line, fields: fields) }

        let timestampField = field(0, of: line)
        guard let timestamp = DecimalText.int64(timestampField.start, count: timestampField.count), timestamp > 0 else {
            throw failure(TickFileMessages.badTimestamp(timestampField.text))
        }
        try accept(timestamp)
        let symbolField = field(1, of: line)
        guard Self.isValidSymbol(symbolField.start, count: symbolField.count) else {
            throw failure(TickFileMessages.badSymbol(symbolField.text))
        }
        let v0 = try number(2, of: line), v1 = try number(3, of: line)
        var v2 = 0.0, v3 = 0.0
        if fields == 6 {
            v2 = try number(4, of: line)
            v3 = try number(5, of: line)
        }
        let id = symbolID(symbolField.start, count: symbolField.count)
        return try validated(fields == 4
            ? .trade(symbolID: id, timestampNs: timestamp, price: v0, size: v1)
            : .quote(symbolID: id, timestampNs: timestamp, bid: v0, bidSize: v1, ask: v2, askSize: v3))
    }

    /// The id of the valid symbol spelled by `bytes` (1-32 of them), interned if new.
    ///
    /// A direct-mapped cache of the symbol's bytes answers first: `SymbolTable` is a class, so
    /// each of its array reads is checked for exclusivity at run time, a sixth of the parse when
    /// every line went through it; the cache is memory the reader owns.
    @inline(__always)
    private func symbolID(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        var key = SymbolCache.Slot()
        withUnsafeMutableBytes(of: &key.words) { $0.baseAddress!.copyMemory(from: bytes, byteCount: count) }
        key.count = count
        let slot = symbolCache + key.slotIndex
        if slot.pointee.matches(key) { return slot.pointee.id }
        key.id = symbols.lookup(UnsafeRawBufferPointer(start: bytes, count: count))
            ?? symbols.intern(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        slot.pointee = key
        return key.id
    }

    /// Field `index` of an ASCII line, spaces and tabs around it trimmed.
    @inline(__always)
    private func field(_ index: Int, of line: UnsafePointer<UInt8>) -> Field {
        var start = index == 0 ? 0 : fieldEnds[index - 1] + 1
        var stop = fieldEnds[index]
        while start < stop, line[start] == space || line[start] == tab { start += 1 }
        while stop > start, line[stop - 1] == space || line[stop - 1] == tab { stop -= 1 }
        return Field(start: line + start, count: stop - start)
    }

    @inline(__always)
    private func number(_ index: Int, of line: UnsafePointer<UInt8>) throws(TickFile.ParseError) -> Double {
        let text = field(index, of: line)
        guard let value = DecimalText.double(text.start, count: text.count) else {
            throw failure(TickFileMessages.notANumber(field: index + 1, text.text))
        }
        return value
    }

    /// Timestamps must not decrease.
    @inline(__always)
    private mutating func accept(_ timestamp: Int64) throws(TickFile.ParseError) {
        if timestamp < lastTimestamp { throw failure(TickFileMessages.decreasing(timestamp, after: lastTimestamp)) }
        lastTimestamp = timestamp
    }

    @inline(__always)
    private func validated(_ event: MarketEvent) throws(TickFile.ParseError) -> MarketEvent {
        if let reason = event.validationFailure() { throw failure(TickFileMessages.invalid(event, reason)) }
        return event
    }

    /// `FeedTopic.isValidName` on bytes: 1-32 of ASCII letters, digits, `_`, `-`, `/`, not `_eos`.
    @inline(__always)
    static func isValidSymbol(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard count >= 1, count <= 32 else { return false }
        for index in 0..<count where !isSymbolByte(bytes[index]) { return false }
        return !isEndOfStreamSymbol(bytes, count: count)
    }

    /// An ASCII letter or digit, `_`, `-` or `/`.
    @inline(__always)
    static func isSymbolByte(_ byte: UInt8) -> Bool {
        // `| 0x20` folds upper case onto lower case and maps no other byte into a…z.
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }

    /// The reserved `_eos`.
    @inline(__always)
    static func isEndOfStreamSymbol(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        count == 4 && bytes[0] == UInt8(ascii: "_") && bytes[1] == UInt8(ascii: "e") && bytes[2] == UInt8(ascii: "o")
            && bytes[3] == UInt8(ascii: "s")
    }

    /// A line with a byte outside ASCII, read as the first parser read every line.
    private mutating func parseTextLine(_ line: UnsafePointer<UInt8>, fields: Int) throws(TickFile.ParseError) -> MarketEvent {
        let text = (0..<fields).map { index in
            let start = index == 0 ? 0 : fieldEnds[index - 1] + 1
            return String(decoding: UnsafeBufferPointer(start: line + start, count: fieldEnds[index] - start), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
        }
        guard let timestamp = Int64(text[0]), timestamp > 0 else { throw failure(TickFileMessages.badTimestamp(text[0])) }
        try accept(timestamp)
        guard FeedTopic.isValidName(text[1]) else { throw failure(TickFileMessages.badSymbol(text[1])) }
        var values: [Double] = []
        for index in 2..<fields {
            guard let value = Double(text[index]) else { throw failure(TickFileMessages.notANumber(field: index + 1, text[index])) }
            values.append(value)
        }
        let symbolID = symbols.intern(text[1])
        return try validated(fields == 4
            ? .trade(symbolID: symbolID, timestampNs: timestamp, price: values[0], size: values[1])
            : .quote(symbolID: symbolID, timestampNs: timestamp, bid: values[0], bidSize: values[1], ask: values[2], askSize: values[3]))
    }

    private func failure(_ message: String) -> TickFile.ParseError {
        TickFile.ParseError(file: name, line: linesRead, message: message)
    }
}

/// The reader's cache of symbol ids by spelling. Symbols are at most 32 bytes, so a slot holds
/// the whole spelling in four words and a hit is four compares.
enum SymbolCache {
    /// A power of two; far more than the symbols of a usual ticks file, so they rarely collide
    /// (a collision only costs a `SymbolTable` lookup).
    static let slotCount = 256

    struct Slot {
        /// The spelling, zero-padded to 32 bytes.
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// Bytes in the spelling; 0: an empty slot (no symbol is empty).
        var count = 0
        var id: UInt32 = 0

        @inline(__always)
        func matches(_ other: Slot) -> Bool {
            count == other.count && words.0 == other.words.0 && words.1 == other.words.1
                && words.2 == other.words.2 && words.3 == other.words.3
        }

        /// Where the spelling goes: a multiplicative hash of its words and length.
        @inline(__always)
        var slotIndex: Int {
            var hash = words.0 &* 0x9E37_79B9_7F4A_7C15
            hash = (hash ^ words.1) &* 0xBF58_476D_1CE4_E5B9
            hash = (hash ^ words.2 ^ (words.3 << 1) ^ UInt64(count)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: hash >> 56) & (SymbolCache.slotCount - 1)
        }
    }
}

/// A trimmed field of an ASCII line: bytes inside the reader's buffer, valid until the next read.
private struct Field {
    let start: UnsafePointer<UInt8>
    let count: Int
    /// The field as text (for errors and new symbols only).
    var text: String { String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) }
}

/// The ticks file's error messages, one spelling for both paths of the reader.
enum TickFileMessages {
    static func fieldCount(_ found: Int) -> String {
        "expected 4 fields (ts_ns,symbol,price,size) or 6 (ts_ns,symbol,bid,bid_size,ask,ask_size), found \(found)"
    }

    static func badTimestamp(_ text: String) -> String { "ts_ns '\(text)' is not a positive integer" }

    static func decreasing(_ timestamp: Int64, after last: Int64) -> String {
        "ts_ns \(timestamp) is earlier than the line before (\(last)); sort the file by time"
    }

    static func badSymbol(_ text: String) -> String {
        "symbol '\(text)' is not valid (1-32 of letters, digits, '_', '-', '/'; '_eos' is reserved)"
    }

    /// `field` counts from 1.
    static func notANumber(field: Int, _ text: String) -> String { "field \(field) '\(text)' is not a number" }

    static func invalid(_ event: MarketEvent, _ reason: FrameDropReason) -> String {
        "invalid \(event.kind.jsonName): \(reason.name)"
    }
}
