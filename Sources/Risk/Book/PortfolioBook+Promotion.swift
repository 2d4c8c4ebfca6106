extension PortfolioBook {
    /// Whether the strategy holds nothing: no position and no pending order in any symbol.
    public func isFlat(strategy: UInt32) -> Bool { strategies[Int(strategy) - 1].openPositions == 0 }

    /// Moves a flat shadow strategy into the live book. Its live record starts at its allocated
    /// capital: realized PnL 0, peak and day-start equity = allocated, no trades today, so its
    /// shadow results never count against its live drawdown or daily-loss limits, and live
    /// equity gains nothing from paper fills. Its losing streak is kept: the Cooldown stays as
    /// cautious as the shadow record says. A flat strategy adds nothing to any live aggregate,
    /// which is why flatness is required.
    public mutating func promoteToLive(_ strategy: UInt32) {
        let i = Int(strategy) - 1
        precondition(strategies[i].mode == .shadow, "only a shadow strategy is promoted")
        precondition(isFlat(strategy: strategy), "only a flat strategy is promoted")
        for symbol in 1...symbolCount {
            positions[index(strategy, UInt32(symbol))].realizedUSD = 0
        }
        strategies[i].mode = .live
        strategies[i].realizedUSD = 0
        strategies[i].peakEquityUSD = strategies[i].allocatedCapitalUSD
        strategies[i].dayStartEquityUSD = strategies[i].allocatedCapitalUSD
        strategies[i].tradesToday = 0
    }
}
