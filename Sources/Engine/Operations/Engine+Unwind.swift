import Risk

extension Engine {
    /// The breach unwind (seed 000), run at the end of the event in which the account drawdown
    /// halt latched: new risk is already refused everywhere (HALTED) and resting risk cancelled;
    /// this flattens live strategies one at a time, worst risk-adjusted exposure first, until the
    /// loss still open fits in the cap (`UnwindPlan`). The flattening orders are reduce-only
    /// market intents the host makes in the strategy's name, through the same chain and adapter,
    /// recorded with `origin: risk_unwind`, after the ranking that chose them.
    func runUnwind() {
        unwindDue = false
        // Recovery does not re-apply an unwind: the state after it is journaled with it.
        output?.requireSnapshot()
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
                // In orders the venue takes: at most the symbol's `max_quantity` each.
                let side: Side = position > 0 ? .sell : .buy
                let maximum = risk.maxOrderQuantity(symbol: symbol)
                var left = abs(position)
                while left > maximum {
                    intents.append((id, symbol, side, maximum))
                    left -= maximum
                }
                intents.append((id, symbol, side, left))
            }
        }
        // The ranking first (so a reader sees why), then each order as it is decided. The
        // journal keeps facts in push order, so the ranking is recorded before the first order.
        emit(.unwindPlanned(UnwindPlanFact(plan: plan, eventTimeNs: clockNs, wallTimeNs: wallNs())))
        for intent in intents {
            let decision = submitRiskIntent(strategy: intent.strategy, symbol: intent.symbol, side: intent.side, quantity: intent.quantity)
            orders.append(UnwindFact.Order(decision: decision, side: intent.side, strategyID: intent.strategy))
        }
        // The stream's `unwind` event names the orders' decisions, so it follows them.
        emit(.unwound(UnwindFact(unwindID: unwindID, plan: plan, drawdownPct: book.drawdownPct,
                                         capPct: risk.limits.drawdownHaltPct, orders: orders,
                                         eventTimeNs: clockNs, wallTimeNs: wallNs())))
        logger.critical("breach unwind", metadata: [
            "unwind_id": "\(unwindID)", "open_loss_usd": "\(plan.openLossUSD)", "room_usd": "\(plan.roomUSD)",
            "ranking": "\(plan.entries.map { "\($0.rank):\($0.candidate.name)=\($0.action.rawValue)" }.joined(separator: ","))",
            "orders": "\(orders.count)",
        ])
    }
}
