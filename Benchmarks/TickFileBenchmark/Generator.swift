import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a deterministic ticks file like tools/data/sample_ticks.csv, but of any length and
/// over eight symbols: about 71 % trades and 29 % quotes, 19-digit nanosecond timestamps, prices
/// on each symbol's tick with its decimals, sizes with four decimals. Written in 1 MiB pieces,
/// so generating a long file takes no more memory than reading it.
enum Generator {
    struct Symbol {
        let name: String
        /// Starting price in ticks, and the number of decimals a tick has.
        let startTicks: Int
        let decimals: Int
    }

    static let symbols = [
        Symbol(name: "BTCUSD", startTicks: 6_000_000, decimals: 2),
        Symbol(name: "ETHUSD", startTicks: 300_000, decimals: 2),
        Symbol(name: "SOLUSD", startTicks: 140_000, decimals: 3),
        Symbol(name: "XAUUSD", startTicks: 230_000, decimals: 2),
        Symbol(name: "EURUSD", startTicks: 108_500, decimals: 5),
        Symbol(name: "ADAUSD", startTicks: 45_000, decimals: 5),
        Symbol(name: "DOGE-PERP", startTicks: 150_000, decimals: 6),
        Symbol(name: "XRP/USD", startTicks: 5_200, decimals: 4),
    ]

    static let seed: UInt64 = 0x7469_636b_7331 // "ticks1"

    /// Writes `lines` lines (one comment, then events) to `path`, each ending in `\n`.
    static func write(lines: Int, to path: String) throws {
        guard let file = fopen(path, "w") else { throw BenchmarkFailure("cannot create \(path)") }
        defer { fclose(file) }
        var random = SplitMix64(seed: seed)
        var prices = symbols.map(\.startTicks)
        var timestamp: Int64 = 1_772_460_000_000_000_000
        var out = [UInt8]()
        out.reserveCapacity(1 << 20 + 256)
        out.append(contentsOf: "# ts_ns,symbol,price,size | ts_ns,symbol,bid,bid_size,ask,ask_size (gatehouse-bench-ticks, seed \(seed))\n".utf8)
        for _ in 1..<max(lines, 1) {
            timestamp += Int64(random.next() % 300_000_000)
            let index = Int(random.next() % UInt64(symbols.count))
            let symbol = symbols[index]
            // A step of -2…+2 ticks, never below 1 tick.
            prices[index] = max(1, prices[index] + Int(random.next() % 5) - 2)
            appendInteger(timestamp, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: symbol.name.utf8)
            out.append(UInt8(ascii: ","))
            if random.next() % 100 < 71 {
                appendFixed(prices[index], decimals: symbol.decimals, to: &out)
                out.append(UInt8(ascii: ","))
                appendFixed(1 + Int(random.next() % 2_000_000), decimals: 4, to: &out)
            } else {
                let spread = 1 + Int(random.next() % 8)
                appendFixed(prices[index], decimals: symbol.decimals, to: &out)
                out.append(UInt8(ascii: ","))
                appendFixed(1 + Int(random.next() % 2_000_000), decimals: 4, to: &out)
                out.append(UInt8(ascii: ","))
                appendFixed(prices[index] + spread, decimals: symbol.decimals, to: &out)
                out.append(UInt8(ascii: ","))
                appendFixed(1 + Int(random.next() % 2_000_000), decimals: 4, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
            if out.count >= 1 << 20 { try flush(&out, file, path) }
        }
        try flush(&out, file, path)
    }

    private static func flush(_ out: inout [UInt8], _ file: UnsafeMutablePointer<FILE>, _ path: String) throws {
        let written = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == out.count else { throw BenchmarkFailure("cannot write \(path)") }
        out.removeAll(keepingCapacity: true)
    }

    static func appendInteger<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// `ticks` with `decimals` places: 299973, 2 → "2999.73"; 52, 4 → "0.0052".
    static func appendFixed(_ ticks: Int, decimals: Int, to out: inout [UInt8]) {
        var digits = Array(String(ticks).utf8)
        if digits.count <= decimals { digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: decimals - digits.count + 1), at: 0) }
        out.append(contentsOf: digits[..<(digits.count - decimals)])
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits[(digits.count - decimals)...])
    }
}

/// SplitMix64: tiny, fast and the same on every platform.
struct SplitMix64 {
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

/// The benchmark could not run as intended (its numbers would mean nothing).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
