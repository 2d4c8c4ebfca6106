/// One message of the risk event stream before its envelope: its kind, topic and the JSON text
/// of its `data` (docs/events.md). Made by `StreamProjection` from an engine event on the stream
/// feeder's thread (heartbeats by the publisher itself), never on the decision path.
struct RiskEvent: Sendable {
    /// `decision`, `order`, `fill`, `state`, `breach`, `alert`, `unwind`, `deadman`, `promotion`,
    /// `operator` or `heartbeat`.
    var kind: String
    /// `risk.<kind>` or, for decisions, orders and fills, `risk.<kind>.<strategy>`.
    var topic: String
    /// Event time, ns since the Unix epoch (0 before the first market event).
    var eventTimeNs: Int64
    /// The `data` object's JSON text.
    var data: String

    init(kind: String, topic: String? = nil, eventTimeNs: Int64, data: String) {
        self.kind = kind
        self.topic = topic ?? "risk.\(kind)"
        self.eventTimeNs = eventTimeNs
        self.data = data
    }
}
