/// An order the chain approved, as the execution stage receives it.
public struct Order: Sendable, Equatable, Codable {
    /// The decision's id; unique within a run.
    public var orderID: UInt64
    public var strategyID: UInt32
    public var clientID: UInt64
    public var symbolID: UInt32
    public var side: Side
    /// Approved quantity (units, > 0): the decision's final quantity.
    public var quantity: Double
    public var orderType: OrderType
    /// Limit price (limit orders), 0 for market orders.
    public var limitPrice: Double
    /// The intent's stop-loss price (0 if none, for a purely reducing intent).
    public var stopLossPrice: Double
    public var reduceOnly: Bool
    /// Live orders may reach a venue; shadow orders never do.
    public var mode: BookMode
    /// Event time of the decision, ns.
    public var timestampNs: Int64

    public init(decision: Decision, intent: OrderIntent, mode: BookMode) {
        orderID = decision.decisionID
        strategyID = intent.strategyID
        clientID = intent.clientID
        symbolID = intent.symbolID
        side = intent.side
        quantity = decision.finalQuantity
        orderType = intent.orderType
        limitPrice = intent.limitPrice
        stopLossPrice = intent.stopLossPrice
        reduceOnly = intent.reduceOnly
        self.mode = mode
        timestampNs = decision.timestampNs
    }
}
