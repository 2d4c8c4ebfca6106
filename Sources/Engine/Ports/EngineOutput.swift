import Risk

/// Where the engine's events leave it: the host's end of the journal's and the stream's rings
/// (`EventSink`). The engine calls it on the event-loop thread only, in the order facts happen;
/// an implementation must not call back into the engine.
package protocol EngineOutput: AnyObject {
    /// Takes one fact (journal, stream, or both, as the fact's kind says). Must not allocate.
    func record(_ event: EngineEvent)
    /// Whether it keeps the applied market ticks (`recordTick`); read when the output is set.
    var recordsTicks: Bool { get }
    /// Takes the market tick the engine is about to apply (its reference price): recovery
    /// re-applies the ticks after the last snapshot. `state` is the state before this tick, for a
    /// snapshot that closes a long quiet stretch.
    func recordTick(symbolID: UInt32, price: Double, at eventTimeNs: Int64, state: () -> EngineState)
    /// Closes the current event (called only after an event that recorded facts): its facts are
    /// one group; `state` (called only when a snapshot is due) is the state after it.
    func endEvent(state: () -> EngineState)
    /// The current event made facts recovery cannot re-apply (gateway orders and answers,
    /// unwinds, operator verbs): its end keeps the state.
    func requireSnapshot()
    /// Re-evaluates whether new risk is refused because the journal is behind or has failed;
    /// true when that changed (the engine then tells the chain).
    func updateAvailability() -> Bool
    /// Whether new risk is refused for the journal's sake (`JOURNAL_UNAVAILABLE`).
    var refusesNewRisk: Bool { get }
    /// The block for `strategy` (id) when it holds more than its fair share of the audit queue
    /// while the queue is filling (`AUDIT_QUEUE_SHARE_EXCEEDED`), else nil. Allocates nothing.
    func auditShareExceeded(strategy: UInt32) -> IsolationBlock?
}
