/// Numbers of the ticks file read straight from their bytes, with exactly the results of Swift's
/// `Int64(String)` and `Double(String)` (the parser the file format was first defined by).
///
/// The common spellings (`123`, `-4.5`, `0.0970`) take a fast path that allocates nothing; anything
/// else (exponents, `inf`, `nan`, hex floats, more significant digits than fit) goes to
/// `Double(String)` itself, so no input can parse differently from it.
package enum DecimalText {
    /// `Int64(String(decoding: bytes, as: UTF8.self))`: an optional `+` or `-`, then one or more
    /// ASCII digits, nothing else; `nil` for anything else or a value outside `Int64`.
    @inline(__always)
    package static func int64(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int64? {
        var index = 0
        var negative = false
        if count > 0, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < count else { return nil }
        // Accumulate negatively so Int64.min parses too (its magnitude does not fit positively).
        var value: Int64 = 0
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    /// `Double(String(decoding: bytes, as: UTF8.self))`, bit for bit.
    @inline(__always)
    package static func double(_ bytes: UnsafePointer<UInt8>, count: Int) -> Double? {
        if let value = fastDouble(bytes, count: count) { return value }
        return Double(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
    }

    /// 10^`exponent` for 0…22: the powers of ten that are exact doubles (5^22 < 2^53).
    /// A switch of literals rather than a static array: no lazy-global check per call.
    @inline(__always)
    static func exactPowerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The largest integer below which every integer is an exact double.
    private static let exactIntegerLimit: UInt64 = 1 << 53

    /// The whole of `bytes[0..<count]` through `scanDecimal`, or `nil`.
    @inline(__always)
    package static func fastDouble(_ bytes: UnsafePointer<UInt8>, count: Int) -> Double? {
        guard let (value, end) = scanDecimal(bytes, from: 0, to: count), end == count else { return nil }
        return value
    }

    /// The Clinger fast path on the decimal that starts at `bytes[start]`: `[+-]?digits(.digits)?`,
    /// ending at the first byte that cannot continue it (or at `limit`). Returns the value and
    /// where the decimal ends; the caller decides whether what follows may follow.
    ///
    /// Exact because the digits read as one integer `w` are at most 2^53 and there are at most 22
    /// after the point: then `w` and `10^k` are exact doubles and one IEEE division rounds their
    /// exact quotient correctly, which is what a correctly rounded `strtod` returns for the same
    /// text. `nil` means "not this shape, or too many digits": ask `Double(String)`.
    @inline(__always)
    static func scanDecimal(_ bytes: UnsafePointer<UInt8>, from start: Int, to limit: Int) -> (Double, Int)? {
        var index = start
        var negative = false
        if index < limit, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        // Integer part: at least one digit (`.5` and `5.` are left to Double(String)).
        let integerStart = index
        while index < limit {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if mantissa != 0 || digit != 0 {
                // 19 digits always fit in UInt64; more are not worth a fast path.
                guard significantDigits < 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significantDigits += 1
            }
            index += 1
        }
        guard index > integerStart else { return nil }
        var fractionDigits = 0
        if index < limit, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < limit {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if mantissa != 0 || digit != 0 {
                    guard significantDigits < 19 else { return nil }
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significantDigits += 1
                }
                fractionDigits += 1
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        // An exponent is not this shape (the caller sees the `e` and asks Double(String)).
        guard mantissa <= exactIntegerLimit, fractionDigits <= 22 else { return nil }
        let magnitude = fractionDigits == 0 ? Double(mantissa) : Double(mantissa) / exactPowerOfTen(fractionDigits)
        return (negative ? -magnitude : magnitude, index)
    }
}
