import Engine
import Journal
import Risk

extension StrategyHost {
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
        var replay = TailReplay(host: self, savedSymbols: saved.symbols)
        for entry in tail {
            do throws(TailReplay.Refusal) {
                try replay.apply(entry)
            } catch {
                throw RecoveryError(description: "the journal's record seq \(entry.seq) (\(entry.record.kind.table)) does not fit the snapshot it follows: \(error.reason); the file was left untouched. Start the host with the configuration that wrote the journal (a crashed run's last records are re-applied under its own limits), or restore the journal from a backup")
            }
        }
        try replay.finish()
        // The restarted host's own journal is open: nothing is refused for the old one's sake.
        risk.setJournalUnavailable(false)
        risk.clearStateChanges()
        return replay.applied
    }
}

/// The walk through one tail (`StrategyHost.replayTail`): holds the intent of the decision that
/// follows it and the id maps between the tail's run and this one.
struct TailReplay {
    struct Refusal: Error {
        let reason: String
    }

    let host: StrategyHost
    /// This run's symbol id for each of the tail run's (index: run id − 1; 0: no such symbol here).
    let symbolIDs: [UInt32]
    /// The intent journaled just before the decision on it.
    private var intent: IntentRecord?
    /// Records re-applied, by table, for the recovery log line.
    private(set) var applied: [String: Int] = [:]

    init(host: StrategyHost, savedSymbols: [String]) {
        self.host = host
        symbolIDs = savedSymbols.map { host.symbols.lookup($0) ?? 0 }
    }

    mutating func apply(_ entry: JournalEntry) throws(Refusal) {
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
                host.risk.updateMark(symbol: symbolIDs[Int(tick.symbolID) - 1], price: tick.price, at: tick.timeNs)
            }
            // Latches the marks set are part of the state; their records are in the tail too.
            host.risk.clearStateChanges()
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

    private func strategy(named name: String) throws(Refusal) -> StrategyInstance {
        guard let index = host.strategyNames.firstIndex(of: name) else {
            throw Refusal(reason: "strategy '\(name)' is not configured")
        }
        return host.strategies[index]
    }

    private func symbol(named name: String) throws(Refusal) -> UInt32 {
        guard let id = host.symbols.lookup(name) else { throw Refusal(reason: "symbol '\(name)' is not configured") }
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
        host.nextDecisionID = max(host.nextDecisionID, record.decisionID + 1)
        // Refused before the chain (validation): nothing was booked.
        if record.stages.first?.stage == RiskStage.validation.description { return }
        let instance = try strategy(named: record.strategy)
        let orderType: OrderType
        switch intent.orderType {
        case "market": orderType = .market
        case "limit": orderType = .limit
        default: throw Refusal(reason: "order type '\(intent.orderType)' is neither market nor limit")
        }
        let order = OrderIntent(
            strategyID: instance.id, clientID: intent.clientID, symbolID: try symbol(named: intent.symbol),
            side: try Self.side(intent.side), quantity: intent.quantity, orderType: orderType, limitPrice: intent.limitPrice,
            stopLossPrice: intent.stopLossPrice, reduceOnly: intent.reduceOnly)
        // The journal's availability when it was decided, as its trace tells it.
        host.risk.setJournalUnavailable(record.stages.contains { $0.code == ReasonCode.journalUnavailable.description })
        let decision = host.risk.decide(order, decisionID: record.decisionID, at: record.eventTimeNs)
        guard decision.verdict.description == record.verdict, decision.reason.description == record.reason,
              decision.finalQuantity == record.finalQuantity else {
            throw Refusal(reason: "decision \(record.decisionID) of \(record.strategy) is \(record.verdict) \(record.reason) \(record.finalQuantity) in the journal and \(decision.verdict) \(decision.reason) \(decision.finalQuantity) re-made")
        }
        if decision.verdict != .reject {
            let approved = Order(decision: decision, intent: order, mode: instance.mode == .live ? .live : .shadow)
            if approved.mode == .shadow || host.liveOnPaper {
                host.paper.submit(approved)
            } else if host.liveOnGateway {
                throw Refusal(reason: "decision \(record.decisionID) sent a gateway order, which a snapshot always follows")
            } else {
                host.execution.submit(approved)
            }
        }
        host.risk.clearStateChanges()
    }

    private func applyOrder(_ record: OrderRecord) throws(Refusal) {
        switch record.status {
        case "submitted":
            // Booked with its decision just before.
            break
        case "cancelled":
            let symbol = try symbol(named: record.symbol)
            guard let order = host.paper.remove(orderID: record.orderID, symbol: symbol) else {
                throw Refusal(reason: "order \(record.orderID) is cancelled, and no resting paper order has that id")
            }
            host.risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
        default:
            throw Refusal(reason: "an order status '\(record.status)' comes from the gateway, which a snapshot always follows")
        }
    }

    private func applyFill(_ record: FillRecord) throws(Refusal) {
        let symbol = try symbol(named: record.symbol)
        guard let order = host.paper.remove(orderID: record.orderID, symbol: symbol) else {
            throw Refusal(reason: "fill \(record.fillID) is for order \(record.orderID), and no resting paper order has that id")
        }
        guard order.quantity == record.quantity, try Self.side(record.side) == order.side else {
            throw Refusal(reason: "fill \(record.fillID) is \(record.side) \(record.quantity), and its order is \(order.side) \(order.quantity)")
        }
        host.risk.applyFill(strategy: order.strategyID, symbol: order.symbolID, side: order.side, quantity: record.quantity,
                            price: record.price, feeUSD: record.feeUSD, at: record.eventTimeNs)
        host.paper.continueFillIDs(after: record.fillID)
        host.risk.clearStateChanges()
    }
}
