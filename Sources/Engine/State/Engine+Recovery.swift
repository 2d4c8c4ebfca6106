import Risk

extension Engine {
    /// The recoverable state now (copies share their arrays until either side changes them).
    package func captureState() -> EngineState {
        EngineState(strategies: strategyNames, symbols: symbols.allNames, nextDecisionID: nextDecisionID,
                    risk: risk.state, paper: paper.state, gateway: live.inFlight, deadman: deadman, annex: stateAnnex)
    }

    /// Rebuilds the engine from a journaled state, before any event. The state must have been
    /// made for the same symbols (in order), and the same correlation grid and decay window.
    /// Strategies are matched by name: one the configuration adds starts flat; one it leaves out
    /// must be flat, with no resting order and nothing in flight at a venue (else refused, naming
    /// it); one whose allocation changed takes the new allocation, its drawdown and daily loss
    /// kept. A strategy may not change mode across a restart (promotion is an operator action).
    /// Returns what changed, for the journal.
    @discardableResult
    package func restore(_ journaled: EngineState) throws(RecoveryError) -> [TransitionFact] {
        guard journaled.symbols == symbols.allNames else {
            throw RecoveryError(description: "the journal's state is for symbols \(journaled.symbols) and the configuration has \(symbols.allNames): symbols cannot change across a restart on the same journal (stop cleanly, then start the new book on a new journal)")
        }
        var saved = journaled
        var changes: [TransitionFact] = []
        func change(_ kind: TransitionFact.Kind, _ subject: String, _ from: String, _ to: String, value: Double? = nil) {
            changes.append(TransitionFact(kind: kind, subject: subject, from: from, to: to, reason: "CONFIG_CHANGE",
                                          value: value, eventTimeNs: saved.risk.book.clockNs, wallTimeNs: wallNs()))
        }
        // Strategies the configuration leaves out must hold nothing.
        for (index, name) in saved.strategies.enumerated() where !strategyNames.contains(name) {
            let id = UInt32(index + 1)
            let open = saved.risk.book.strategies[index].openPositions
            let resting = saved.paper.openOrders.reduce(0) { $0 + $1.filter { $0.strategyID == id }.count }
            let inFlight = saved.gateway?.filter { $0.order.strategyID == id }.count ?? 0
            guard open == 0 && resting == 0 && inFlight == 0 else {
                throw RecoveryError(description: "strategy '\(name)' is in the journal's state and not in the configuration, and it still holds a position or an order in \(open) symbol\(open == 1 ? "" : "s") (\(resting) resting paper order\(resting == 1 ? "" : "s"), \(inFlight) at the order gateway): keep it in the config until it is flat (pause it and let its exits fill, or flatten it), then remove it")
            }
            change(.strategy, name, "CONFIGURED", "REMOVED")
        }
        let sources = strategyNames.map { saved.strategies.firstIndex(of: $0) }
        for (index, name) in strategyNames.enumerated() {
            let allocated = risk.book.strategies[index].allocatedCapitalUSD
            guard let source = sources[index] else {
                change(.strategy, name, "ABSENT", "ADDED", value: allocated)
                continue
            }
            let savedLive = saved.risk.book.strategies[source].mode == .live, configuredLive = strategies[index].mode == .live
            if savedLive && !configuredLive {
                throw RecoveryError(description: "strategy '\(name)' is live in the journal's state (it was promoted while the host ran) and shadow in the configuration: set `mode: live` for \(name) (strategies[\(index)]) in the config, then start again")
            }
            if !savedLive && configuredLive {
                throw RecoveryError(description: "strategy '\(name)' is shadow in the journal's state and live in the configuration: a shadow strategy goes live only through `gatehouse ctl promote \(name)` on the running host, which checks that it is flat and that its shadow record passes; set `mode: shadow` for \(name) (strategies[\(index)]) back")
            }
            let was = saved.risk.book.strategies[source].allocatedCapitalUSD
            if was != allocated { change(.allocation, name, Self.usd(was), Self.usd(allocated), value: allocated) }
        }
        if !changes.isEmpty || sources != saved.strategies.indices.map(Optional.some) {
            // Carry every strategy over to its place in this configuration (ids follow the config).
            var newID = Array(repeating: UInt32(0), count: saved.strategies.count)
            for (index, source) in sources.enumerated() { if let source { newID[source] = UInt32(index + 1) } }
            saved.risk = risk.reshaping(saved.risk, from: sources)
            saved.paper.openOrders = saved.paper.openOrders.map { orders in
                orders.map { var order = $0; order.strategyID = newID[Int(order.strategyID) - 1]; return order }
            }
            saved.gateway = saved.gateway?.map { var entry = $0; entry.order.strategyID = newID[Int(entry.order.strategyID) - 1]; return entry }
            saved.strategies = strategyNames
            for record in changes {
                logger.notice("strategy set changed since the journal's state", metadata: [
                    "kind": "\(record.kind.rawValue)", "strategy": "\(record.subject)", "from": "\(record.from)", "to": "\(record.to)",
                ])
            }
        }
        do throws(RiskStateMismatch) {
            try risk.restore(saved.risk)
        } catch {
            throw RecoveryError(description: error.description)
        }
        nextDecisionID = max(nextDecisionID, saved.nextDecisionID)
        firstOrderIDOfRun = nextDecisionID
        if let saved = saved.deadman, deadman != nil { deadman!.adopt(saved) }
        guard paper.restore(saved.paper) else {
            throw RecoveryError(description: "the journal's paper orders are for another number of symbols")
        }
        if let inFlight = saved.gateway, !inFlight.isEmpty {
            // Their fate is unknown until the venue answers the status requests it sends now.
            guard live.restore(inFlight: inFlight, nowWallNs: wallNs()) else {
                throw RecoveryError(description: "the journal's state has \(inFlight.count) orders in flight at an order gateway and the configuration has none (execution.live_adapter: gateway)")
            }
            for entry in inFlight where !entry.unknown {
                risk.adjustUnknownOrders(strategy: entry.order.strategyID, symbol: entry.order.symbolID, by: 1)
            }
        }
        return changes
    }

