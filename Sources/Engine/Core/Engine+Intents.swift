import Risk

extension Engine {
    /// A strategy's intent: validated, decided by the chain, routed to its venue when approved,
    /// recorded with its stage trace, and queued for the strategy's `on_decision`. Returns the
    /// decision (the plugin host hands it back to the caller at once).
    ///
    /// `loopShare`: the strategy is past its fair share of the loop's wall time (the plugin host
    /// measures its callbacks; nil: within it). The audit queue's share is the output's to tell.
    package func submit(_ request: IntentRequest, from strategy: EngineStrategy, loopShare: IsolationBlock? = nil) -> Decision {
        let decisionID = nextDecisionID
        nextDecisionID += 1
        strategy.intents &+= 1
        let hasMark = strategy.isSubscribed(request.symbolID) && risk.book.mark(request.symbolID) > 0
        if let output, output.updateAvailability() { risk.setJournalUnavailable(output.refusesNewRisk) }
        var order: Order?
        var traced = false
        var selfTradeCancels: [Order] = []
        // One wall-clock reading for the order-rate buckets (a live host), the decision and its order.
        let wall = orderRateClock == .wall || output != nil ? wallNs() : 0
        let decision: Decision
        switch IntentValidator.validate(request, strategy: strategy, hasMark: hasMark) {
        case .valid(let valid):
            lastSubmitReachedChain = true
            strategy.lastClientID = valid.clientID
            let isolation = risk.limits.fairShare ? output?.auditShareExceeded(strategy: strategy.id) ?? loopShare : nil
            decision = decide(valid, decisionID: decisionID, isolation: isolation, orderRateAt: orderRateClock == .wall ? wall : nil)
            traced = true
            if risk.selfTradeCancelDue { selfTradeCancels = takeSelfTradeCancels(valid) }
            if decision.verdict != .reject {
                let approved = Order(decision: decision, intent: valid, mode: strategy.mode)
                route(approved)
                order = approved
            }
            if !risk.stateChanges.isEmpty { reportStateChanges() }
        case .refused(let reason):
            lastSubmitReachedChain = false
            // A refused intent uses up its id, but for a duplicate (it has been used) and an id
            // out of range (using it would leave the strategy no next one).
            if reason != .duplicateClientID && reason != .clientIDOutOfRange && request.clientID > strategy.lastClientID {
                strategy.lastClientID = request.clientID
            }
            decision = Decision(
                decisionID: decisionID, strategyID: strategy.id, clientID: request.clientID, symbolID: request.symbolID,
                verdict: .reject, reason: reason, requestedQuantity: request.quantity, finalQuantity: 0, timestampNs: clockNs)
        }
        count(decision, for: strategy)
        if decision.verdict == .reject {
            strategy.logger.debug("intent rejected", metadata: ["client_id": "\(decision.clientID)", "reason": "\(decision.reason)"])
        }
        if output != nil {
            emit(.decision(DecisionFact(decision, intent: request, traced: traced ? risk.trace : nil, origin: .strategy,
                                        mode: strategy.mode, wallTimeNs: wall)))
            if let order { emit(.order(OrderFact(order: order, status: .submitted, wallTimeNs: wall))) }
        }
        // Recorded after the decision that made them, so recovery re-decides it with the
        // resting orders still there and then re-applies their cancels.
        if !selfTradeCancels.isEmpty { reportCancels(selfTradeCancels, because: "self-trade prevention", code: .selfTradePrevented) }
        queue(decision, for: strategy)
        return decision
    }

    /// An intent the engine makes in a strategy's name (the breach unwind): a reduce-only market
    /// order, decided by the chain and routed like the strategy's own. Client id 0: it is not
    /// one of the strategy's; the strategy sees its fills, not its decision.
    @discardableResult
    func submitRiskIntent(strategy id: UInt32, symbol: UInt32, side: Side, quantity: Double) -> Decision {
        let strategy = strategies[Int(id) - 1]
        let decisionID = nextDecisionID
        nextDecisionID += 1
        let intent = OrderIntent(strategyID: id, clientID: 0, symbolID: symbol, side: side, quantity: quantity,
                                 orderType: .market, limitPrice: 0, stopLossPrice: 0, reduceOnly: true)
        let request = IntentRequest(clientID: 0, symbolID: symbol, side: side.rawValue, quantity: quantity,
                                    orderType: OrderType.market.rawValue, limitPrice: 0, stopLossPrice: 0, reduceOnly: 1)
        let decision = decide(intent, decisionID: decisionID)
        let selfTradeCancels = risk.selfTradeCancelDue ? takeSelfTradeCancels(intent) : []
        // Counted and digested like a plugin's: the run summary and the digest cover every decision.
        count(decision, for: strategy)
        var order: Order?
        if decision.verdict != .reject {
            let approved = Order(decision: decision, intent: intent, mode: strategy.mode)
            route(approved)
            order = approved
        }
        if output != nil {
            let wall = wallNs()
            emit(.decision(DecisionFact(decision, intent: request, traced: risk.trace, origin: .riskUnwind, mode: strategy.mode,
                                        wallTimeNs: wall)))
            if let order { emit(.order(OrderFact(order: order, status: .submitted, wallTimeNs: wall))) }
        }
        if !selfTradeCancels.isEmpty { reportCancels(selfTradeCancels, because: "self-trade prevention", code: .selfTradePrevented) }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        return decision
    }

