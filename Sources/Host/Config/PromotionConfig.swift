/// The `promotion` section: what a strategy's shadow record must show before it goes live
/// (`gatehouse promote`). Defaults are deliberately demanding; set them per desk.
public struct PromotionConfig: Decodable, Sendable {
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minDays = "min_days", minTrades = "min_trades", minSharpe = "min_sharpe"
        case maxDrawdownPct = "max_drawdown_pct", maxRejectRatePct = "max_reject_rate_pct"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minDays = try c.decodeIfPresent(Double.self, forKey: .minDays) ?? minDays
        minTrades = try c.decodeIfPresent(Int.self, forKey: .minTrades) ?? minTrades
        minSharpe = try c.decodeIfPresent(Double.self, forKey: .minSharpe) ?? minSharpe
        maxDrawdownPct = try c.decodeIfPresent(Double.self, forKey: .maxDrawdownPct) ?? maxDrawdownPct
        maxRejectRatePct = try c.decodeIfPresent(Double.self, forKey: .maxRejectRatePct) ?? maxRejectRatePct
    }
}
