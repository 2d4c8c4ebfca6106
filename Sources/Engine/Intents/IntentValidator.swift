import Risk

/// The outcome of validating an intent.
package enum IntentValidation {
    case valid(OrderIntent)
    case refused(ReasonCode)
}

/// Checks an intent's fields against the contract before it reaches the risk chain. A failed
/// check is a REJECT with a reason; it never reaches the stages.
package enum IntentValidator {
    /// The validated intent of `strategy`, or the reason it is refused. `hasMark`: the symbol
    /// has a reference price (without one nothing can be valued).
    package static func validate(_ raw: IntentRequest, strategy: EngineStrategy, hasMark: Bool) -> IntentValidation {
        if raw.clientID == 0 { return .refused(.invalidIntent) }
        if raw.clientID <= strategy.lastClientID { return .refused(.duplicateClientID) }
        guard strategy.isSubscribed(raw.symbolID) else { return .refused(.symbolNotSubscribed) }
        guard let side = Side(rawValue: raw.side), let type = OrderType(rawValue: raw.orderType) else {
            return .refused(.invalidIntent)
        }
        guard raw.quantity.isFinite, raw.quantity > 0 else { return .refused(.invalidIntent) }
        switch type {
        case .limit: guard raw.limitPrice.isFinite, raw.limitPrice > 0 else { return .refused(.invalidIntent) }
        case .market: guard raw.limitPrice == 0 else { return .refused(.invalidIntent) }
        }
        guard raw.stopLossPrice.isFinite, raw.stopLossPrice >= 0 else { return .refused(.invalidIntent) }
        guard raw.reduceOnly <= 1 else { return .refused(.invalidIntent) }
        guard hasMark else { return .refused(.noMarketData) }
        return .valid(OrderIntent(
            strategyID: strategy.id, clientID: raw.clientID, symbolID: raw.symbolID, side: side,
            quantity: raw.quantity, orderType: type, limitPrice: raw.limitPrice,
            stopLossPrice: raw.stopLossPrice, reduceOnly: raw.reduceOnly == 1))
    }
}