    /// The chain's decision on a valid intent at the current event time, timed when a stopwatch
    /// is attached.
    func decide(_ intent: OrderIntent, decisionID: UInt64, isolation: IsolationBlock? = nil, orderRateAt: Int64? = nil) -> Decision {
        guard let stopwatch else {
            return risk.decide(intent, decisionID: decisionID, at: clockNs, resting: selfTradeCross(intent), isolation: isolation,
                               orderRateAt: orderRateAt)
        }
        let start = stopwatch.start()
        let decision = risk.decide(intent, decisionID: decisionID, at: clockNs, resting: selfTradeCross(intent), isolation: isolation,
                                   orderRateAt: orderRateAt)
        stopwatch.stop(startedAt: start)
        return decision
    }

    /// The live order resting at the live venue that a live `intent` would trade against, when
    /// self-trade prevention is on (`risk.firewall.self_trade`; docs/risk-chain.md).
    /// `policy`: the self-trade policy to look for one under (nil: the one in force).
    func selfTradeCross(_ intent: OrderIntent, policy: RiskLimits.SelfTradePolicy? = nil) -> RestingOrder? {
        guard (policy ?? risk.limits.selfTradePolicy) != .off, risk.book.strategy(intent.strategyID).mode == .live,
              risk.book.mark(intent.symbolID) > 0 else { return nil }
        let price = risk.entryPrice(of: intent)
        guard let order = live.crossingOrder(symbol: intent.symbolID, side: intent.side, price: price) else { return nil }
        return RestingOrder(orderID: order.orderID, strategyID: order.strategyID, limitPrice: order.limitPrice)
    }

    /// Cancels every resting live order `intent` would trade against, before it is sent (at a
    /// venue outside the host the cancel is asked for first, so it goes out ahead of the new
    /// order). Returns those cancelled at once, to be recorded after the decision.
    func takeSelfTradeCancels(_ intent: OrderIntent) -> [Order] {
        let price = risk.entryPrice(of: intent)
        return takeCancels { order, remaining in
            remaining > 0 && order.symbolID == intent.symbolID && order.isCrossed(bySide: intent.side, price: price)
        }
    }

    /// Sends an approved order to its venue: shadow orders to the paper venue, live ones to the
    /// live venue.
    func route(_ approved: Order) {
        if approved.mode == .shadow {
            paper.submit(approved)
            return
        }
        // An order outside the host is part of the state recovery cannot re-derive: keep it at once.
        if !live.isReplayable { output?.requireSnapshot() }
        live.submit(approved, eventTimeNs: clockNs)
    }

    /// A strategy's cancel of its own open order: done at once on a simulated venue (pending
    /// exposure released, recorded), asked for at a venue outside the host (its answer finishes
    /// it). False if nothing of the strategy's in this run is open under that client id (already
    /// filled, never approved, or recorded by the recording venue, which keeps no open orders).
    package func cancel(clientID: UInt64, from strategy: EngineStrategy) -> Bool {
        // A live order may rest at the live venue; a shadow one at the paper venue.
        var outcome = live.cancel(strategy: strategy.id, clientID: clientID, fromOrderID: firstOrderIDOfRun)
        if outcome == .notFound && live !== paper {
            outcome = paper.cancel(strategy: strategy.id, clientID: clientID, fromOrderID: firstOrderIDOfRun)
        }
        switch outcome {
        case .notFound:
            return false
        case .requested:
            return true
        case .cancelled(let order):
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
            strategy.cancels &+= 1
            emit(.order(OrderFact(order: order, status: .cancelled, eventTimeNs: clockNs, wallTimeNs: wallNs())))
            // Told like a gateway's confirmed cancel, so a strategy handles one callback for
            // every venue: after the calling callback returns, with no reason (it asked).
            queueUpdate(order, status: .cancelled, remaining: order.quantity, reason: nil)
            return true
        }
    }

    /// Calls `body` with each of `strategy`'s open orders of this run (its client ids): the
    /// live venue's, then the paper venue's when that is another (shadow orders, or live ones on
    /// paper), with the unfilled quantity and where it stands.
    package func forEachOpenOrder(of strategy: EngineStrategy, _ body: (Order, Double, OpenOrderState) -> Void) {
        live.forEachOpenOrder(strategy: strategy.id, fromOrderID: firstOrderIDOfRun, body)
        if live !== paper { paper.forEachOpenOrder(strategy: strategy.id, fromOrderID: firstOrderIDOfRun, body) }
    }

    /// A strategy's filled position in one of its symbols (nil: not one of its symbols).
    /// Approved orders that have not filled are not in it; the mark is the last reference price.
    package func position(of strategy: EngineStrategy, symbol: UInt32) -> PositionView? {
        guard strategy.isSubscribed(symbol) else { return nil }
        let book = risk.book
        let quantity = book.position(strategy: strategy.id, symbol: symbol)
        let average = book.averagePrice(strategy: strategy.id, symbol: symbol)
        let mark = book.mark(symbol)
        return PositionView(quantity: quantity, averagePrice: average,
                            realizedUSD: book.realizedUSD(strategy: strategy.id, symbol: symbol),
                            unrealizedUSD: quantity == 0 ? 0 : quantity * (mark - average), markPrice: mark)
    }
}

/// A strategy's position in one symbol, as `get_position` reports it.
package struct PositionView: Sendable, Equatable {
    /// Signed units (> 0 long).
    package var quantity: Double
    /// Average entry price, quote currency per unit (0 when flat).
    package var averagePrice: Double
    package var realizedUSD: Double
    package var unrealizedUSD: Double
    /// The last reference price seen.
    package var markPrice: Double
}
