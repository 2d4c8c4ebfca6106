import FeedReplay
import Foundation
import Testing

/// `DecimalText` must give exactly what `Double(String)` and `Int64(String)` give, for every text.
@Suite("Number parsing from bytes")
struct NumberTextTests {
    static func double(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes in
            // A copy at its own address: a pointer that is valid even for the empty string.
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            defer { copy.deallocate() }
            if let base = bytes.baseAddress { copy.update(from: base, count: bytes.count) }
            return DecimalText.double(copy, count: bytes.count)
        }
    }

    static func int64(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes in
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            defer { copy.deallocate() }
            if let base = bytes.baseAddress { copy.update(from: base, count: bytes.count) }
            return DecimalText.int64(copy, count: bytes.count)
        }
    }

    /// The same double, bit for bit (NaN payloads and the sign of zero included), or both nil.
    static func agrees(_ text: String) -> Bool {
        double(text)?.bitPattern == Double(text)?.bitPattern
    }

    @Test(arguments: [
        "0", "-0", "+0", "0.0", "-0.0", "00", "007", "0.1", "0.2", "0.3", "1", "-1", "+1", "1.5", "60000.31", "0.0970",
        "2999.73", "17.9661", "140.032", "0.000000000000000000001", "0.0000000000000000000001",
        "9007199254740992", "9007199254740993", "9007199254740991.5", "18446744073709551615", "18446744073709551616",
        "1234567890123456789", "12345678901234567890", "0.1234567890123456789", "123456789012345678.9",
        "1.7976931348623157e308", "1e309", "-1e309", "4.9e-324", "2.4703282292062328e-324", "1e-400",
        "1e5", "1E5", "1e+5", "1e-5", ".5", "5.", "-.5", "+.5", ".", "-", "+", "", " 1", "1 ", "1..2", "1.2.3",
        "--1", "+-1", "1-", "0x10", "0x1p3", "0X1P-2", "inf", "-inf", "+inf", "Infinity", "-INFINITY", "nan", "NaN", "-nan", "nan(123)",
        "1_000", "1,5", "1e", "1e+", "e5", "١", "１", "0.30000000000000004", "2.2250738585072011e-308",
        "2.2250738585072012e-308", "179769313486231570000000000000000000000", "10000000000000000000000",
        "1000000000000000000000.5", "0.00000000000000000000001234", "123.45600000000000000000",
        "100000000000000000000000", "4503599627370496.5", "4503599627370497.5", "0.1000000000000000055511151231257827",
    ])
    func edgeCasesMatchDoubleOfString(text: String) {
        #expect(Self.agrees(text), "\(text.debugDescription): \(String(describing: Self.double(text))) vs \(String(describing: Double(text)))")
    }

    /// The fast path must take the numbers tick files are made of, or the reader is only as fast
    /// as `Double(String)`; and must leave what it cannot do exactly.
    @Test func theFastPathTakesTickStyleNumbersAndLeavesTheRest() {
        func fast(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBufferPointer { DecimalText.fastDouble($0.baseAddress!, count: $0.count) }
        }
        for text in ["60000.31", "0.0970", "2999.73", "17.9661", "140.032", "-4.5", "+7", "1772460000", "0.000000001"] {
            #expect(fast(text) == Double(text), "\(text)")
        }
        for text in ["1e5", ".5", "5.", "inf", "nan", "9007199254740993", "0.00000000000000000000001", "12345678901234567890"] {
            #expect(fast(text) == nil, "\(text)")
        }
    }

    @Test func randomDecimalsMatchDoubleOfStringBitForBit() {
        var random = SeededRandom(seed: 0x6e75_6d62)
        var checked = 0
        for _ in 0..<200_000 {
            let text = Self.randomNumberText(using: &random, wellFormed: Int.random(in: 0..<8, using: &random) != 0)
            #expect(Self.agrees(text), "\(text.debugDescription): \(String(describing: Self.double(text))) vs \(String(describing: Double(text)))")
            checked += 1
        }
        #expect(checked == 200_000)
    }

    /// Doubles printed the shortest way that reads back (Swift's `description`) and at fixed
    /// precisions, as generators of tick data write them.
    @Test func printedDoublesReadBackAsDoubleOfStringReadsThem() {
        var random = SeededRandom(seed: 0x7072_696e)
        for _ in 0..<50_000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) // finite, positive
            let scaled = Double.random(in: 0.0001...100_000, using: &random)
            for text in [value.description, scaled.description, String(format: "%.2f", scaled), String(format: "%.8f", scaled),
                         String(format: "%.17g", scaled), "-" + scaled.description] {
                #expect(Self.agrees(text), "\(text)")
            }
        }
    }

    @Test(arguments: [
        "0", "1", "-1", "+1", "007", "-0", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "", "+", "-", " 1", "1 ", "1.0", "1e3", "0x10", "١", "--1",
        "1772460000102796393",
    ])
    func integersMatchInt64OfString(text: String) {
        #expect(Self.int64(text) == Int64(text), "\(text.debugDescription)")
    }

    @Test func randomIntegersMatchInt64OfString() {
        var random = SeededRandom(seed: 0x696e_7436)
        for _ in 0..<50_000 {
            let digits = Int.random(in: 0...21, using: &random)
            var text = ["", "", "", "-", "+"][Int.random(in: 0..<5, using: &random)]
            for _ in 0..<digits { text += String(Int.random(in: 0...9, using: &random)) }
            if Int.random(in: 0..<20, using: &random) == 0 { text += ["x", " ", ".", "e"][Int.random(in: 0..<4, using: &random)] }
            #expect(Self.int64(text) == Int64(text), "\(text.debugDescription)")
        }
    }

    /// A decimal text: sign, 1-25 significant digits with leading and trailing zeros, a point
    /// anywhere, sometimes an exponent; not `wellFormed`, a mutation of one (a dropped digit, a
    /// stray character, a special word).
    static func randomNumberText(using random: inout SeededRandom, wellFormed: Bool) -> String {
        var text = ["", "", "", "", "-", "+"][Int.random(in: 0..<6, using: &random)]
        var digits = String(repeating: "0", count: Int.random(in: 0...3, using: &random) == 0 ? Int.random(in: 1...25, using: &random) : 0)
        for _ in 0..<Int.random(in: 1...25, using: &random) { digits += String(Int.random(in: 0...9, using: &random)) }
        if Int.random(in: 0..<3, using: &random) == 0 { digits += String(repeating: "0", count: Int.random(in: 1...10, using: &random)) }
        if Int.random(in: 0..<4, using: &random) != 0 {
            let point = Int.random(in: 0...digits.count, using: &random)
            digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point))
        }
        text += digits
        if Int.random(in: 0..<10, using: &random) == 0 {
            text += ["e", "E"][Int.random(in: 0..<2, using: &random)] + ["", "-", "+"][Int.random(in: 0..<3, using: &random)]
                + String(Int.random(in: 0...330, using: &random))
        }
        guard !wellFormed else { return text }
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return String(text.dropLast())
        case 1:
            var mutated = text
            let stray = ["x", " ", ".", ",", "-", "e", "_", "\u{00A0}"][Int.random(in: 0..<8, using: &random)]
            mutated.insert(contentsOf: stray, at: mutated.index(mutated.startIndex, offsetBy: Int.random(in: 0...mutated.count, using: &random)))
            return mutated
        case 2: return ["inf", "-inf", "nan", "NaN", "Infinity", "0x1p4", "", "-", ".", "1e", "nan(0x7)"][Int.random(in: 0..<11, using: &random)]
        case 3: return "0x" + String(Int.random(in: 0...0xFFFF, using: &random), radix: 16)
        case 4: return text + text
        default: return "." + text
        }
    }
}
