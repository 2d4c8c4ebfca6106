/// The `promotion` section: what a strategy's shadow record must show before it goes live
/// (`gatehouse promote`, `ctl promote`). Decoded by the host's config
/// loader (unknown keys refused). Defaults are deliberately demanding; set them per desk.
public struct PromotionConfig: Sendable, Equatable {
    /// Event-time days between the strategy's first and last shadow decision.
    public var minDays: Double = 14
    /// Closed round trips in shadow.
    public var minTrades: Int = 30
    /// Annualized Sharpe of per-trade PnL % (the decay detector's measure).
    public var minSharpe: Double = 1.0
    /// Largest drawdown of the strategy's shadow equity, percent of its peak.
    public var maxDrawdownPct: Double = 15
    /// Share of its intents the chain rejected, percent.
    public var maxRejectRatePct: Double = 20

    public init() {}
}
