import Risk

/// The outcome of validating an intent.
package enum IntentValidation {
    case valid(OrderIntent)
    case refused(ReasonCode)
}

/// Checks an intent's fields against the contract before it reaches the risk chain. A failed
/// check is a REJECT with a reason; it never reaches the stages.
package enum IntentValidator {
    /// The largest client id accepted (`GH_CLIENT_ID_MAX`): 2^63 − 1, so every id is a positive
    /// signed 64-bit integer in the journal. Ids are strictly increasing, so an id at the very
    /// top of `UInt64` would, once used, leave the strategy no next one: above this, an intent is
    /// refused and its id is not used up.
    package static let maxClientID = UInt64(Int64.max)

    /// The validated intent of `strategy`, or the reason it is refused. `hasMark`: the symbol
    /// has a reference price (without one nothing can be valued).
    package static func validate(_ raw: IntentRequest, strategy: EngineStrategy, hasMark: Bool) -> IntentValidation {
        if raw.clientID == 0 { return .refused(.invalidIntent) }
        if raw.clientID > maxClientID { return .refused(.clientIDOutOfRange) }
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
