import Promotion

extension PromotionConfig: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case minDays = "min_days", minTrades = "min_trades", minSharpe = "min_sharpe"
        case maxDrawdownPct = "max_drawdown_pct", maxRejectRatePct = "max_reject_rate_pct"
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minDays = try c.decodeIfPresent(Double.self, forKey: .minDays) ?? minDays
        minTrades = try c.decodeIfPresent(Int.self, forKey: .minTrades) ?? minTrades
        minSharpe = try c.decodeIfPresent(Double.self, forKey: .minSharpe) ?? minSharpe
        maxDrawdownPct = try c.decodeIfPresent(Double.self, forKey: .maxDrawdownPct) ?? maxDrawdownPct
        maxRejectRatePct = try c.decodeIfPresent(Double.self, forKey: .maxRejectRatePct) ?? maxRejectRatePct
    }
}
