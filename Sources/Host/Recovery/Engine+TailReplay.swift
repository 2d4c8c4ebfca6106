import Engine
import Journal
import Risk

extension Engine {
    /// Re-applies the records a journal holds after its last snapshot (the tail) to the state
    /// just restored from that snapshot, through the same code the live host ran: each tick block
    /// through `RiskChain.updateMark`, each decision the chain made through `RiskChain.decide` (and
    /// its order to the paper venue or the recording adapter), each paper fill through
    /// `RiskChain.applyFill`, each cancel by releasing the order's pending quantity. The latches
    /// the chain sets on its own (drawdown halt, decay pause, daily loss) come back by themselves.
    ///
    /// Every re-made decision must equal the journaled one (verdict, reason, final quantity): a
    /// tail decided under other limits, or damaged, does not fit the snapshot and the start is
    /// refused, naming the row. Records the host never leaves in a tail (operator actions, the
    /// dead man's switch, unwinds, gateway orders and answers: each is followed by a snapshot in
    /// the same transaction) are refused the same way if one is found.
    ///
    /// `saved` is the snapshot the tail follows: its `symbols` list names the run ids the tail's
    /// tick blocks use. Plugins are not called: a restarted strategy starts afresh.
    /// Returns how many records of each table were re-applied.
    @discardableResult
    func replayTail(_ tail: [JournalEntry], after saved: EngineState) throws(RecoveryError) -> [String: Int] {
        var replay = TailReplay(engine: self, savedSymbols: saved.symbols, orderRateClock: saved.orderRateClock ?? .event)
        for entry in tail {
            do throws(TailReplay.Refusal) {
                try replay.apply(entry)
            } catch {
                throw RecoveryError(description: "the journal's record seq \(entry.seq) (\(entry.record.kind.table)) does not fit the snapshot it follows: \(error.reason); the file was left untouched. Start the host with the configuration that wrote the journal (a crashed run's last records are re-applied under its own limits), or restore the journal from a backup")
            }
        }
        try replay.finish()
        finishReapplying(tailClock: replay.orderRateClock)
        return replay.applied
    }
}

/// A journaled decision about to be re-made, with everything the chain was given for it: what a
/// preview of other limits decides again (`gatehouse decide --journal`).
package struct JournaledDecision {
    package let intent: OrderIntent
    package let record: DecisionRecord
    /// The journal was refusing new risk then (the trace says `JOURNAL_UNAVAILABLE`).
    package let journalWasUnavailable: Bool
    /// The fair-share block the trace shows (nil: none).
    package let isolation: IsolationBlock?
    /// The wall time its order-rate buckets were counted at (nil: the event time).
    package let orderRateAt: Int64?
}

