import Risk

extension Engine {
    /// Records and logs the state changes the chain made (latched halts, paused strategies),
    /// cancels the resting risk each one forbids, and clears them.
    func reportStateChanges() {
        for change in risk.stateChanges {
            emit(.latch(LatchFact(change: change, wallTimeNs: wallNs())))
            switch change.kind {
            case .accountHalted:
                if change.reason == .accountDrawdownHalt { unwindDue = true }
                logger.critical("account HALTED (latched until an explicit reset)", metadata: [
                    "reason": "\(change.reason)", "value_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: nil, because: "account halted", code: change.reason)
            case .strategyPaused(let id):
                let latch = switch change.reason {
                case .repeatedExecutions: (by: "the repeated-execution latch", value: "fills", limit: "window_s")
                case .callbackOverrun: (by: "the callback watchdog", value: "overruns", limit: "budget_ms")
                default: (by: "the decay detector", value: "sharpe", limit: "min_sharpe")
                }
                logger.error("strategy PAUSED by \(latch.by) until an operator resumes it", metadata: [
                    "strategy": "\(strategyNames[Int(id) - 1])", "\(latch.value)": "\(change.value)", "\(latch.limit)": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: id, because: "strategy paused", code: change.reason)
            case .accountDailyLossHit:
                logger.error("account daily loss limit hit: no new risk until the next UTC day", metadata: [
                    "loss_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: nil, because: "account daily loss limit", code: change.reason)
            case .strategyDailyLossHit(let id):
                logger.error("strategy daily loss limit hit: no new risk for it until the next UTC day", metadata: [
                    "strategy": "\(strategyNames[Int(id) - 1])", "loss_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: id, because: "strategy daily loss limit", code: change.reason)
            }
        }
        risk.clearStateChanges()
    }

    /// Cancels resting orders that could add risk (of one strategy, or of all when nil): an order
    /// that only shrinks its strategy's filled position stays, so exits still fill. A halted account
    /// or a paused strategy must not keep taking on risk through orders approved before.
    /// `everything`: the kill switch; every resting order is cancelled, exits included. Orders at
    /// a venue outside the host are asked to cancel; each one's answer releases it.
    func cancelRiskIncreasingOrders(of strategy: UInt32?, because reason: String, code: ReasonCode, everything: Bool = false) {
        let book = risk.book
        /// Whether `quantity` left of `order` could add risk: anything but a part that only
        /// shrinks its strategy's filled position.
        func picks(_ order: Order, _ quantity: Double) -> Bool {
            guard strategy == nil || order.strategyID == strategy else { return false }
            if everything { return true }
            let filled = book.position(strategy: order.strategyID, symbol: order.symbolID)
            let reducesOnly = filled != 0 && (filled > 0) != (order.side == .buy) && quantity <= abs(filled)
            return !reducesOnly
        }
        reportCancels(takeCancels(where: picks), because: reason, code: code)
    }

    /// Cancels every open order `picks(order, remaining)` chooses, at both venues: those
    /// cancelled at once are returned with their pending quantity released; a venue outside the
    /// host is asked and reports each later. Nothing is recorded or told yet (`reportCancels`).
    func takeCancels(where picks: (Order, Double) -> Bool) -> [Order] {
        var cancelled: [Order] = []
        paper.cancelAll(where: picks, into: &cancelled)
        if live !== paper { live.cancelAll(where: picks, into: &cancelled) }
        for order in cancelled {
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
        }
        return cancelled
    }

    /// Records, logs and tells (after the callback it may be in) the cancels `takeCancels` made.
    func reportCancels(_ cancelled: [Order], because reason: String, code: ReasonCode) {
        for order in cancelled {
            strategies[Int(order.strategyID) - 1].cancels &+= 1
            emit(.order(OrderFact(order: order, status: .cancelled, eventTimeNs: clockNs, wallTimeNs: wallNs())))
            strategies[Int(order.strategyID) - 1].logger.warning("open order cancelled", metadata: [
                "client_id": "\(order.clientID)", "reason": "\(reason)", "quantity": "\(order.quantity)",
            ])
            queueUpdate(order, status: .cancelled, remaining: order.quantity, reason: code)
        }
    }
}
