import Risk

/// A live order sent to the order gateway (a venue outside the host) and not yet finished (wholly filled, rejected or cancelled).
package struct GatewayOrder: Codable, Equatable, Sendable {
    package var order: Order
    /// `<strategy>-<decision id>`: unique for ever within a journal, never sent twice.
    package var clientOrderID: String
    /// Wall clock when it was sent (or restored), ns: the acknowledgement timeout runs from it.
    /// 0 while the order waits for its journal commit before it leaves (`GatewayAdapter.held`).
    package var sentWallNs: Int64
    package var acked: Bool
    /// No answer within the timeout: new risk on its (strategy, symbol) is refused until one comes.
    package var unknown: Bool
    package var filledQuantity: Double
    /// Wall clock of the last status request for it, ns (0: none).
    package var statusRequestedWallNs: Int64
    /// The gateway's ids of the fills booked for it, so a fill sent twice is booked once (nil in
    /// states journaled before fills were checked: none seen).
    package var fillIDs: [String]?

    package init(order: Order, clientOrderID: String, sentWallNs: Int64, acked: Bool = false, unknown: Bool = false,
                 filledQuantity: Double = 0, statusRequestedWallNs: Int64 = 0) {
        self.order = order
        self.clientOrderID = clientOrderID
        self.sentWallNs = sentWallNs
        self.acked = acked
        self.unknown = unknown
        self.filledQuantity = filledQuantity
        self.statusRequestedWallNs = statusRequestedWallNs
    }

    /// Quantity not filled yet (units, >= 0).
    package var remaining: Double { max(0, order.quantity - filledQuantity) }
}
