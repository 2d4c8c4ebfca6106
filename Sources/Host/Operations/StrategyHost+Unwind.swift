import Journal
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
        audit?.requireSnapshot()
        let plan = risk.unwindPlan(strategyNames: strategyNames)
        let unwindID = nextUnwindID
        nextUnwindID += 1
        let book = risk.book
        var orders: [(decision: Decision, side: Side, strategy: UInt32)] = []
        var intents: [(strategy: UInt32, symbol: UInt32, side: Side, quantity: Double)] = []
        for entry in plan.entries where entry.action == .flatten {
            let id = entry.candidate.strategyID
            for symbol in book.strategyHeldSymbols[Int(id) - 1] {
                let position = book.position(strategy: id, symbol: symbol)
                guard position != 0 else { continue }
                intents.append((id, symbol, position > 0 ? .sell : .buy, abs(position)))
            }
        }
        // The ranking first (so a reader sees why), then each order as it is decided.
        let wall = AuditSink.wallNs()
        var rankRecords: [JournalRecord] = []
        for entry in plan.entries {
            let c = entry.candidate
            rankRecords.append(.stateChange(StateChangeRecord(
                eventTimeNs: clockNs, wallTimeNs: wall, kind: "unwind", subject: c.name, fromState: "rank \(entry.rank)",
                toState: entry.action.rawValue.uppercased(), reason: ReasonCode.accountDrawdownHalt.description,
                value: c.score, limitValue: nil)))
        }
        // Recorded before the first order is decided: the journal keeps records in push order.
        audit?.record(.init(records: rankRecords, events: []), at: clockNs)
        for intent in intents {
            let decision = submitRiskIntent(strategy: intent.strategy, symbol: intent.symbol, side: intent.side, quantity: intent.quantity)
            orders.append((decision, intent.side, intent.strategy))
        }
        var data = EventJSON()
        data.add("unwind_id", unwindID)
        data.add("rule", ReasonCode.accountDrawdownHalt.description)
        data.add("drawdown_pct", book.drawdownPct)
        data.add("cap_pct", risk.limits.drawdownHaltPct)
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
        data.add("orders", array: orders) { row, order in
            row.add("decision_id", order.decision.decisionID)
            row.add("strategy", strategyNames[Int(order.strategy) - 1])
            row.add("symbol", symbols.allNames[Int(order.decision.symbolID) - 1])
            row.add("side", order.side == .buy ? "buy" : "sell")
            row.add("quantity", order.decision.requestedQuantity)
            row.add("verdict", order.decision.verdict.description)
        }
        // The stream's `unwind` event names the orders' decisions, so it follows them.
        audit?.record(.init(records: [], events: [RiskEvent(kind: "unwind", eventTimeNs: clockNs, data: data.closed)]), at: clockNs)
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
        if let audit {
            var event = Self.auditEvent(decision: decision, intent: raw, traced: risk.trace)
            event.origin = 1
            event.shadow = instance.mode == .shadow
            audit.record(event)
            if let order {
                var row = Self.auditEvent(order: order, kind: .order)
                row.origin = 1
                audit.record(row)
            }
        }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        return decision
    }
}
