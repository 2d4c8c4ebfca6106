/// Buy or sell. Raw values are `GH_SIDE_*`.
public enum Side: UInt32, Sendable, Codable {
    case buy = 1
    case sell = 2

    /// +1 for a buy, -1 for a sell: the sign of the position change.
    public var sign: Double { self == .buy ? 1 : -1 }
}

/// Market or limit. Raw values are `GH_ORDER_*`.
public enum OrderType: UInt32, Sendable, Codable {
    case market = 1
    case limit = 2
}

/// An order intent from a strategy, validated and with names already interned to ids.
/// A plain value; building and copying it allocates nothing.
public struct OrderIntent: Equatable, Sendable {
    /// Host-interned id of the submitting strategy (>= 1).
    public var strategyID: UInt32
    /// Strategy-chosen id, strictly increasing per strategy.
    public var clientID: UInt64
    /// Host-interned symbol id (>= 1).
    public var symbolID: UInt32
    /// Direction.
    public var side: Side
    /// Units of the instrument, finite and > 0.
    public var quantity: Double
    /// Market or limit.
    public var orderType: OrderType
    /// Limit price (> 0) for a limit order, 0 for a market order.
    public var limitPrice: Double
    /// Protective stop price, 0 when none was given.
    public var stopLossPrice: Double
    /// The intent may only shrink the position.
    public var reduceOnly: Bool

    /// Creates an intent; callers validate the fields first (see the host's intent validation).
    public init(
        strategyID: UInt32, clientID: UInt64, symbolID: UInt32, side: Side, quantity: Double,
        orderType: OrderType, limitPrice: Double, stopLossPrice: Double, reduceOnly: Bool
    ) {
        self.strategyID = strategyID
        self.clientID = clientID
        self.symbolID = symbolID
        self.side = side
        self.quantity = quantity
        self.orderType = orderType
        self.limitPrice = limitPrice
        self.stopLossPrice = stopLossPrice
        self.reduceOnly = reduceOnly
    }
}
