extension Engine {
    /// Each strategy's start hook (`on_start`), in config order, once the host is ready to trade
    /// (after recovery, before the first market event). The intents it submits are decided like
    /// any others (one without a price yet is refused `NO_MARKET_DATA`), their decisions
    /// delivered after the hook returns, and everything is closed as one event.
    package func startStrategies() {
        for index in strategies.indices {
            port?.start(strategy: index)
            flushNotices()
        }
        endEvent()
    }

    /// Each strategy's stop hook (`on_stop`), in reverse config order, at an orderly stop and
    /// before any strategy is destroyed: its intents (an exit, say) and cancels are decided and
    /// routed as usual, their decisions delivered after the hook returns, and everything is
    /// closed as one event.
    package func stopStrategies() {
        for index in strategies.indices.reversed() {
            port?.stop(strategy: index)
            flushNotices()
        }
        endEvent()
    }
}
