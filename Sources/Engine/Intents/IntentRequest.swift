import Risk

/// An intent as a strategy submitted it, field by field and not yet validated (the plugin host
/// copies it out of the C `gh_intent`; the breach unwind makes one in a strategy's name). Raw
/// codes are kept as given so a bad one can be refused, and journaled, as it came.
package struct IntentRequest: Sendable, Equatable {
    /// The strategy's own id for the intent (> 0, increasing within a run).
    package var clientID: UInt64
    package var symbolID: UInt32
    /// `Side` raw value (1 buy, 2 sell); anything else is refused.
    package var side: UInt32
    /// Units, finite and > 0.
    package var quantity: Double
    /// `OrderType` raw value (1 market, 2 limit).
    package var orderType: UInt32
    /// Limit orders: finite and > 0; market orders: 0. Quote currency per unit.
    package var limitPrice: Double
    /// 0 for none; else finite and > 0.
    package var stopLossPrice: Double
    /// 0 or 1.
    package var reduceOnly: UInt32

    package init(clientID: UInt64, symbolID: UInt32, side: UInt32, quantity: Double, orderType: UInt32, limitPrice: Double,
                 stopLossPrice: Double, reduceOnly: UInt32) {
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
