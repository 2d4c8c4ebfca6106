import Risk

extension Engine {
    /// Applies what a venue outside the host reported (answers and timeouts, in order): fills to
    /// the book and the strategy, rejects and cancels released and told as order updates,
    /// overdue orders blocking new risk on their (strategy, symbol). Closes the event; recovery
    /// does not re-apply venue answers, so the state after them is journaled with them.
    package func apply(_ reports: [VenueReport]) {
        guard !reports.isEmpty else { return }
        output?.requireSnapshot()
        for report in reports { apply(report) }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        flushNotices()
        endEvent()
    }

    private func apply(_ report: VenueReport) {
        func orderFact(_ order: Order, _ status: OrderFact.Status, quantity: Double? = nil) {
            emit(.order(OrderFact(order: order, status: status, quantity: quantity, eventTimeNs: clockNs, wallTimeNs: wallNs())))
        }
        switch report {
        case .acknowledged(let order):
            orderFact(order, .acknowledged)
        case .filled(let order, let quantity, let price, let fee, _):
            book(FillFact(order: order, fillID: paper.takeFillID(), quantity: quantity, price: price, feeUSD: fee,
                          eventTimeNs: clockNs, wallTimeNs: wallNs()))
        case .rejected(let order, let reason, let remaining):
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * remaining)
            orderFact(order, .rejected)
            strategies[Int(order.strategyID) - 1].logger.warning("venue rejected an order", metadata: [
                "client_id": "\(order.clientID)", "order_id": "\(order.orderID)", "reason": "\(reason)",
            ])
            queueUpdate(order, status: .rejected, remaining: remaining, reason: nil)
        case .cancelled(let order, let remaining):
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * remaining)
            strategies[Int(order.strategyID) - 1].cancels &+= 1
            orderFact(order, .cancelled, quantity: remaining)
            queueUpdate(order, status: .cancelled, remaining: remaining, reason: nil)
        case .becameUnknown(let order):
            risk.adjustUnknownOrders(strategy: order.strategyID, symbol: order.symbolID, by: 1)
            orderFact(order, .unknown)
            strategies[Int(order.strategyID) - 1].logger.error("venue did not acknowledge an order in time: its state is unknown, new risk in its symbol is refused until the venue answers", metadata: [
                "client_id": "\(order.clientID)", "order_id": "\(order.orderID)",
            ])
        case .reconciled(let order):
            risk.adjustUnknownOrders(strategy: order.strategyID, symbol: order.symbolID, by: -1)
            orderFact(order, .reconciled)
        case .fillRefused(let order, let price, let mark, let bandPct):
            // Not a watched limit with a level to keep: each refused fill is a red alert of its
            // own, on the symbol, so the stream tells an operator to reconcile the order.
            let distancePct = abs(price / mark - 1) * 100
            emit(.alert(AlertFact(rule: .gatewayFillBand, subject: .symbol(order.symbolID), from: .green, to: .red,
                                  usagePct: distancePct / bandPct * 100, value: distancePct, limit: bandPct, crossedPct: 100,
                                  eventTimeNs: clockNs, wallTimeNs: wallNs())))
        }
    }
}
