/// A strategy past its fair share of something the host's strategies share, as the host measured
/// it (wall time, not event time: the chain cannot measure it itself). The engine passes one to
/// `RiskChain.decide(_:decisionID:at:resting:isolation:)`; the decision's trace keeps the code and
/// the figures, so recovery re-decides the intent with the same block.
public struct IsolationBlock: Sendable, Equatable {
    /// `AUDIT_QUEUE_SHARE_EXCEEDED` or `LOOP_TIME_SHARE_EXCEEDED`.
    public var code: ReasonCode
    /// The figures, in the order of `code.detailKeys`.
    public var details: (Double, Double, Double, Double)

    public init(code: ReasonCode, details: (Double, Double, Double, Double)) {
        self.code = code
        self.details = details
    }

    public static func == (a: IsolationBlock, b: IsolationBlock) -> Bool {
        a.code == b.code && a.details == b.details
    }
}

/// Strategy isolation (issue 12), part of the Firewall: one strategy must not starve the others
/// of what they share in one host, the audit journal's queue and the event loop's time
/// (docs/risk-chain.md, "Strategy isolation").
///
/// - Past its **fair share** (`IsolationBlock`, measured by the host), the strategy's
///   risk-increasing part is blocked with the block's code; its exits pass, and the other
///   strategies' intents are decided as before.
/// - The **callback watchdog** (`pauseForCallbackOverruns`): too many callbacks over their wall
///   time budget pause the strategy until an operator resumes it (`CALLBACK_OVERRUN`), a latch
///   like the repeated-execution one, kept in the snapshot (`OrderFlow.callbackPaused`).
extension RiskChain {
    /// The block of the risk-increasing part for a fair share exceeded, or for a watchdog pause.
    mutating func isolate(_ work: inout Work, _ isolation: IsolationBlock?) {
        guard work.increasing > 0 else { return }
        if orderFlow.callbackPaused[Int(work.intent.strategyID) - 1] {
            return block(&work, .callbackOverrun, stage: .firewall,
                         details: (Double(limits.callbackOverrunsToPause), limits.callbackBudgetMs, limits.callbackOverrunWindowSeconds, 0))
        }
        if let isolation { block(&work, isolation.code, stage: .firewall, details: isolation.details) }
    }

    /// The callback watchdog pauses `strategy` after `overruns` callbacks over budget: its new
    /// risk is refused (`CALLBACK_OVERRUN`) until `resumeStrategy`. A state change for the host
    /// to journal and act on (its risk-increasing resting orders are cancelled). Nothing if it
    /// was already paused so.
    public mutating func pauseForCallbackOverruns(_ strategy: UInt32, overruns: Int, at ns: Int64) {
        let index = Int(strategy) - 1
        guard !orderFlow.callbackPaused[index] else { return }
        orderFlow.callbackPaused[index] = true
        stateChanges.append(StateChange(kind: .strategyPaused(strategyID: strategy), reason: .callbackOverrun, atNs: ns,
                                        value: Double(overruns), limit: limits.callbackBudgetMs))
    }
}
