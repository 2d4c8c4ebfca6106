import Foundation
import Risk

/// Builds chains and intents for the risk tests.
enum Fixture {
    static let day0: Int64 = 1_772_409_600_000_000_000  // 2026-03-02T00:00:00Z
    static func at(seconds: Double) -> Int64 { day0 + Int64(seconds * 1e9) }

    /// Limits with the budgets out of the way unless a test sets them.
    static func looseLimits() -> RiskLimits {
        var limits = RiskLimits()
        limits.maxGrossPctOfEquity = 100
        limits.maxSymbolPctOfEquity = 100
        limits.strategyMaxPositionPct = 100
        limits.strategyMaxRiskPerTradePct = 100
        limits.minOrderNotionalUSD = 0
        return limits
    }

    static func chain(
        limits: RiskLimits = looseLimits(), symbols: [String] = ["AAA", "BBB", "CCC", "DDD"],
        strategies: [(mode: BookMode, allocatedCapitalUSD: Double)] = [(.live, 100_000), (.live, 100_000)],
        equity: Double = 100_000, price: Double = 1_000
    ) -> RiskChain {
        var chain = RiskChain(limits: limits, symbols: symbols, strategies: strategies, startingEquityUSD: equity)
        for id in 1...UInt32(symbols.count) { chain.updateMark(symbol: id, price: price, at: day0) }
        return chain
    }

    static func intent(
        strategy: UInt32 = 1, client: UInt64 = 1, symbol: UInt32 = 1, side: Side = .buy, quantity: Double,
        stop: Double? = nil, price: Double = 1_000, reduceOnly: Bool = false
    ) -> OrderIntent {
        OrderIntent(strategyID: strategy, clientID: client, symbolID: symbol, side: side, quantity: quantity,
                    orderType: .market, limitPrice: 0,
                    stopLossPrice: stop ?? (side == .buy ? price * 0.99 : price * 1.01), reduceOnly: reduceOnly)
    }

    /// Fills a position directly (as if an earlier order had filled).
    static func hold(_ chain: inout RiskChain, strategy: UInt32, symbol: UInt32, quantity: Double, price: Double, at ns: Int64 = day0) {
        chain.applyFill(strategy: strategy, symbol: symbol, side: quantity > 0 ? .buy : .sell, quantity: abs(quantity),
                        price: price, feeUSD: 0, at: ns)
    }
}

/// SplitMix64: a small, seedable, reproducible generator for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + unit() * (range.upperBound - range.lowerBound) }

    /// A standard normal draw (Box–Muller), reproducible for a seed.
    mutating func gaussian() -> Double {
        let u1 = max(unit(), 0x1p-53), u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

extension Fixture {
    /// A full round trip through the chain's fills: opens `quantity` at `entry` and closes it at
    /// `exit` (a loss when `exit` is below `entry` for a long). Returns the closed trade.
    @discardableResult
    static func roundTrip(
        _ chain: inout RiskChain, strategy: UInt32 = 1, symbol: UInt32 = 1, quantity: Double = 1,
        entry: Double, exit: Double, fee: Double = 0, at ns: Int64 = day0
    ) -> ClosedTrade? {
        chain.applyFill(strategy: strategy, symbol: symbol, side: .buy, quantity: quantity, price: entry, feeUSD: fee, at: ns)
        return chain.applyFill(strategy: strategy, symbol: symbol, side: .sell, quantity: quantity, price: exit, feeUSD: fee, at: ns)
    }

    /// Pearson correlation of two equal-length series, computed directly (two passes).
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var cov = 0.0, vx = 0.0, vy = 0.0
        for (a, b) in zip(x, y) {
            cov += (a - mx) * (b - my)
            vx += (a - mx) * (a - mx)
            vy += (b - my) * (b - my)
        }
        return cov / (vx * vy).squareRoot()
    }
}
