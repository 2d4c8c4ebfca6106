import Promotion

extension PromotionReport {
    /// Reads `strategy`'s record from the journal at `path` and checks it against `criteria`.
    public static func make(strategy: StrategyConfig, journal path: String, criteria: PromotionConfig) throws -> PromotionReport {
        try make(strategy: strategy.name, allocatedCapitalUSD: strategy.allocatedCapitalUSD, journal: path, criteria: criteria)
    }
}
