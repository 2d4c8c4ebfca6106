import Risk

/// A strategy's own figures as the risk chain sees them: what `get_strategy_view` reports to
/// its plugin. Each figure is the one the chain's check would compute now, beside its limit.
package struct StrategyView: Sendable, Equatable {
    /// Why no new risk passes for the strategy, one bit each (`GH_PAUSED_*`; 0: not paused).
    package struct PausedBy: OptionSet, Sendable, Equatable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `gatehouse ctl pause`.
        package static let operatorPause = PausedBy(rawValue: 1)
        /// The decay detector's Sharpe pause.
        package static let decay = PausedBy(rawValue: 2)
        /// The Firewall's repeated-execution latch.
        package static let executionLatch = PausedBy(rawValue: 4)
        /// The callback watchdog.
        package static let callbackWatchdog = PausedBy(rawValue: 8)
    }

    package var mode: BookMode
    package var pausedBy: PausedBy
    /// USD.
    package var allocatedCapitalUSD, equityUSD, realizedUSD, unrealizedUSD, peakEquityUSD: Double
    /// From the peak (`risk.strategy.drawdown_pct` is the breaker), %.
    package var drawdownPct, drawdownLimitPct: Double
    /// Since the UTC day's start, as a share of the allocated capital (`risk.strategy.daily_loss_pct`), %.
    package var dailyLossPct, dailyLossLimitPct: Double
    /// The daily loss limit was hit today: no new risk until the next UTC day.
    package var dailyLossBlocked: Bool
    /// Σ gross quantity (pending orders included) × mark over its symbols, USD.
    package var grossExposureUSD: Double
    package var openPositions, maxOpenPositions, tradesToday, maxTradesPerDay, consecutiveLosses: Int
    /// The Cooldown stage's factor on its next risk-increasing intent (1: none).
    package var cooldownFactor: Double
}

extension Engine {
    /// `strategy`'s figures now (`StrategyView`).
    package func view(of strategy: EngineStrategy) -> StrategyView {
        let id = strategy.id, index = Int(id) - 1
        let book = risk.book, limits = risk.limits
        let entry = book.strategy(id)
        let equity = book.equityUSD(strategy: id)
        let peak = max(entry.peakEquityUSD, equity)
        var pausedBy: StrategyView.PausedBy = []
        if risk.operatorPaused[index] { pausedBy.insert(.operatorPause) }
        if risk.decayPaused[index] { pausedBy.insert(.decay) }
        if risk.orderFlow.executionLatched[index] { pausedBy.insert(.executionLatch) }
        if risk.orderFlow.callbackPaused[index] { pausedBy.insert(.callbackWatchdog) }
        return StrategyView(
            mode: strategy.mode, pausedBy: pausedBy,
            allocatedCapitalUSD: entry.allocatedCapitalUSD, equityUSD: equity, realizedUSD: entry.realizedUSD,
            unrealizedUSD: book.unrealizedUSD(strategy: id), peakEquityUSD: peak,
            // The figures the strategy breakers check.
            drawdownPct: book.strategyDrawdownPct(id, equity: equity), drawdownLimitPct: limits.strategyDrawdownPct,
            dailyLossPct: book.strategyDailyLossPct(id, equity: equity),
            dailyLossLimitPct: limits.strategyDailyLossPct,
            dailyLossBlocked: risk.strategyDailyLossDay[index] == book.dayIndex,
            grossExposureUSD: book.grossUSD(strategy: id),
            openPositions: entry.openPositions, maxOpenPositions: limits.strategyMaxOpenPositions,
            tradesToday: entry.tradesToday, maxTradesPerDay: limits.strategyMaxTradesPerDay,
            consecutiveLosses: entry.consecutiveLosses,
            cooldownFactor: RiskChain.cooldownFactor(losses: entry.consecutiveLosses, limits: limits))
    }
}
