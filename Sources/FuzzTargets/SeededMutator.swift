/// A deterministic mutation driver in the manner of libFuzzer's mutators, but without coverage
/// feedback: each input is one seed with one mutation or up to five stacked (bit flips, byte
/// changes, inserts, deletes, duplicated and spliced ranges, dictionary tokens, boundary numbers
/// as text and as binary, truncation, runs of one byte). The same seeds, dictionary and `seed`
/// give the same inputs on every machine, so a finding in CI replays from its seed and iteration.
package struct SeededMutator {
    /// The inputs mutations start from (at least one).
    package let seeds: [[UInt8]]
    /// Tokens inserted or written over the input.
    package let dictionary: [[UInt8]]
    private var random: SplitMix64

    /// No input grows beyond this many bytes (libFuzzer's default `-max_len` is 4096; a little
    /// more leaves room for inputs that nest deeply).
    package static let maxLength = 8_192

    /// A driver over `seeds` (must not be empty) with the tokens of `dictionary`, fixed by `seed`.
    package init(seeds: [[UInt8]], dictionary: [[UInt8]], seed: UInt64) {
        precondition(!seeds.isEmpty, "a mutation driver needs at least one seed")
        self.seeds = seeds
        self.dictionary = dictionary
        random = SplitMix64(seed: seed)
    }

    /// The next input.
    package mutating func next() -> [UInt8] {
        var bytes = seeds[random.below(seeds.count)]
        // Half the inputs get one mutation, so many stay close enough to valid to get past the
        // first checks; the others get up to five.
        let mutations = random.below(2) == 0 ? 1 : 1 + random.below(5)
        for _ in 0..<mutations { mutate(&bytes) }
        if bytes.count > Self.maxLength { bytes.removeLast(bytes.count - Self.maxLength) }
        return bytes
    }

    /// Numbers at the edges of what parsers convert: zero and its sign, the ends of Double and of
    /// the integer types, one past them, subnormals, values that round, and the spellings of NaN
    /// and infinity in JSON-like and YAML text.
    static let boundaryNumbers: [String] = [
        "0", "-0", "1", "-1", "0.0", "-0.0", "0.1", "1e-7", "1e15", "9.0e15", "1e308", "-1e308", "1.7976931348623157e308",
        "1.8e308", "1e309", "-1e309", "5e-324", "2.2250738585072014e-308", "1e-400", "2147483647", "2147483648", "4294967296",
        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1" + String(repeating: "0", count: 40), "0." + String(repeating: "0", count: 30) + "1",
        "NaN", "nan", ".nan", "Infinity", "-Infinity", ".inf", "-.inf", "1.5", "-1.5", "1e2", "0x10", "1_000",
    ]

    /// Eight-byte values at the edges of Double and Int64, for binary layouts (little-endian).
    static let boundaryWords: [UInt64] = [
        Double.nan.bitPattern, (-Double.nan).bitPattern, Double.signalingNaN.bitPattern, Double.infinity.bitPattern,
        (-Double.infinity).bitPattern, (0.0).bitPattern, (-0.0).bitPattern, Double.greatestFiniteMagnitude.bitPattern,
        Double.leastNonzeroMagnitude.bitPattern, Double.leastNormalMagnitude.bitPattern, (1.0).bitPattern, (-1.0).bitPattern,
        (9.0e15).bitPattern, UInt64(bitPattern: Int64.max), UInt64(bitPattern: Int64.min), 0, 1, UInt64.max,
    ]

    /// Single bytes that mean something to JSON, YAML or the binary frames.
    static let interestingBytes: [UInt8] = Array("{}[]\":,\\-.+eE0 \t\n\r#&*!|>'%@`?".utf8) + [0x00, 0x01, 0x7F, 0x80, 0xC0, 0xFF, 0x47, 0x4D]

    private mutating func mutate(_ bytes: inout [UInt8]) {
        switch random.below(14) {
        case 0 where !bytes.isEmpty:  // flip one bit
            let index = random.below(bytes.count)
            bytes[index] ^= 1 << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:  // any byte
            bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2 where !bytes.isEmpty:  // a byte that means something
            bytes[random.below(bytes.count)] = pick(Self.interestingBytes)
        case 3:  // insert a few bytes
            let insert = (0..<(1 + random.below(8))).map { _ in random.below(2) == 0 ? pick(Self.interestingBytes) : UInt8(truncatingIfNeeded: random.next()) }
            bytes.insert(contentsOf: insert, at: random.below(bytes.count + 1))
        case 4 where !bytes.isEmpty:  // delete a range
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(16)))
        case 5 where !bytes.isEmpty:  // copy a range elsewhere
            let start = random.below(bytes.count)
            let range = Array(bytes[start..<min(bytes.count, start + 1 + random.below(32))])
            bytes.insert(contentsOf: range, at: random.below(bytes.count + 1))
        case 6:  // splice: this input's head, another seed's tail
            let other = seeds[random.below(seeds.count)]
            let head = random.below(bytes.count + 1), tail = random.below(other.count + 1)
            bytes = Array(bytes[..<head]) + Array(other[tail...])
        case 7 where !dictionary.isEmpty:  // insert a token
            bytes.insert(contentsOf: pick(dictionary), at: random.below(bytes.count + 1))
        case 8 where !dictionary.isEmpty && !bytes.isEmpty:  // write a token over the input
            let token = pick(dictionary)
            let start = random.below(bytes.count)
            bytes.replaceSubrange(start..<min(bytes.count, start + token.count), with: token)
        case 9:  // a boundary number in place of a number (or anywhere, if there is none)
            replaceNumber(in: &bytes, with: Array(pick(Self.boundaryNumbers).utf8))
        case 10 where bytes.count >= 8:  // a boundary word at an aligned offset
            let offset = 8 * random.below(bytes.count / 8)
            var word = pick(Self.boundaryWords)
            for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: word); word >>= 8 }
        case 11 where !bytes.isEmpty:  // truncate
            bytes.removeLast(1 + random.below(bytes.count))
        case 12:  // a run of one byte: deep nesting, long strings, long numbers
            let run = [UInt8](repeating: pick(Self.interestingBytes), count: 1 + random.below(600))
            bytes.insert(contentsOf: run, at: random.below(bytes.count + 1))
        default:  // swap two bytes
            guard bytes.count >= 2 else { return }
            bytes.swapAt(random.below(bytes.count), random.below(bytes.count))
        }
    }

    /// Replaces the run of number characters around a random position (searching forward, then
    /// from the start) by `number`; inserts it at that position when the input has no digit.
    private mutating func replaceNumber(in bytes: inout [UInt8], with number: [UInt8]) {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isNumberByte(_ byte: UInt8) -> Bool {
            isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
        let from = random.below(bytes.count + 1)
        guard let digit = bytes[from...].firstIndex(where: isDigit) ?? bytes.firstIndex(where: isDigit) else {
            bytes.insert(contentsOf: number, at: from)
            return
        }
        var start = digit, end = digit
        while start > 0, isNumberByte(bytes[start - 1]) { start -= 1 }
        while end < bytes.count, isNumberByte(bytes[end]) { end += 1 }
        bytes.replaceSubrange(start..<end, with: number)
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[random.below(values.count)] }
}
