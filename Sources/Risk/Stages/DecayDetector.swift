/// DecayDetector (seed 001, layer 7): per strategy, the round trips closed in the last 30 days of
/// event time; with at least 10 of them, their annualized Sharpe (from per-trade PnL %) below 0.5
/// pauses the strategy: its risk-increasing intents REJECT `DECAY_PAUSED` until an operator
/// resumes it. Fewer than 10 trades never pause.
extension RiskChain {
    mutating func decayDetector(_ work: inout Work) {
        guard work.increasing > 0 else { return pass(work, stage: .decayDetector) }
        let index = Int(work.intent.strategyID) - 1
        guard decayPaused[index] else { return pass(work, stage: .decayDetector) }
        let window = decayWindows[index]
        block(&work, .decayPaused, stage: .decayDetector, details: (window.annualizedSharpe ?? 0, Double(window.count), 0, 0))
    }

    /// Feeds a closed round trip to the decay window and pauses the strategy if its Sharpe fell
    /// below the threshold with enough trades.
    mutating func recordClosedTrade(_ trade: ClosedTrade) {
        let index = Int(trade.strategyID) - 1
        decayWindows[index].add(pnlPct: trade.pnlPct, at: trade.closedAtNs)
        let window = decayWindows[index]
        guard !decayPaused[index], window.count >= limits.decayMinTrades, let sharpe = window.annualizedSharpe,
              sharpe < limits.decayMinSharpe
        else { return }
        decayPaused[index] = true
        stateChanges.append(StateChange(kind: .strategyPaused(strategyID: trade.strategyID), reason: .decayPaused,
                                        atNs: trade.closedAtNs, value: sharpe, limit: limits.decayMinSharpe))
    }
}
