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
