import Engine
import Risk

/// The risk event stream's messages of an engine event (docs/events.md), built from the fact
/// itself on the stream feeder's thread, never on the loop and never from a journal row.
struct StreamProjection: Sendable {
    let names: EventNames
    /// Which decisions are published (`events.decisions`).
    let decisions: EventsConfig.Decisions

    /// The messages of `event`, in order; none for a fact the stream does not carry
    /// (`EngineEvent.isPublished`) or a decision `decisions` leaves out.
    func messages(for event: EngineEvent) -> [RiskEvent] {
        switch event {
        case .decision(let fact):
            if decisions == .notApproved && fact.decision.verdict == .approve { return [] }
            return [decision(fact)]
        case .order(let fact): return [order(fact)]
        case .fill(let fact): return [fill(fact)]
        case .latch(let fact): return latch(fact)
        case .transition(let fact): return [Self.state(fact)]
        case .operatorAction(let fact): return [operatorAction(fact)]
        case .alert(let fact): return [alert(fact)]
        case .deadman(let fact): return [deadman(fact)]
        case .unwound(let fact): return [unwound(fact)]
        case .promotion(let fact): return [promotion(fact)]
        case .ticks, .endOfEvent, .unwindPlanned: return []
        }
    }

    private func decision(_ fact: DecisionFact) -> RiskEvent {
        let d = fact.decision
        let strategy = names.strategy(d.strategyID)
        var data = EventJSON()
        data.add("decision_id", d.decisionID)
        data.add("strategy", strategy)
        data.add("symbol", names.symbol(d.symbolID))
        data.add("client_id", d.clientID)
        // An intent refused as INVALID_INTENT may name no valid side or type.
        data.add("side", fact.side == nil ? "unknown" : EventNames.side(fact.side))
        data.add("order_type", fact.orderType == nil ? "unknown" : EventNames.orderType(fact.orderType))
        // A value the intent gave as NaN or infinite is null (JSON has no such numbers), never 0.
        if fact.quantityWasNonFinite { data.add("requested_quantity", raw: "null") } else { data.add("requested_quantity", d.requestedQuantity) }
        data.add("final_quantity", d.finalQuantity)
        if fact.limitWasNonFinite { data.add("limit_price", raw: "null") } else { data.add("limit_price", fact.limitPrice) }
        if fact.stopWasNonFinite { data.add("stop_loss_price", raw: "null") } else { data.add("stop_loss_price", fact.stopLossPrice) }
        data.add("reduce_only", fact.reduceOnly)
        data.add("mode", EventNames.mode(fact.mode))
        data.add("origin", fact.origin.name)
        data.add("verdict", d.verdict.description)
        data.add("reason", d.reason.description)
        var stageIndex = 0
        data.add("stages", array: fact.trace.notes) { stage, note in
            defer { stageIndex += 1 }
            stage.add("stage", note.stage.description)
            stage.add("code", note.code.description)
            stage.add("severity", note.code.severity.rawValue)
            stage.add("quantity_in", note.quantityIn)
            stage.add("quantity_out", note.quantityOut)
            stage.add("factor", note.factor)
            stage.add("detail", fact.stageDetail(stageIndex, note.renderedDetail))
        }
        return RiskEvent(kind: "decision", topic: "risk.decision.\(strategy)", eventTimeNs: d.timestampNs, data: data.closed)
    }

