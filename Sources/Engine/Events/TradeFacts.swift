import Risk

/// An intent and the decision on it (docs/events.md, `decision`).
package struct DecisionFact: Sendable {
    /// The decision: ids, verdict, primary reason, requested and final quantity, event time.
    package var decision: Decision
    /// The intent's side and order type; nil when the intent named none that exists (refused as
    /// INVALID_INTENT).
    package var side: Side?
    package var orderType: OrderType?
    /// Limit and stop-loss prices; a non-finite one (why it was refused) is kept as 0, which the
    /// journal can store, and named in `nonFinite`.
    package var limitPrice: Double
    package var stopLossPrice: Double
    /// The fields the intent gave as NaN or infinite, with what they were (`quantity=nan
    /// stop_loss_price=-inf`); nil when all were finite. The journal and the stream say so
    /// instead of passing the stored 0 off as the value.
    package var nonFinite: String?
    /// Which of requested quantity, limit price and stop-loss price were not finite.
    package var quantityWasNonFinite = false, limitWasNonFinite = false, stopWasNonFinite = false
    package var reduceOnly: Bool
    package var origin: IntentOrigin
    package var mode: BookMode
    /// What each stage did (one validation note for an intent refused before the chain).
    package var trace: StageTrace
    /// Wall time of the decision, ns since the Unix epoch.
    package var wallTimeNs: Int64

    package init(decision: Decision, side: Side?, orderType: OrderType?, limitPrice: Double, stopLossPrice: Double,
                 reduceOnly: Bool, origin: IntentOrigin, mode: BookMode, trace: StageTrace, wallTimeNs: Int64) {
        var decision = decision
        // A refused intent may carry NaN or infinity: SQLite cannot store them in REAL columns.
        quantityWasNonFinite = !decision.requestedQuantity.isFinite
        limitWasNonFinite = !limitPrice.isFinite
        stopWasNonFinite = !stopLossPrice.isFinite
        if quantityWasNonFinite || limitWasNonFinite || stopWasNonFinite {
            var named: [String] = []
            if quantityWasNonFinite { named.append("quantity=\(Self.spelled(decision.requestedQuantity))") }
            if limitWasNonFinite { named.append("limit_price=\(Self.spelled(limitPrice))") }
            if stopWasNonFinite { named.append("stop_loss_price=\(Self.spelled(stopLossPrice))") }
            nonFinite = named.joined(separator: " ")
        }
        decision.requestedQuantity = Self.finiteOrZero(decision.requestedQuantity)
        self.decision = decision
        self.side = side
        self.orderType = orderType
        self.limitPrice = Self.finiteOrZero(limitPrice)
        self.stopLossPrice = Self.finiteOrZero(stopLossPrice)
        self.reduceOnly = reduceOnly
        self.origin = origin
        self.mode = mode
        self.trace = trace
        self.wallTimeNs = wallTimeNs
    }

    /// The fact of a decision on `raw` (with the chain's trace when the intent reached the
    /// chain, else the validation's one note). A refused intent's non-finite prices and quantity
    /// are kept as 0; the reason (INVALID_INTENT) says they were unusable.
    package init(_ decision: Decision, intent raw: IntentRequest, traced: [StageNote]?, origin: IntentOrigin, mode: BookMode,
                 wallTimeNs: Int64) {
        let trace = traced.map(StageTrace.init) ?? StageTrace(single: StageNote(
            stage: .validation, code: decision.reason, quantityIn: Self.finiteOrZero(decision.requestedQuantity), quantityOut: 0))
        self.init(decision: decision, side: Side(rawValue: raw.side), orderType: OrderType(rawValue: raw.orderType),
                  limitPrice: raw.limitPrice, stopLossPrice: raw.stopLossPrice, reduceOnly: raw.reduceOnly == 1,
                  origin: origin, mode: mode, trace: trace, wallTimeNs: wallTimeNs)
    }

    @inline(__always) package static func finiteOrZero(_ value: Double) -> Double { value.isFinite ? value : 0 }

    /// `nan`, `inf` or `-inf`.
    static func spelled(_ value: Double) -> String { value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }

    /// The first stage's detail with the non-finite fields added (the validation's note, for an
    /// intent refused as INVALID_INTENT).
    package func stageDetail(_ index: Int, _ rendered: String) -> String {
        guard index == 0, let nonFinite else { return rendered }
        return rendered.isEmpty ? "non_finite: \(nonFinite)" : "\(rendered) non_finite: \(nonFinite)"
    }
}

/// An order at a venue: sent, or a change of its status (docs/events.md, `order`).
package struct OrderFact: Sendable {
    /// Where an order stands.
    package enum Status: Sendable {
        /// Sent to its venue (the paper venue, the gateway, or the recording adapter).
        case submitted
        /// The order gateway acknowledged it.
        case acknowledged
        /// The order gateway rejected it.
        case rejected
        /// No answer from the gateway in time: its fate is unknown.
        case unknown
        /// An answer came for an order whose state was unknown.
        case reconciled
        /// Cancelled (by its strategy, a latch, the kill switch, or the gateway).
        case cancelled

        /// `orders.status` and the stream's `status`.
        package var name: String {
            switch self {
            case .submitted: "submitted"
            case .acknowledged: "acknowledged"
            case .rejected: "rejected"
            case .unknown: "unknown"
            case .reconciled: "reconciled"
            case .cancelled: "cancelled"
            }
        }
    }

    package var order: Order
    package var status: Status
    /// Units the fact is about: the order's quantity, or what was left of it when cancelled.
    package var quantity: Double
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(order: Order, status: Status, quantity: Double? = nil, eventTimeNs: Int64? = nil, wallTimeNs: Int64) {
        self.order = order
        self.status = status
        self.quantity = quantity ?? order.quantity
        self.eventTimeNs = eventTimeNs ?? order.timestampNs
        self.wallTimeNs = wallTimeNs
    }
}

/// A fill booked (docs/events.md, `fill`).
package struct FillFact: Sendable {
    /// The order it filled (ids, side, mode).
    package var order: Order
    package var fillID: UInt64
    /// Units filled (> 0), price (quote currency per unit), fee (USD).
    package var quantity: Double
    package var price: Double
    package var feeUSD: Double
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(order: Order, fillID: UInt64, quantity: Double, price: Double, feeUSD: Double, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.order = order
        self.fillID = fillID
        self.quantity = quantity
        self.price = price
        self.feeUSD = feeUSD
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// A latch the chain set on its own (`RiskChain.stateChanges`): a state change and the breach
/// behind it, with what was measured against what limit.
package struct LatchFact: Sendable {
    package var change: StateChange
    /// Wall time, ns since the Unix epoch (the event time is `change.atNs`).
    package var wallTimeNs: Int64

    package init(change: StateChange, wallTimeNs: Int64) {
        self.change = change
        self.wallTimeNs = wallTimeNs
    }
}
