/// A compact binary encoding for `Codable` values whose coding is synthesized (structs of
/// numbers, strings, arrays, optionals and raw-value enums): the snapshot formats
/// `gatehouse-state-v5+bin`, `-v4+bin`, `-v3+bin` and `-v2+bin` (docs/journal.md, "Snapshot encoding").
///
/// Values are written in the order they are encoded, with no keys: a keyed container writes its
/// values in call order and reads them back in the same order, which is what synthesized
/// `Codable` does. So it is exact only for types whose `encode(to:)` and `init(from:)` visit the
/// same properties in the same order. Not supported: a dictionary with `String` or `Int` keys
/// (its decoding asks for the keys present, `allKeys`, which the bytes do not hold; a debug build
/// stops there), an optional array element, and an array of values that encode to no bytes.
/// `EngineState` holds none of these; its round-trip tests (`EngineStateEncodingTests`) guard
/// that it stays so. A damaged or cut input is refused with an error naming the offset.
///
/// Layout: integers as LEB128 varints (signed ones zigzagged), so small ids and counts take one
/// byte; `Double` as its 8 IEEE 754 bytes, little-endian, so every value (infinities and NaN
/// included) comes back bit for bit; `Bool` one byte; strings a varint length and UTF-8; arrays
/// a 4-byte little-endian count and the elements; an optional property one byte (0 absent, 1
/// present) before its value, or nothing when the input ends there (an optional property
/// appended at the very end of the outermost value later: v3 reads v2's bytes so, v4 v3's, v5 v4's).
package enum CompactCoder {
    /// Why bytes do not decode (cut short, or not written by this encoding of this type).
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The bytes of `value`.
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let sink = ByteSink()
        try value.encode(to: CompactEncoding(sink: sink))
        return sink.bytes
    }

    /// The value of type `T` in `bytes`, which must be used up exactly.
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let source = ByteSource(bytes)
        let value = try T(from: CompactDecoding(source: source))
        guard source.offset == bytes.count else {
            throw Failure(description: "\(bytes.count - source.offset) bytes left over after the value (offset \(source.offset) of \(bytes.count))")
        }
        return value
    }
}

// MARK: Bytes

final class ByteSink {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(16_384) }

    func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    func string(_ value: String) {
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Reserves a 4-byte count; returns where it is.
    func countSlot() -> Int {
        bytes.append(contentsOf: [0, 0, 0, 0])
        return bytes.count - 4
    }

    func incrementCount(at slot: Int) {
        var count = UInt32(bytes[slot]) | UInt32(bytes[slot + 1]) << 8 | UInt32(bytes[slot + 2]) << 16 | UInt32(bytes[slot + 3]) << 24
        count += 1
        for index in 0..<4 { bytes[slot + index] = UInt8(truncatingIfNeeded: count >> UInt32(8 * index)) }
    }
}

final class ByteSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw CompactCoder.Failure(description: "cut short at offset \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            // The tenth byte may carry only the 64th bit.
            guard shift < 63 || (shift == 63 && next <= 1) else {
                throw CompactCoder.Failure(description: "a varint past 64 bits at offset \(offset - 1)")
            }
            value |= UInt64(next & 0x7f) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    func signed() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    func fixed64() throws -> UInt64 {
        guard offset + 8 <= bytes.count else { throw CompactCoder.Failure(description: "cut short at offset \(offset)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    func count() throws -> Int {
        guard offset + 4 <= bytes.count else { throw CompactCoder.Failure(description: "cut short at offset \(offset)") }
        let count = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
        offset += 4
        // Every element of the state takes at least a byte: a larger count is damage, not a big array.
        guard count <= bytes.count - offset else { throw CompactCoder.Failure(description: "an array of \(count) elements with \(bytes.count - offset) bytes left at offset \(offset - 4)") }
        return count
    }

    func string() throws -> String {
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else { throw CompactCoder.Failure(description: "a string of \(length) bytes past the end at offset \(offset)") }
        defer { offset += Int(length) }
        guard let text = String(validating: bytes[offset..<offset + Int(length)], as: UTF8.self) else {
            throw CompactCoder.Failure(description: "a string that is not UTF-8 at offset \(offset)")
        }
        return text
    }
}

// MARK: Encoding

/// One value's scalars, written in order (shared by every container kind).
protocol CompactScalarWriter {
    var sink: ByteSink { get }
}

extension CompactScalarWriter {
    func write(_ value: Bool) { sink.bytes.append(value ? 1 : 0) }
    func write(_ value: String) { sink.string(value) }
    func write(_ value: Double) { sink.fixed64(value.bitPattern) }
    func write(_ value: Float) { sink.fixed64(Double(value).bitPattern) }
    func writeInteger<I: BinaryInteger>(_ value: I) {
        if I.isSigned { sink.signed(Int64(value)) } else { sink.varint(UInt64(value)) }
    }
    func writeValue<T: Encodable>(_ value: T) throws {
        try value.encode(to: CompactEncoding(sink: sink))
    }
}

struct CompactEncoding: Encoder {
    let sink: ByteSink
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter<Key>(sink: sink))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWriter(sink: sink, slot: sink.countSlot())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(sink: sink) }
}

struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol, CompactScalarWriter {
    let sink: ByteSink
    var codingPath: [any CodingKey] = []

    mutating func encodeNil(forKey key: Key) throws { sink.bytes.append(0) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { write(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { write(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { write(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { write(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try writeValue(value) }

    // An optional property: a presence byte, then the value.
    private func present(_ isPresent: Bool) { sink.bytes.append(isPresent ? 1 : 0) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { present(value != nil); if let value { write(value) } }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { present(value != nil); if let value { write(value) } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { present(value != nil); if let value { write(value) } }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { present(value != nil); if let value { write(value) } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { present(value != nil); if let value { writeInteger(value) } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { present(value != nil); if let value { try writeValue(value) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedWriter(sink: sink, slot: sink.countSlot())
    }
    mutating func superEncoder() -> any Encoder { CompactEncoding(sink: sink) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { CompactEncoding(sink: sink) }
}

struct UnkeyedWriter: UnkeyedEncodingContainer, CompactScalarWriter {
    let sink: ByteSink
    /// Where this container's element count is kept (patched as elements are written).
    let slot: Int
    var codingPath: [any CodingKey] = []
    private(set) var count = 0

    init(sink: ByteSink, slot: Int) {
        self.sink = sink
        self.slot = slot
    }

    private mutating func counted() {
        count += 1
        sink.incrementCount(at: slot)
    }

    mutating func encodeNil() throws {
        throw EncodingError.invalidValue(Optional<Int>.none as Any, .init(codingPath: codingPath, debugDescription: "an optional array element has no compact encoding"))
    }
    mutating func encode(_ value: Bool) throws { counted(); write(value) }
    mutating func encode(_ value: String) throws { counted(); write(value) }
    mutating func encode(_ value: Double) throws { counted(); write(value) }
    mutating func encode(_ value: Float) throws { counted(); write(value) }
    mutating func encode(_ value: Int) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: Int8) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: Int16) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: Int32) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: Int64) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: UInt) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { counted(); writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { counted(); writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { counted(); try writeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        counted()
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        counted()
        return UnkeyedWriter(sink: sink, slot: sink.countSlot())
    }
    mutating func superEncoder() -> any Encoder {
        counted()
        return CompactEncoding(sink: sink)
    }
}

struct SingleWriter: SingleValueEncodingContainer, CompactScalarWriter {
    let sink: ByteSink
    var codingPath: [any CodingKey] = []

    mutating func encodeNil() throws {
        throw EncodingError.invalidValue(Optional<Int>.none as Any, .init(codingPath: codingPath, debugDescription: "a nil single value has no compact encoding"))
    }
    mutating func encode(_ value: Bool) throws { write(value) }
    mutating func encode(_ value: String) throws { write(value) }
    mutating func encode(_ value: Double) throws { write(value) }
    mutating func encode(_ value: Float) throws { write(value) }
    mutating func encode(_ value: Int) throws { writeInteger(value) }
    mutating func encode(_ value: Int8) throws { writeInteger(value) }
    mutating func encode(_ value: Int16) throws { writeInteger(value) }
    mutating func encode(_ value: Int32) throws { writeInteger(value) }
    mutating func encode(_ value: Int64) throws { writeInteger(value) }
    mutating func encode(_ value: UInt) throws { writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writeValue(value) }
}

// MARK: Decoding

/// One value's scalars, read in order (shared by every container kind).
protocol CompactScalarReader {
    var source: ByteSource { get }
}

extension CompactScalarReader {
    func readBool() throws -> Bool {
        switch try source.byte() {
        case 0: return false
        case 1: return true
        case let other: throw CompactCoder.Failure(description: "a Bool of \(other) at offset \(source.offset - 1)")
        }
    }
    func readDouble() throws -> Double { Double(bitPattern: try source.fixed64()) }
    func readInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        if I.isSigned {
            let value = try source.signed()
            guard let exact = I(exactly: value) else { throw CompactCoder.Failure(description: "\(value) does not fit \(I.self) at offset \(source.offset)") }
            return exact
        }
        let value = try source.varint()
        guard let exact = I(exactly: value) else { throw CompactCoder.Failure(description: "\(value) does not fit \(I.self) at offset \(source.offset)") }
        return exact
    }
    func readValue<T: Decodable>(_ type: T.Type) throws -> T { try T(from: CompactDecoding(source: source)) }
    /// An optional property the input ends right before reads as absent: the outermost type
    /// may append optional properties at its end and still read the bytes written before them.
    /// (Anywhere else the next value's bytes follow, so a cut input still fails.)
    func isPresent() throws -> Bool { source.offset == source.bytes.count ? false : try readBool() }
}

struct CompactDecoding: Decoder {
    let source: ByteSource
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedReader<Key>(source: source))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedReader(source: source, count: try source.count())
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(source: source) }
}

struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol, CompactScalarReader {
    let source: ByteSource
    var codingPath: [any CodingKey] = []
    /// The encoding keeps no keys: a type that asks which are present cannot be read from it.
    var allKeys: [Key] {
        assertionFailure("the compact encoding keeps no keys: \(Key.self) cannot be decoded from it (a dictionary?)")
        return []
    }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "the compact encoding reads optional properties only through decodeIfPresent"))
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try readBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try source.string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try readDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try readDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try readInteger(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try readInteger(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try readInteger(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try readInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try readInteger(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try readInteger(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try readInteger(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try readInteger(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try readInteger(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try readInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try readValue(T.self) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try isPresent() ? try readBool() : nil }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try isPresent() ? try source.string() : nil }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try isPresent() ? try readDouble() : nil }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try isPresent() ? Float(try readDouble()) : nil }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try isPresent() ? try readInteger(Int.self) : nil }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try isPresent() ? try readInteger(Int8.self) : nil }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try isPresent() ? try readInteger(Int16.self) : nil }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try isPresent() ? try readInteger(Int32.self) : nil }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try isPresent() ? try readInteger(Int64.self) : nil }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try isPresent() ? try readInteger(UInt.self) : nil }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try isPresent() ? try readInteger(UInt8.self) : nil }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try isPresent() ? try readInteger(UInt16.self) : nil }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try isPresent() ? try readInteger(UInt32.self) : nil }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try isPresent() ? try readInteger(UInt64.self) : nil }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try isPresent() ? try readValue(T.self) : nil }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        UnkeyedReader(source: source, count: try source.count())
    }
    func superDecoder() throws -> any Decoder { CompactDecoding(source: source) }
    func superDecoder(forKey key: Key) throws -> any Decoder { CompactDecoding(source: source) }
}

