import Risk

extension Engine {
    /// What the chain would decide for `intent` now under `limits` instead of the limits in
    /// force, with the host's conditions of the journaled decision (the journal's availability,
    /// a fair-share block, the order-rate clock's reading). Decided on a copy of the chain:
    /// nothing of the engine changes. Nil when `limits` cannot replace those in force (the
    /// caller checked them against the config first; see `RiskChain.replaceLimits`).
    /// The preview of `gatehouse decide --journal` (docs/what-if.md).
    package func wouldDecide(_ intent: OrderIntent, decisionID: UInt64, at eventTimeNs: Int64, under limits: RiskLimits,
                             journalWasUnavailable: Bool, isolation: IsolationBlock?, orderRateAt: Int64?)
        -> (decision: Decision, trace: [StageNote])? {
        var probe = risk
        guard probe.replaceLimits(limits) == nil else { return nil }
        probe.setJournalUnavailable(journalWasUnavailable)
        let decision = probe.decide(intent, decisionID: decisionID, at: eventTimeNs,
                                    resting: selfTradeCross(intent, policy: limits.selfTradePolicy),
                                    isolation: isolation, orderRateAt: orderRateAt)
        return (decision, probe.trace)
    }
}
