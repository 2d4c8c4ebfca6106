import Engine
import Journal
import Risk

/// The journal's rows of an engine event (docs/journal.md): names and codes as text, the stage
/// trace with its `key=value` details. Runs on the journal feeder's thread, never on the loop.
/// Ticks and ends of events are the feeder's own (they shape transactions, not rows).
struct JournalProjection: Sendable {
    let names: EventNames

    /// The rows of `event`, in the order they are journaled; none for a fact the journal does
    /// not keep (`EngineEvent.isJournaled`).
    func records(for event: EngineEvent) -> [JournalRecord] {
        switch event {
        case .decision(let fact): decisionRecords(fact)
        case .order(let fact): [.order(orderRecord(fact))]
        case .fill(let fact): [.fill(fillRecord(fact))]
        case .latch(let fact): latchRecords(fact)
        case .transition(let fact): [.stateChange(Self.stateChange(fact))]
        case .operatorAction(let fact): [.operatorAction(Self.operatorAction(fact))]
        case .alert(let fact): [.stateChange(alertRecord(fact))]
        case .unwindPlanned(let fact): unwindRanking(fact)
        case .ticks, .endOfEvent, .deadman, .unwound, .promotion: []
        }
    }

    private func decisionRecords(_ fact: DecisionFact) -> [JournalRecord] {
        let d = fact.decision
        let strategy = names.strategy(d.strategyID), symbol = names.symbol(d.symbolID)
        let intent = IntentRecord(
            eventTimeNs: d.timestampNs, wallTimeNs: fact.wallTimeNs, decisionID: d.decisionID, strategy: strategy,
            strategyID: d.strategyID, clientID: d.clientID, symbol: symbol, symbolID: d.symbolID, side: EventNames.side(fact.side),
            quantity: d.requestedQuantity, orderType: EventNames.orderType(fact.orderType), limitPrice: fact.limitPrice,
            stopLossPrice: fact.stopLossPrice, reduceOnly: fact.reduceOnly, origin: fact.origin.name)
        let decision = DecisionRecord(
            eventTimeNs: d.timestampNs, wallTimeNs: fact.wallTimeNs, decisionID: d.decisionID, strategy: strategy,
            strategyID: d.strategyID, clientID: d.clientID, symbol: symbol, symbolID: d.symbolID,
            verdict: d.verdict.description, reason: d.reason.description,
            requestedQuantity: d.requestedQuantity, finalQuantity: d.finalQuantity, stages: Self.stages(fact))
        return [.intent(intent), .decision(decision)]
    }

    /// The trace as `decision_stages` rows (the stream's `stages` carries the same). Fields the
    /// intent gave as NaN or infinite are stored as 0 and named in the first stage's detail.
    static func stages(_ fact: DecisionFact) -> [StageRecord] {
        fact.trace.notes.enumerated().map { index, note in
            StageRecord(stage: note.stage.description, code: note.code.description, severity: note.code.severity.rawValue,
                        quantityIn: note.quantityIn, quantityOut: note.quantityOut, factor: note.factor,
                        detail: fact.stageDetail(index, note.renderedDetail))
        }
    }

    func orderRecord(_ fact: OrderFact) -> OrderRecord {
        let o = fact.order
        let strategy = names.strategy(o.strategyID)
        return OrderRecord(
            eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, orderID: o.orderID, decisionID: o.orderID,
            strategy: strategy, strategyID: o.strategyID, clientOrderID: names.clientOrderID(of: o),
            symbol: names.symbol(o.symbolID), symbolID: o.symbolID, side: EventNames.side(o.side), quantity: fact.quantity,
            orderType: EventNames.orderType(o.orderType), limitPrice: o.limitPrice, stopLossPrice: o.stopLossPrice,
            reduceOnly: o.reduceOnly, mode: EventNames.mode(o.mode), status: fact.status.name)
    }

    func fillRecord(_ fact: FillFact) -> FillRecord {
        let o = fact.order
        return FillRecord(
            eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, fillID: fact.fillID, orderID: o.orderID,
            strategy: names.strategy(o.strategyID), strategyID: o.strategyID, symbol: names.symbol(o.symbolID),
            symbolID: o.symbolID, side: EventNames.side(o.side), quantity: fact.quantity, price: fact.price,
            feeUSD: fact.feeUSD, liquidity: nil, mode: EventNames.mode(o.mode))
    }

    /// A latch the chain set on its own is a limit found breached: the state it moved to, and the
    /// breach with what was measured against what limit.
    func latchRecords(_ fact: LatchFact) -> [JournalRecord] {
        let latch = names.latch(fact.change)
        let change = fact.change
        return [
            .stateChange(StateChangeRecord(
                eventTimeNs: change.atNs, wallTimeNs: fact.wallTimeNs, kind: latch.kind, subject: latch.subject,
                fromState: latch.from, toState: latch.to, reason: latch.rule, value: change.value, limitValue: change.limit)),
            .breach(BreachRecord(
                eventTimeNs: change.atNs, wallTimeNs: fact.wallTimeNs, rule: latch.rule, subject: latch.subject,
                value: change.value, limitValue: change.limit, detail: latch.detail)),
        ]
    }

    static func stateChange(_ fact: TransitionFact) -> StateChangeRecord {
        StateChangeRecord(eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, kind: fact.kind.rawValue,
                          subject: fact.subject, fromState: fact.from, toState: fact.to, reason: fact.reason,
                          value: fact.value, limitValue: fact.limit)
    }

    static func operatorAction(_ fact: OperatorActionFact) -> OperatorActionRecord {
        OperatorActionRecord(
            eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, action: fact.verb.uppercased(),
            subject: fact.subject, actor: fact.operatorName, reason: fact.reason,
            detail: "outcome=\(fact.outcome) forced=\(fact.forced) message=\(fact.message)")
    }

    /// An alert is journaled as a change of the limit's alert level: the subject (`account`, a
    /// strategy, a symbol, a cluster), the limit's config key as the reason, its use (percent)
    /// and the use whose crossing made the change.
    func alertRecord(_ fact: AlertFact) -> StateChangeRecord {
        StateChangeRecord(
            eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, kind: "alert",
            subject: names.subject(fact.subject),
            fromState: fact.from.description.uppercased(), toState: fact.to.description.uppercased(),
            reason: fact.rule.rawValue, value: fact.usagePct, limitValue: fact.crossedPct)
    }

    /// The unwind's ranking, one row per strategy, so a reader sees why its orders were chosen.
    func unwindRanking(_ fact: UnwindPlanFact) -> [JournalRecord] {
        fact.plan.entries.map { entry in
            .stateChange(StateChangeRecord(
                eventTimeNs: fact.eventTimeNs, wallTimeNs: fact.wallTimeNs, kind: "unwind", subject: entry.candidate.name,
                fromState: "rank \(entry.rank)", toState: entry.action.rawValue.uppercased(),
                reason: ReasonCode.accountDrawdownHalt.description, value: entry.candidate.score, limitValue: nil))
        }
    }
}
