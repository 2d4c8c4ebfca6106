import Engine
import Risk
import StrategyABI

extension StrategyHost {
    /// The breach unwind (seed 000), run at the end of the event in which the account drawdown
    /// halt latched: new risk is already refused everywhere (HALTED) and resting risk cancelled;
    /// this flattens live strategies one at a time, worst risk-adjusted exposure first, until the
    /// loss still open fits in the cap (`UnwindPlan`). The flattening orders are reduce-only
    /// market intents the host makes in the strategy's name, through the same chain and adapter,
    /// journaled and published with `origin: risk_unwind`, after the ranking that chose them.
    func runUnwind() {
        unwindDue = false
        // Recovery does not re-apply an unwind: the state after it is journaled with it.
        sink?.requireSnapshot()
        let plan = risk.unwindPlan(strategyNames: strategyNames)
        let unwindID = nextUnwindID
        nextUnwindID += 1
        let book = risk.book
        var orders: [UnwindFact.Order] = []
        var intents: [(strategy: UInt32, symbol: UInt32, side: Side, quantity: Double)] = []
        for entry in plan.entries where entry.action == .flatten {
            let id = entry.candidate.strategyID
            for symbol in book.strategyHeldSymbols[Int(id) - 1] {
                let position = book.position(strategy: id, symbol: symbol)
                guard position != 0 else { continue }
                intents.append((id, symbol, position > 0 ? .sell : .buy, abs(position)))
            }
        }
        // The ranking first (so a reader sees why), then each order as it is decided. The
        // journal keeps facts in push order, so the ranking is recorded before the first order.
        sink?.record(.unwindPlanned(UnwindPlanFact(plan: plan, eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs())))
        for intent in intents {
            let decision = submitRiskIntent(strategy: intent.strategy, symbol: intent.symbol, side: intent.side, quantity: intent.quantity)
            orders.append(UnwindFact.Order(decision: decision, side: intent.side, strategyID: intent.strategy))
        }
        // The stream's `unwind` event names the orders' decisions, so it follows them.
        sink?.record(.unwound(UnwindFact(unwindID: unwindID, plan: plan, drawdownPct: book.drawdownPct,
                                         capPct: risk.limits.drawdownHaltPct, orders: orders,
                                         eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs())))
        logger.critical("breach unwind", metadata: [
            "unwind_id": "\(unwindID)", "open_loss_usd": "\(plan.openLossUSD)", "room_usd": "\(plan.roomUSD)",
            "ranking": "\(plan.entries.map { "\($0.rank):\($0.candidate.name)=\($0.action.rawValue)" }.joined(separator: ","))",
            "orders": "\(orders.count)",
        ])
    }

    /// An intent the host makes in a strategy's name (the breach unwind): a reduce-only market
    /// order, decided by the chain and routed like the strategy's own. Client id 0: it is not
    /// one of the strategy's; the strategy sees its fills through `on_fill`.
    @discardableResult
    func submitRiskIntent(strategy: UInt32, symbol: UInt32, side: Side, quantity: Double) -> Decision {
        let instance = strategies[Int(strategy) - 1]
        let decisionID = nextDecisionID
        nextDecisionID += 1
        let intent = OrderIntent(strategyID: strategy, clientID: 0, symbolID: symbol, side: side, quantity: quantity,
                                 orderType: .market, limitPrice: 0, stopLossPrice: 0, reduceOnly: true)
        var raw = gh_intent()
        raw.abi_version = GH_ABI_VERSION
        raw.struct_size = UInt32(MemoryLayout<gh_intent>.size)
        raw.client_id = 0
        raw.symbol_id = symbol
        raw.side = side.rawValue
        raw.quantity = quantity
        raw.order_type = OrderType.market.rawValue
        raw.reduce_only = 1
        let decision = decide(intent, decisionID: decisionID)
        // Counted and digested like a plugin's: the run summary and the digest cover every decision.
        record(decision, for: instance)
        var order: Order?
        if decision.verdict != .reject {
            let approved = Order(decision: decision, intent: intent, mode: instance.mode == .live ? .live : .shadow)
            route(approved, instance: instance)
            order = approved
        }
        if let sink {
            sink.record(.decision(Self.decisionFact(decision, intent: raw, traced: risk.trace, origin: .riskUnwind,
                                                    mode: instance.mode == .live ? .live : .shadow)))
            if let order { sink.record(.order(OrderFact(order: order, status: .submitted, wallTimeNs: EventSink.wallNs()))) }
        }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        return decision
    }
}