/// The walk through one tail (`Engine.replayTail`): turns each journaled row back into the
/// engine's own types and re-applies it (`Engine.reapplyTick`, `redecide`, `reapplyCancel`,
/// `reapplyFill`): holds the intent of the decision that
/// follows it and the id maps between the tail's run and this one.
package struct TailReplay {
    /// Why a row does not fit: the engine's own refusal, so its re-application steps and this
    /// walk speak one type.
    package typealias Refusal = Engine.ReapplyRefusal

    let engine: Engine
    /// Shown each decision the chain made before it is re-made (nil: nothing to show).
    package var beforeDecision: ((JournaledDecision) -> Void)?
    /// This run's symbol id for each of the tail run's (index: run id − 1; 0: no such symbol here).
    let symbolIDs: [UInt32]
    /// The clock the tail's run counted its order-rate buckets in: in wall time, each decision is
    /// re-made at the wall time journaled with it.
    let orderRateClock: OrderRateClock
    /// The intent journaled just before the decision on it.
    private var intent: IntentRecord?
    /// Records re-applied, by table, for the recovery log line.
    private(set) var applied: [String: Int] = [:]

    package init(engine: Engine, savedSymbols: [String], orderRateClock: OrderRateClock) {
        self.engine = engine
        self.orderRateClock = orderRateClock
        symbolIDs = savedSymbols.map { engine.symbols.lookup($0) ?? 0 }
    }

    package mutating func apply(_ entry: JournalEntry) throws(Refusal) {
        applied[entry.record.kind.table, default: 0] += 1
        switch entry.record {
        case .marketTicks(let block):
            guard let ticks = block.decoded() else {
                throw Refusal(reason: "its \(block.count) ticks in format '\(block.format)' do not decode")
            }
            for tick in ticks {
                guard tick.symbolID >= 1, Int(tick.symbolID) <= symbolIDs.count, symbolIDs[Int(tick.symbolID) - 1] != 0 else {
                    throw Refusal(reason: "a tick names symbol id \(tick.symbolID), which the snapshot's symbols do not hold")
                }
                // Latches the marks set are part of the state; their records are in the tail too.
                engine.reapplyTick(symbol: symbolIDs[Int(tick.symbolID) - 1], price: tick.price, at: tick.timeNs)
            }
        case .intent(let record):
            intent = record
        case .decision(let record):
            try redecide(record)
        case .order(let record):
            try applyOrder(record)
        case .fill(let record):
            try applyFill(record)
        case .stateChange(let record):
            // The chain's own latches were re-derived above; the run's start and stop and the
            // alerts (levels are not state) change nothing.
            let derived = [StateChangeRecord.tradingState, "strategy_pause", "daily_loss", "host", "alert"]
            guard derived.contains(record.kind), record.reason != "OPERATOR" else {
                throw Refusal(reason: "a '\(record.kind)' state change (\(record.reason)) is never re-applied: the host writes a snapshot after one")
            }
        case .breach:
            break
        case .operatorAction, .snapshot:
            throw Refusal(reason: "a row of \(entry.record.kind.table) is never re-applied: the host writes a snapshot after one")
        }
    }

    /// Checks what the tail left half done.
    func finish() throws(RecoveryError) {
        if let intent {
            throw RecoveryError(description: "the journal's last intent (decision \(intent.decisionID)) has no decision after it: the tail was cut inside an event, which a committed journal never is")
        }
    }

    private func strategy(named name: String) throws(Refusal) -> EngineStrategy {
        guard let index = engine.strategyNames.firstIndex(of: name) else {
            throw Refusal(reason: "strategy '\(name)' is not configured")
        }
        return engine.strategies[index]
    }

    private func symbol(named name: String) throws(Refusal) -> UInt32 {
        guard let id = engine.symbols.lookup(name) else { throw Refusal(reason: "symbol '\(name)' is not configured") }
        return id
    }

    private static func side(_ text: String) throws(Refusal) -> Side {
        switch text {
        case "buy": return .buy
        case "sell": return .sell
        default: throw Refusal(reason: "side '\(text)' is neither buy nor sell")
        }
    }

    /// Decides the intent again and books what the live host booked.
    private mutating func redecide(_ record: DecisionRecord) throws(Refusal) {
        guard let intent, intent.decisionID == record.decisionID else {
            throw Refusal(reason: "decision \(record.decisionID) has no intent journaled just before it")
        }
        self.intent = nil
        // Refused before the chain (validation): nothing was booked.
        if record.stages.first?.stage == RiskStage.validation.description {
            engine.skipDecisionID(record.decisionID)
            return
        }
        let strategy = try strategy(named: record.strategy)
        let orderType: OrderType
        switch intent.orderType {
        case "market": orderType = .market
        case "limit": orderType = .limit
        default: throw Refusal(reason: "order type '\(intent.orderType)' is neither market nor limit")
        }
        let order = OrderIntent(
            strategyID: strategy.id, clientID: intent.clientID, symbolID: try symbol(named: intent.symbol),
            side: try Self.side(intent.side), quantity: intent.quantity, orderType: orderType, limitPrice: intent.limitPrice,
            stopLossPrice: intent.stopLossPrice, reduceOnly: intent.reduceOnly)
        // The journal's availability when it was decided, as its trace tells it.
        let unavailable = record.stages.contains { $0.code == ReasonCode.journalUnavailable.description }
        let isolation = Self.isolation(in: record.stages), orderRateAt = orderRateClock == .wall ? record.wallTimeNs : nil
        beforeDecision?(JournaledDecision(intent: order, record: record, journalWasUnavailable: unavailable, isolation: isolation,
                                          orderRateAt: orderRateAt))
        let decision = try engine.redecide(order, decisionID: record.decisionID, at: record.eventTimeNs, journalWasUnavailable: unavailable,
                                           isolation: isolation, orderRateAt: orderRateAt)
        guard decision.verdict.description == record.verdict, decision.reason.description == record.reason,
              decision.finalQuantity == record.finalQuantity else {
            throw Refusal(reason: "decision \(record.decisionID) of \(record.strategy) is \(record.verdict) \(record.reason) \(record.finalQuantity) in the journal and \(decision.verdict) \(decision.reason) \(decision.finalQuantity) re-made")
        }
    }

    /// The fair-share block a journaled trace shows (a wall-time condition recovery cannot
    /// measure again), with its figures read back from the detail text; nil if none.
    static func isolation(in stages: [StageRecord]) -> IsolationBlock? {
        for code in [ReasonCode.auditQueueShareExceeded, .loopTimeShareExceeded] {
            guard let stage = stages.first(where: { $0.code == code.description }) else { continue }
            var values = stage.detail.split(separator: " ").map { Double($0.split(separator: "=").last ?? "") ?? 0 }
            values += Array(repeating: 0, count: max(0, 4 - values.count))
            return IsolationBlock(code: code, details: (values[0], values[1], values[2], values[3]))
        }
        return nil
    }

    private func applyOrder(_ record: OrderRecord) throws(Refusal) {
        switch record.status {
        case "submitted":
            // Booked with its decision just before.
            break
        case "cancelled":
            let symbol = try symbol(named: record.symbol)
            try engine.reapplyCancel(orderID: record.orderID, symbol: symbol)
        default:
            throw Refusal(reason: "an order status '\(record.status)' comes from the gateway, which a snapshot always follows")
        }
    }

    private func applyFill(_ record: FillRecord) throws(Refusal) {
        let symbol = try symbol(named: record.symbol)
        let side = try Self.side(record.side)
        try engine.reapplyFill(orderID: record.orderID, symbol: symbol, side: side, quantity: record.quantity, price: record.price,
                               feeUSD: record.feeUSD, fillID: record.fillID, at: record.eventTimeNs)
    }
}
