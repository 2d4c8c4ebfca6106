import Journal

/// One message of the risk event stream before its envelope: its kind, topic and the JSON text
/// of its `data` (docs/events.md). Built off the decision path (on the audit thread for records
/// the journal also keeps, on the event loop for rare operator and risk actions).
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

    /// The `state` event of a state change.
    static func state(_ record: StateChangeRecord) -> RiskEvent {
        from(.stateChange(record), intent: nil, origin: "strategy", mode: "live")!
    }

    /// The event a journal record is published as, nil for records that are not published
    /// (intents travel inside their decision; snapshots are the journal's own).
    /// `intent` is the decision's intent when `record` is a decision; `origin` says who made it.
    static func from(_ record: JournalRecord, intent: IntentRecord?, origin: String, mode: String) -> RiskEvent? {
        var data = EventJSON()
        switch record {
        case .decision(let r):
            data.add("decision_id", r.decisionID)
            data.add("strategy", r.strategy)
            data.add("symbol", r.symbol)
            data.add("client_id", r.clientID)
            // An intent refused as INVALID_INTENT may name no valid side or type.
            data.add("side", intent.map { $0.side == "?" ? "unknown" : $0.side } ?? "unknown")
            data.add("order_type", intent.map { $0.orderType == "?" ? "unknown" : $0.orderType } ?? "unknown")
            data.add("requested_quantity", r.requestedQuantity)
            data.add("final_quantity", r.finalQuantity)
            data.add("limit_price", intent?.limitPrice ?? 0)
            data.add("stop_loss_price", intent?.stopLossPrice ?? 0)
            data.add("reduce_only", intent?.reduceOnly ?? false)
            data.add("mode", mode)
            data.add("origin", origin)
            data.add("verdict", r.verdict)
            data.add("reason", r.reason)
            data.add("stages", array: r.stages) { stage, row in
                stage.add("stage", row.stage)
                stage.add("code", row.code)
                stage.add("severity", row.severity)
                stage.add("quantity_in", row.quantityIn)
                stage.add("quantity_out", row.quantityOut)
                stage.add("factor", row.factor)
                stage.add("detail", row.detail)
            }
            return RiskEvent(kind: "decision", topic: "risk.decision.\(r.strategy)", eventTimeNs: r.eventTimeNs, data: data.closed)
        case .order(let r):
            data.add("order_id", r.orderID)
            data.add("decision_id", r.decisionID)
            data.add("strategy", r.strategy)
            data.add("client_order_id", r.clientOrderID)
            data.add("symbol", r.symbol)
            data.add("side", r.side)
            data.add("quantity", r.quantity)
            data.add("order_type", r.orderType)
            data.add("limit_price", r.limitPrice)
            data.add("stop_loss_price", r.stopLossPrice)
            data.add("reduce_only", r.reduceOnly)
            data.add("mode", r.mode)
            data.add("status", r.status)
            return RiskEvent(kind: "order", topic: "risk.order.\(r.strategy)", eventTimeNs: r.eventTimeNs, data: data.closed)
        case .fill(let r):
            data.add("fill_id", r.fillID)
            data.add("order_id", r.orderID)
            data.add("strategy", r.strategy)
            data.add("symbol", r.symbol)
            data.add("side", r.side)
            data.add("quantity", r.quantity)
            data.add("price", r.price)
            data.add("fee_usd", r.feeUSD)
            data.add("mode", r.mode)
            return RiskEvent(kind: "fill", topic: "risk.fill.\(r.strategy)", eventTimeNs: r.eventTimeNs, data: data.closed)
        case .stateChange(let r):
            data.add("kind", r.kind)
            data.add("subject", r.subject)
            data.add("from", r.fromState)
            data.add("to", r.toState)
            data.add("reason", r.reason)
            data.add("value", r.value)
            data.add("limit", r.limitValue)
            return RiskEvent(kind: "state", eventTimeNs: r.eventTimeNs, data: data.closed)
        case .breach(let r):
            data.add("rule", r.rule)
            data.add("subject", r.subject)
            data.add("value", r.value)
            data.add("limit", r.limitValue)
            data.add("detail", r.detail)
            return RiskEvent(kind: "breach", eventTimeNs: r.eventTimeNs, data: data.closed)
        case .intent, .snapshot, .operatorAction, .marketTicks:
            // Operator actions are published by the control channel with their outcome.
            return nil
        }
    }
}
