import FeedReplay
import Foundation
import MarketData

/// A deterministic stream of trades over BTCUSD, ETHUSD, SOLUSD and XAUUSD: a seeded random walk
/// per symbol, prices on a 0.01 tick, sizes on 0.001, timestamps 1 µs to 100 ms apart (about 14 hours of
/// market time per million trades, so the example strategies' one-minute bars form and they trade).
///
/// `TickFile`'s memberwise init is internal, so the events are written as ticks-file CSV in
/// memory and read back through the public `TickFile.parse` (the same code `TickFile.load` runs).
enum SyntheticTicks {
    static let symbols = ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"]
    private static let startPrices: [Double] = [60_000, 3_000, 150, 2_400]
    /// How often each symbol trades, out of 100.
    private static let weights = [40, 30, 20, 10]
    static let seed: UInt64 = 0x6761_7465_686F_7573 // "gatehous"

    /// Builds `count` trades and returns them as a `TickFile` (symbol ids 1…4 in `symbols` order).
    static func make(count: Int) throws -> TickFile {
        var random = SplitMix64(seed: seed)
        var prices = startPrices
        var timestamp: Int64 = 1_772_460_000_000_000_000
        var csv = [UInt8]()
        csv.reserveCapacity(count * 48)
        csv.append(contentsOf: "# synthetic trades, seed \(seed)\n".utf8)
        var events: [MarketEvent] = []
        events.reserveCapacity(count)
        for index in 0..<count {
            // The first four events name the symbols in order, so ids match the config's order.
            let symbol: Int
            if index < symbols.count {
                symbol = index
            } else {
                let roll = Int(random.next() % 100)
                var sum = 0
                symbol = weights.firstIndex { sum += $0; return roll < sum }!
            }
            timestamp += 1_000 + Int64(random.next() % 99_999_000)
            // Log-price step with a standard deviation of 1 basis point (uniform, variance 1e-8).
            let step = (random.unit() * 2 - 1) * 1.7320508e-4
            prices[symbol] = max(0.01, ((prices[symbol] * exp(step)) * 100).rounded() / 100)
            let size = max(0.001, (random.unit() * 2_000).rounded() / 1_000)
            events.append(.trade(symbolID: UInt32(symbol + 1), timestampNs: timestamp, price: prices[symbol], size: size))
            csv.append(contentsOf: "\(timestamp),\(symbols[symbol]),\(prices[symbol]),\(size)\n".utf8)
        }
        let file = try TickFile.parse(Data(csv), name: "synthetic(\(count))")
        guard file.events == events, file.symbols.allNames == Array(symbols.prefix(min(count, symbols.count))) else {
            throw BenchmarkFailure("synthetic ticks did not survive the CSV round trip")
        }
        return file
    }

    /// FNV-1a over every event's fields: identical exactly when the generated data is.
    static func digest(_ events: [MarketEvent]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) { hash = (hash ^ word) &* 0x0000_0100_0000_01b3 }
        for event in events {
            mix(UInt64(event.symbolID))
            mix(UInt64(bitPattern: event.timestampNs))
            mix(event.v0.bitPattern)
            mix(event.v1.bitPattern)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// SplitMix64: tiny, fast and the same on every platform (unlike `SystemRandomNumberGenerator`).
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

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A benchmark could not run as intended (its numbers would mean nothing).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
