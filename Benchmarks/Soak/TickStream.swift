import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The soak's market: trades of `symbolCount` symbols, one at a time, generated on the fly so ten
/// million of them take no more memory than one. Each symbol's price is a log random walk whose
/// drift changes every 4,000 ticks (trends and ranges, so the crossover and breakout strategies
/// trade); prices sit on a 0.0001 grid so the text written and the number read back are the same
/// double. Ticks are 1–7 ms apart (4 ms on average: about one second between two trades of a
/// symbol, 11 hours of market time per 10 M ticks). The same seed, start and count give the same
/// ticks: the checks regenerate them for the marks instead of keeping them.
struct TickStream {
    struct Tick {
        /// ns since the epoch.
        var timestampNs: Int64
        /// Index into `symbols`.
        var symbol: Int
        /// USD per unit, on the 0.0001 grid.
        var price: Double
        /// Units, > 0.
        var size: Double
    }

    static let symbolCount = 256
    /// `S000` … `S255`: the symbols, in id order.
    static let symbols = (0..<symbolCount).map { "S" + String(format: "%03d", $0) }
    /// Mean time between two ticks, ns.
    static let meanSpacingNs: Int64 = 4_000_000

    private var random: SoakRandom
    private var logPrices: [Double]
    private var drifts: [Double]
    private var clock: Int64
    private(set) var produced = 0

    /// `startNs`: the time of the tick before the first one.
    init(seed: UInt64, startNs: Int64) {
        random = SoakRandom(seed: seed)
        var prices: [Double] = []
        for _ in 0..<Self.symbolCount { prices.append(Foundation.log(10 + 990 * random.unit())) }
        logPrices = prices
        drifts = Array(repeating: 0, count: Self.symbolCount)
        clock = startNs
    }

    mutating func next() -> Tick {
        if produced % 4_000 == 0 {
            for index in drifts.indices { drifts[index] = (random.unit() - 0.5) * 0.0002 }
        }
        produced += 1
        clock += 1_000_000 + Int64(random.below(6_000_001))
        // The first 256 ticks name every symbol once, in order, so ids follow `symbols`.
        let symbol = produced <= Self.symbolCount ? produced - 1 : random.below(Self.symbolCount)
        logPrices[symbol] += drifts[symbol] + (random.unit() - 0.5) * 0.002
        let price = max(0.0001, (Foundation.exp(logPrices[symbol]) * 10_000).rounded() / 10_000)
        let size = (1 + Double(random.below(20_000))) / 1_000
        return Tick(timestampNs: clock, symbol: symbol, price: price, size: size)
    }

    /// Writes `count` ticks as a ticks file (`ts_ns,symbol,price,size`), streaming.
    static func write(count: Int, seed: UInt64, startNs: Int64, to path: String) throws {
        guard let out = fopen(path, "w") else { throw SoakFailure("cannot write \(path)") }
        defer { fclose(out) }
        setvbuf(out, nil, _IOFBF, 1 << 20)
        fputs("# ts_ns,symbol,price,size: soak, \(count) trades of \(symbolCount) symbols, seed \(seed)\n", out)
        var stream = TickStream(seed: seed, startNs: startNs)
        for _ in 0..<count {
            let tick = stream.next()
            // vfprintf: formatting ten million lines through String(format:) takes minutes.
            _ = withVaList([tick.timestampNs, tick.symbol, tick.price, tick.size]) {
                vfprintf(out, "%lld,S%03d,%.4f,%.3f\n", $0)
            }
        }
        guard ferror(out) == 0 else { throw SoakFailure("writing \(path) failed") }
    }
}