    private func order(_ fact: OrderFact) -> RiskEvent {
        let o = fact.order
        let strategy = names.strategy(o.strategyID)
        var data = EventJSON()
        data.add("order_id", o.orderID)
        data.add("decision_id", o.orderID)
        data.add("strategy", strategy)
        data.add("client_order_id", names.clientOrderID(of: o))
        data.add("symbol", names.symbol(o.symbolID))
        data.add("side", EventNames.side(o.side))
        data.add("quantity", fact.quantity)
        data.add("order_type", EventNames.orderType(o.orderType))
        data.add("limit_price", o.limitPrice)
        data.add("stop_loss_price", o.stopLossPrice)
        data.add("reduce_only", o.reduceOnly)
        data.add("mode", EventNames.mode(o.mode))
        data.add("status", fact.status.name)
        return RiskEvent(kind: "order", topic: "risk.order.\(strategy)", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    private func fill(_ fact: FillFact) -> RiskEvent {
        let o = fact.order
        let strategy = names.strategy(o.strategyID)
        var data = EventJSON()
        data.add("fill_id", fact.fillID)
        data.add("order_id", o.orderID)
        data.add("strategy", strategy)
        data.add("symbol", names.symbol(o.symbolID))
        data.add("side", EventNames.side(o.side))
        data.add("quantity", fact.quantity)
        data.add("price", fact.price)
        data.add("fee_usd", fact.feeUSD)
        data.add("mode", EventNames.mode(o.mode))
        return RiskEvent(kind: "fill", topic: "risk.fill.\(strategy)", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    /// How many messages `event` is published as, without building them (the event loop counts
    /// what a full ring loses). Allocates nothing. Kept beside `messages`, which it must match.
    func messageCount(for event: EngineEvent) -> Int {
        switch event {
        case .decision(let fact): decisions == .notApproved && fact.decision.verdict == .approve ? 0 : 1
        case .latch: 2
        case .ticks, .endOfEvent, .unwindPlanned: 0
        case .order, .fill, .transition, .operatorAction, .alert, .deadman, .unwound, .promotion: 1
        }
    }

    /// A latch: the `state` it moved to, then the `breach` behind it (the journal's two rows).
    private func latch(_ fact: LatchFact) -> [RiskEvent] {
        let (latch, change) = (names.latch(fact.change), fact.change)
        var breach = EventJSON()
        breach.add("rule", latch.rule)
        breach.add("subject", latch.subject)
        breach.add("value", change.value)
        breach.add("limit", change.limit)
        breach.add("detail", latch.detail)
        return [
            Self.state(kind: latch.kind, subject: latch.subject, from: latch.from, to: latch.to, reason: latch.rule,
                       value: change.value, limit: change.limit, eventTimeNs: change.atNs),
            RiskEvent(kind: "breach", eventTimeNs: change.atNs, data: breach.closed),
        ]
    }

    /// The `state` message of a transition.
    /// Its `kind` is lower case (`kill_switch`, `latch`, `pause`, `mode`) like every kind on the
    /// stream; the journal keeps the operators' upper-case spelling for its existing queries.
    static func state(_ fact: TransitionFact) -> RiskEvent {
        state(kind: fact.kind.rawValue.lowercased(), subject: fact.subject, from: fact.from, to: fact.to, reason: fact.reason,
              value: fact.value, limit: fact.limit, eventTimeNs: fact.eventTimeNs)
    }

    private static func state(kind: String, subject: String, from: String, to: String, reason: String, value: Double?,
                              limit: Double?, eventTimeNs: Int64) -> RiskEvent {
        var data = EventJSON()
        data.add("kind", kind)
        data.add("subject", subject)
        data.add("from", from)
        data.add("to", to)
        data.add("reason", reason)
        data.add("value", value)
        data.add("limit", limit)
        return RiskEvent(kind: "state", eventTimeNs: eventTimeNs, data: data.closed)
    }

    private func operatorAction(_ fact: OperatorActionFact) -> RiskEvent {
        var data = EventJSON()
        data.add("verb", fact.verb)
        data.add("subject", fact.subject)
        data.add("operator", fact.operatorName)
        data.add("reason", fact.reason)
        data.add("forced", fact.forced)
        data.add("outcome", fact.outcome)
        data.add("detail", fact.message)
        return RiskEvent(kind: "operator", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    private func alert(_ fact: AlertFact) -> RiskEvent {
        var data = EventJSON()
        data.add("limit", fact.rule.rawValue)
        data.add("subject", names.subject(fact.subject))
        data.add("level", fact.to.description)
        data.add("previous_level", fact.from.description)
        data.add("usage_pct", fact.usagePct)
        data.add("value", fact.value)
        data.add("limit_value", fact.limit)
        return RiskEvent(kind: "alert", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    private func deadman(_ fact: DeadmanFact) -> RiskEvent {
        let state = fact.state
        var data = EventJSON()
        data.add("level", fact.level)
        data.add("period_seconds", Double(state.periodNs) / 1e9)
        data.add("elapsed_seconds", Double(state.elapsedNs(at: fact.wallTimeNs)) / 1e9)
        data.add("elapsed_pct", state.elapsedPct(at: fact.wallTimeNs))
        data.add("last_checkin_wall_ns", state.lastCheckInNs)
        data.add("deadline_wall_ns", state.deadlineNs)
        return RiskEvent(kind: "deadman", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    private func unwound(_ fact: UnwindFact) -> RiskEvent {
        let plan = fact.plan
        var data = EventJSON()
        data.add("unwind_id", fact.unwindID)
        data.add("rule", ReasonCode.accountDrawdownHalt.description)
        data.add("drawdown_pct", fact.drawdownPct)
        data.add("cap_pct", fact.capPct)
        data.add("locked_loss_usd", plan.lockedLossUSD)
        data.add("open_loss_usd", plan.openLossUSD)
        data.add("room_usd", plan.roomUSD)
        data.add("ranking", array: plan.entries) { row, entry in
            row.add("rank", entry.rank)
            row.add("strategy", entry.candidate.name)
            row.add("unrealized_usd", entry.candidate.unrealizedUSD)
            row.add("gross_usd", entry.candidate.grossUSD)
            row.add("score", entry.candidate.score)
            row.add("action", entry.action.rawValue)
        }
        data.add("orders", array: fact.orders) { row, order in
            row.add("decision_id", order.decision.decisionID)
            row.add("strategy", names.strategy(order.strategyID))
            row.add("symbol", names.symbol(order.decision.symbolID))
            row.add("side", EventNames.side(order.side))
            row.add("quantity", order.decision.requestedQuantity)
            row.add("verdict", order.decision.verdict.description)
        }
        return RiskEvent(kind: "unwind", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }

    private func promotion(_ fact: PromotionFact) -> RiskEvent {
        var data = EventJSON()
        data.add("strategy", fact.strategy)
        data.add("from_mode", "shadow")
        data.add("to_mode", "live")
        data.add("promoted", fact.promoted)
        data.add("operator", fact.operatorName)
        data.add("reason", fact.reason)
        data.add("criteria", array: fact.criteria) { row, criterion in
            row.add("name", criterion.name)
            row.add("value", criterion.value)
            row.add("comparison", criterion.comparison)
            row.add("threshold", criterion.threshold)
            row.add("passed", criterion.passed)
        }
        return RiskEvent(kind: "promotion", eventTimeNs: fact.eventTimeNs, data: data.closed)
    }
}
