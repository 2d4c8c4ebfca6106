extension Engine {
    /// Starts (`intervalNs` >= 1 ms of event time) or stops (0) a strategy's timer; false for an
    /// interval under 1 ms. Before the first event there is no clock yet: the first deadline
    /// counts from it.
    package func setTimer(for strategy: EngineStrategy, intervalNs: Int64) -> Bool {
        if intervalNs == 0 {
            strategy.timerIntervalNs = 0
            strategy.nextTimerNs = .max
        } else {
            guard intervalNs >= 1_000_000 else { return false }
            strategy.timerIntervalNs = intervalNs
            strategy.nextTimerNs = clockNs == 0 ? -intervalNs : clockNs &+ intervalNs
        }
        recomputeNextTimer()
        return true
    }

    private func recomputeNextTimer() {
        nextTimerNs = strategies.reduce(Int64.max) { min($0, $1.nextTimerNs) }
    }

    /// Fires every timer due at the current event time: once even if several periods passed (a
    /// quiet market), then re-armed ahead of now.
    func fireTimers() {
        for strategy in strategies where strategy.timerIntervalNs > 0 && clockNs >= strategy.nextTimerNs {
            if strategy.nextTimerNs < 0 {
                // Timer set before the first event: start counting now.
                strategy.nextTimerNs = clockNs &+ strategy.timerIntervalNs
                continue
            }
            let missed = (clockNs - strategy.nextTimerNs) / strategy.timerIntervalNs
            strategy.nextTimerNs &+= (missed + 1) &* strategy.timerIntervalNs
            port?.timer(at: clockNs, strategy: Int(strategy.id) - 1)
            flushNotices()
        }
        recomputeNextTimer()
    }
}
