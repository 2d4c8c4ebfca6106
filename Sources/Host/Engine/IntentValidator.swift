import Risk
import StrategyABI

/// The outcome of validating an intent.
enum IntentValidation {
    case valid(OrderIntent)
    case refused(ReasonCode)
}

/// Checks an intent's fields against the contract before it reaches the risk chain. A failed
/// check is a REJECT with a reason; it never reaches the stages.
enum IntentValidator {
    /// The validated intent, or the reason it is refused.
    static func validate(_ raw: gh_intent, strategy: StrategyInstance, hasMark: Bool) -> IntentValidation {
        if raw.client_id == 0 { return .refused(.invalidIntent) }
        if raw.client_id <= strategy.lastClientID { return .refused(.duplicateClientID) }
        guard strategy.isSubscribed(raw.symbol_id) else { return .refused(.symbolNotSubscribed) }
        guard let side = Side(rawValue: raw.side), let type = OrderType(rawValue: raw.order_type) else {
            return .refused(.invalidIntent)
        }
        guard raw.quantity.isFinite, raw.quantity > 0 else { return .refused(.invalidIntent) }
        switch type {
        case .limit: guard raw.limit_price.isFinite, raw.limit_price > 0 else { return .refused(.invalidIntent) }
        case .market: guard raw.limit_price == 0 else { return .refused(.invalidIntent) }
        }
        guard raw.stop_loss_price.isFinite, raw.stop_loss_price >= 0 else { return .refused(.invalidIntent) }
        guard raw.reduce_only <= 1 else { return .refused(.invalidIntent) }
        guard hasMark else { return .refused(.noMarketData) }
        return .valid(OrderIntent(
            strategyID: strategy.id, clientID: raw.client_id, symbolID: raw.symbol_id, side: side,
            quantity: raw.quantity, orderType: type, limitPrice: raw.limit_price,
            stopLossPrice: raw.stop_loss_price, reduceOnly: raw.reduce_only == 1))
    }
}
