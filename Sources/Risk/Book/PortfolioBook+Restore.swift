/// Setting the book to a known state: for `gatehouse decide` (what-if scenarios) and for rebuilding
/// the state after a restart. Each call keeps every running aggregate consistent.
extension PortfolioBook {
    /// Sets the strategy's position in the symbol (signed units) at `averagePrice`, with no pending.
    /// The live aggregates move as if it had been filled at that price; realized PnL is untouched.
    public mutating func restorePosition(strategy: UInt32, symbol: UInt32, quantity: Double, averagePrice: Double, openedAtNs: Int64 = 0) {
        mutatePosition(strategy: strategy, symbol: symbol) { position in
            position.quantity = quantity
            position.averagePrice = quantity == 0 ? 0 : averagePrice
            position.pendingBuy = 0
            position.pendingSell = 0
            position.openedAtNs = openedAtNs
            position.roundTripPnL = 0
            position.roundTripMaxNotional = abs(quantity) * averagePrice
        }
    }

    /// Sets the account so that its equity is `equityUSD` now (with the current positions and
    /// marks), its peak `peakEquityUSD` (at least the equity) and its UTC-day start `dayStartEquityUSD`.
    public mutating func restoreAccount(equityUSD: Double, peakEquityUSD: Double, dayStartEquityUSD: Double) {
        startingEquityUSD = equityUSD - liveRealizedUSD - liveUnrealizedUSD
        self.peakEquityUSD = max(peakEquityUSD, equityUSD)
        self.dayStartEquityUSD = dayStartEquityUSD
        dayIndex = clockNs / 86_400_000_000_000
        for slot in 0..<hourlyPeaks.count {
            hourlyPeaks[slot] = -.infinity
            hourlyPeakHours[slot] = .min
        }
        earlierHoursPeakHour = .min
        recordEquityMark()
    }

    /// Restores a strategy's running figures. `realizedUSD` is the strategy's realized PnL after
    /// fees since start (its equity is allocated + realized + unrealized).
    public mutating func restoreStrategy(
        _ strategy: UInt32, realizedUSD: Double, peakEquityUSD: Double, dayStartEquityUSD: Double,
        consecutiveLosses: Int, tradesToday: Int
    ) {
        let i = Int(strategy) - 1
        let live = strategies[i].mode == .live
        if live { liveRealizedUSD += realizedUSD - strategies[i].realizedUSD }
        strategies[i].realizedUSD = realizedUSD
        strategies[i].dayStartEquityUSD = dayStartEquityUSD
        strategies[i].consecutiveLosses = consecutiveLosses
        strategies[i].tradesToday = tradesToday
        strategies[i].peakEquityUSD = max(peakEquityUSD, equityUSD(strategy: strategy))
    }
}

extension RollingCorrelation {
    /// Appends one grid step of given log returns (`returns[k]` for symbol k+1; NaN where a symbol
    /// has none), as if sampled from marks. For scenarios with a known return history.
    public mutating func appendReturns(_ stepReturns: [Double]) {
        precondition(stepReturns.count == symbolCount, "one return per symbol")
        let base = head * symbolCount
        if filled == windowSamples { evictStep(at: base) } else { filled += 1 }
        for k in 0..<symbolCount {
            returns[base + k] = stepReturns[k]
            if !stepReturns[k].isNaN { samples[k] += 1 }
        }
        addPairs(at: base)
        head = (head + 1) % windowSamples
        refreshMatrix()
    }
}

extension RiskChain {
    /// Sets the account's controls (kill switch, operator state, latch).
    public mutating func restoreControls(_ controls: AccountControls) { self.controls = controls }

    /// Feeds a strategy's closed trades (event time, PnL % of notional) into its decay window, in
    /// order, pausing it if the detector would have; `paused` forces the paused flag either way.
    public mutating func restoreDecay(strategy: UInt32, trades: [(closedAtNs: Int64, pnlPct: Double)], paused: Bool? = nil) {
        for trade in trades {
            recordClosedTrade(ClosedTrade(strategyID: strategy, symbolID: 1, openedAtNs: trade.closedAtNs,
                                          closedAtNs: trade.closedAtNs, pnlUSD: 0, pnlPct: trade.pnlPct))
        }
        if let paused { decayPaused[Int(strategy) - 1] = paused }
    }

    /// Mutable access to the book for restoring state.
    public mutating func withBook<T>(_ body: (inout PortfolioBook) -> T) -> T { body(&book) }

    /// Mutable access to the correlations for restoring a return history.
    public mutating func withCorrelations<T>(_ body: (inout RollingCorrelation) -> T) -> T { body(&correlations) }
}