struct UnkeyedReader: UnkeyedDecodingContainer, CompactScalarReader {
    let source: ByteSource
    var codingPath: [any CodingKey] = []
    var count: Int?
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    init(source: ByteSource, count: Int) {
        self.source = source
        self.count = count
    }

    private mutating func next() throws {
        guard !isAtEnd else { throw CompactCoder.Failure(description: "read past the \(count ?? 0) elements of an array at offset \(source.offset)") }
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool { false }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(); return try readBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next(); return try source.string() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(); return try readDouble() }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(); return Float(try readDouble()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(); return try readInteger(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(); return try readInteger(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(); return try readInteger(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(); return try readInteger(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(); return try readInteger(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(); return try readInteger(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(); return try readInteger(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(); return try readInteger(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(); return try readInteger(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(); return try readInteger(UInt64.self) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(); return try readValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next()
        return KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next()
        return UnkeyedReader(source: source, count: try source.count())
    }
    mutating func superDecoder() throws -> any Decoder {
        try next()
        return CompactDecoding(source: source)
    }
}

struct SingleReader: SingleValueDecodingContainer, CompactScalarReader {
    let source: ByteSource
    var codingPath: [any CodingKey] = []

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { try readBool() }
    func decode(_ type: String.Type) throws -> String { try source.string() }
    func decode(_ type: Double.Type) throws -> Double { try readDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try readDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try readInteger(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try readInteger(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try readInteger(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try readInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try readInteger(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try readInteger(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try readInteger(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try readInteger(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try readInteger(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try readInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try readValue(T.self) }
}
