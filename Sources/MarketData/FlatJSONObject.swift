/// A strict, allocation-free reader for the flat JSON objects of the feed wire format:
/// `{"type":"trade","ts_ns":1700000000000000000,"price":101.5,"size":2}`.
///
/// It walks the object once and hands each member's key and raw value to a visitor. Nested
/// objects and arrays are skipped (so producers may add fields), but the whole payload must be
/// one well-formed object followed only by whitespace.
struct FlatJSONObject {
    /// A member value as raw bytes, with its JSON type.
    enum Value {
        /// The bytes between the quotes, escapes left as they are.
        case string(UnsafeRawBufferPointer)
        /// The number's text.
        case number(UnsafeRawBufferPointer)
        /// `true`, `false`, `null`, an object or an array (skipped).
        case other
    }

    struct Malformed: Error {}

    /// Calls `visit(key, value)` for each member in order. Throws `Malformed` on any syntax error.
    static func scan(
        _ bytes: UnsafeRawBufferPointer, _ visit: (UnsafeRawBufferPointer, Value) -> Void
    ) throws(Malformed) {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        try reader.expect(UInt8(ascii: "{"))
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipWhitespace()
                let key = try reader.string()
                reader.skipWhitespace()
                try reader.expect(UInt8(ascii: ":"))
                reader.skipWhitespace()
                visit(key, try reader.value())
                reader.skipWhitespace()
                if reader.peek() == UInt8(ascii: ",") { reader.index += 1; continue }
                try reader.expect(UInt8(ascii: "}"))
                break
            }
        }
        reader.skipWhitespace()
        if reader.index != bytes.count { throw Malformed() }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Malformed) {
            guard peek() == byte else { throw Malformed() }
            index += 1
        }

        /// A string's raw contents; the reader ends after the closing quote.
        mutating func string() throws(Malformed) -> UnsafeRawBufferPointer {
            try expect(UInt8(ascii: "\""))
            let start = index
            while let byte = peek() {
                if byte == UInt8(ascii: "\"") {
                    let contents = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return contents
                }
                if byte < 0x20 { throw Malformed() }  // raw control characters are not allowed
                index += byte == UInt8(ascii: "\\") ? 2 : 1
            }
            throw Malformed()
        }

        mutating func value() throws(Malformed) -> Value {
            guard let byte = peek() else { throw Malformed() }
            switch byte {
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try skipNested()
                return .other
            default:
                let literals: [StaticString] = ["true", "false", "null"]
                for literal in literals where matches(literal) {
                    index += literal.utf8CodeUnitCount
                    return .other
                }
                throw Malformed()
            }
        }

        func matches(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
            return true
        }

        /// A number per the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(Malformed) -> UnsafeRawBufferPointer {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            if peek() == UInt8(ascii: "0") {
                index += 1
            } else {
                guard try digits() > 0 else { throw Malformed() }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard try digits() > 0 else { throw Malformed() }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard try digits() > 0 else { throw Malformed() }
            }
            return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        }

        mutating func digits() throws(Malformed) -> Int {
            var count = 0
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                index += 1
                count += 1
            }
            return count
        }

        /// Skips a nested object or array, honouring strings; bounded depth.
        mutating func skipNested() throws(Malformed) {
            var depth = 0
            repeat {
                guard let byte = peek() else { throw Malformed() }
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > 32 { throw Malformed() }
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    index += 1
                case UInt8(ascii: "\""):
                    _ = try string()
                default:
                    index += 1
                }
            } while depth > 0
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes spell `literal` exactly.
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for index in 0..<count where self[index] != pointer[index] { return false }
        return true
    }

    /// The bytes as a JSON number converted to `Double`, or `nil`.
    /// Short numbers (up to 15 bytes, nearly all prices) convert without allocating, because
    /// Swift keeps such strings inline.
    func parseDouble() -> Double? {
        Double(String(decoding: self, as: UTF8.self))
    }

    /// The bytes as a JSON integer (`-?[0-9]+`, no fraction or exponent) in `Int64` range, or `nil`.
    func parseInt64() -> Int64? {
        guard !isEmpty else { return nil }
        var index = 0
        let negative = self[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count else { return nil }
        var value: Int64 = 0
        while index < count {
            let byte = self[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        return value
    }
}
