import Journal

/// The records the benchmark writes: what the host journals most, decisions with a five-stage
/// trace and fills, with realistic names and values. Built before timing starts.
enum Workload: String, CaseIterable {
    /// A decision record plus 5 `decision_stages` rows.
    case decisions
    /// One `fills` row.
    case fills

    static let strategies = ["ema_majors", "breakout_all", "mean_revert_eu", "pairs_btc_eth"]
    static let symbols = ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD", "EURUSD", "SPX500"]
    static let t0: Int64 = 1_772_409_600_000_000_000

    /// Rows written per record (the decision's stage rows included).
    var rowsPerRecord: Int { self == .decisions ? 6 : 1 }

    func records(_ count: Int) -> [JournalRecord] {
        (0..<count).map { self == .decisions ? .decision(Self.decision($0)) : .fill(Self.fill($0)) }
    }

    static func decision(_ i: Int) -> DecisionRecord {
        let strategy = i % strategies.count, symbol = i % symbols.count
        let requested = Double(1 + i % 50) * 0.1
        let reshaped = i % 7 == 0
        let final = reshaped ? requested * 0.5 : requested
        let stages = [
            StageRecord(stage: "PortfolioGuard", code: reshaped ? "AGGREGATE_NOTIONAL_RESHAPE" : "NONE",
                        severity: reshaped ? "RESHAPE" : "INFO", quantityIn: requested, quantityOut: final, factor: 1,
                        detail: reshaped ? "cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000" : ""),
            StageRecord(stage: "CorrelationSizer", code: "CORRELATION_SCALED", severity: "RESHAPE", quantityIn: final,
                        quantityOut: final, factor: 0.98, detail: "correlation=0.41 factor=0.98"),
            StageRecord(stage: "Cooldown", code: "NONE", severity: "INFO", quantityIn: final, quantityOut: final,
                        factor: 1, detail: ""),
            StageRecord(stage: "DecayDetector", code: "NONE", severity: "INFO", quantityIn: final, quantityOut: final,
                        factor: 1, detail: ""),
            StageRecord(stage: "ExecutionAdapter", code: "NONE", severity: "INFO", quantityIn: final, quantityOut: final,
                        factor: 1, detail: ""),
        ]
        return DecisionRecord(
            eventTimeNs: t0 + Int64(i) * 1_000_000, wallTimeNs: t0 + Int64(i) * 1_000_000 + 12_345,
            decisionID: UInt64(i + 1), strategy: strategies[strategy], strategyID: UInt32(strategy + 1),
            clientID: UInt64(i / strategies.count + 1), symbol: symbols[symbol], symbolID: UInt32(symbol + 1),
            verdict: reshaped ? "RESHAPE" : "APPROVE", reason: reshaped ? "AGGREGATE_NOTIONAL_RESHAPE" : "NONE",
            requestedQuantity: requested, finalQuantity: final, stages: stages)
    }

    static func fill(_ i: Int) -> FillRecord {
        let strategy = i % strategies.count, symbol = i % symbols.count
        return FillRecord(
            eventTimeNs: t0 + Int64(i) * 1_000_000, wallTimeNs: t0 + Int64(i) * 1_000_000 + 23_456,
            fillID: UInt64(i + 1), orderID: UInt64(i / 2 + 1), strategy: strategies[strategy],
            strategyID: UInt32(strategy + 1), symbol: symbols[symbol], symbolID: UInt32(symbol + 1),
            side: i % 2 == 0 ? "BUY" : "SELL", quantity: Double(1 + i % 50) * 0.05, price: 60_000 + Double(i % 1000) * 0.5,
            feeUSD: 1.25, liquidity: i % 3 == 0 ? "MAKER" : "TAKER", mode: "LIVE")
    }
}