    /// A USD amount as a state change names it (`20000`, `12500.5`).
    static func usd(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    // MARK: Re-applying a journal's tail

    /// Why a journaled fact cannot be re-applied to the restored state.
    package struct ReapplyRefusal: Error {
        package let reason: String

        package init(reason: String) { self.reason = reason }
    }

    /// Re-applies one journaled tick (symbol id of this run) through the same code a live tick
    /// runs: the mark, and the latches it sets on its own (their facts are in the tail too).
    package func reapplyTick(symbol: UInt32, price: Double, at eventTimeNs: Int64) {
        risk.updateMark(symbol: symbol, price: price, at: eventTimeNs)
        if !risk.stateChanges.isEmpty { risk.clearStateChanges() }
    }

    /// Decides a journaled intent again (with the journal's availability and the strategy's
    /// fair-share block as they were then: wall-time conditions the journal's trace keeps) and
    /// books what the live engine booked: the order at its simulated venue. Returns the decision
    /// made, for the caller to compare with the journaled one.
    ///
    /// `orderRateAt`: the wall time journaled with the decision when the run that made it
    /// counted its order-rate buckets in wall time (nil: event time).
    package func redecide(_ intent: OrderIntent, decisionID: UInt64, at eventTimeNs: Int64, journalWasUnavailable: Bool,
                          isolation: IsolationBlock? = nil, orderRateAt: Int64? = nil) throws(ReapplyRefusal) -> Decision {
        nextDecisionID = max(nextDecisionID, decisionID + 1)
        risk.setJournalUnavailable(journalWasUnavailable)
        // The resting orders it crossed are still there: their cancels are the journal's next rows.
        let decision = risk.decide(intent, decisionID: decisionID, at: eventTimeNs, resting: selfTradeCross(intent), isolation: isolation,
                                   orderRateAt: orderRateAt)
        if decision.verdict != .reject {
            let approved = Order(decision: decision, intent: intent, mode: strategies[Int(intent.strategyID) - 1].mode)
            if approved.mode == .live && !live.isReplayable {
                throw ReapplyRefusal(reason: "decision \(decisionID) sent an order to \(live.title), which a snapshot always follows")
            }
            route(approved)
        }
        risk.clearStateChanges()
        return decision
    }

    /// Moves the decision numbering past a journaled decision that never reached the chain.
    package func skipDecisionID(_ decisionID: UInt64) {
        nextDecisionID = max(nextDecisionID, decisionID + 1)
    }

    /// Re-applies a journaled cancel of a resting paper order: its pending quantity is released.
    package func reapplyCancel(orderID: UInt64, symbol: UInt32) throws(ReapplyRefusal) {
        guard let order = paper.remove(orderID: orderID, symbol: symbol) else {
            throw ReapplyRefusal(reason: "order \(orderID) is cancelled, and no resting paper order has that id")
        }
        risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
    }

    /// Re-applies a journaled paper fill: the order leaves the venue and the fill is booked.
    package func reapplyFill(orderID: UInt64, symbol: UInt32, side: Side, quantity: Double, price: Double, feeUSD: Double,
                             fillID: UInt64, at eventTimeNs: Int64) throws(ReapplyRefusal) {
        guard let order = paper.remove(orderID: orderID, symbol: symbol) else {
            throw ReapplyRefusal(reason: "fill \(fillID) is for order \(orderID), and no resting paper order has that id")
        }
        guard order.quantity == quantity, side == order.side else {
            throw ReapplyRefusal(reason: "fill \(fillID) is \(side) \(quantity), and its order is \(order.side) \(order.quantity)")
        }
        risk.applyFill(strategy: order.strategyID, symbol: order.symbolID, side: order.side, quantity: quantity,
                       price: price, feeUSD: feeUSD, at: eventTimeNs)
        paper.continueFillIDs(after: fillID)
        risk.clearStateChanges()
    }

    /// Ends a tail's re-application: the restarted host's own journal is open, so nothing is
    /// refused for the old one's sake, and the latches the tail set were recorded already.
    /// `tailClock`: the clock the tail's run counted its order-rate buckets in; buckets counted in
    /// the other clock than this run's (a replay's journal run live, or the reverse) start full.
    package func finishReapplying(tailClock: OrderRateClock) {
        risk.setJournalUnavailable(false)
        risk.clearStateChanges()
        if tailClock != orderRateClock { risk.refillOrderRateBuckets() }
    }
}
