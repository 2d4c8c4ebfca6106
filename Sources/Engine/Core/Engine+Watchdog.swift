import Risk

extension Engine {
    /// The plugin host's callback watchdog found one of `strategy`'s callbacks over its wall
    /// time budget: logged, counted, and published and journaled as a `WATCHDOG` state change
    /// (subject the strategy, from → to its overruns within the window, reason the callback,
    /// value its wall time and limit the budget, ms). `pause`: it was the overrun that pauses
    /// the strategy (`CALLBACK_OVERRUN`) until an operator resumes it; its risk-increasing
    /// resting orders are cancelled, as for every pause.
    ///
    /// Neither can be derived again from the journal (wall time), so the state is journaled at
    /// the end of the event (a transition fact requires it).
    package func reportCallbackOverrun(strategy id: UInt32, callback: String, elapsedNs: Int64, inWindow: Int, pause: Bool) {
        let strategy = strategies[Int(id) - 1]
        strategy.callbackOverruns &+= 1
        let elapsedMs = Double(elapsedNs) / 1e6, budgetMs = risk.limits.callbackBudgetMs
        strategy.logger.warning("callback overran the watchdog's budget: every strategy and the control channel waited for it", metadata: [
            "callback": "\(callback)", "wall_ms": "\(elapsedMs)", "budget_ms": "\(budgetMs)",
            "overruns_in_window": "\(inWindow)", "overruns_to_pause": "\(risk.limits.callbackOverrunsToPause)",
        ])
        emit(.transition(TransitionFact(
            kind: .watchdog, subject: strategy.name, from: "\(inWindow - 1)", to: "\(inWindow)", reason: callback,
            value: elapsedMs, limit: budgetMs, eventTimeNs: clockNs, wallTimeNs: wallNs())))
        guard pause else { return }
        risk.pauseForCallbackOverruns(id, overruns: inWindow, at: clockNs)
        if !risk.stateChanges.isEmpty { reportStateChanges() }
    }
}
