/// Stable reason codes attached to decisions. Raw values equal the `GH_REASON_*` constants of the
/// plugin contract and never change; new codes are only appended. docs/reason-codes.md lists them.
public enum ReasonCode: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// A clean approval.
    case none = 0
    /// The intent is malformed: client id 0, unknown side or order type, bad quantity or prices,
    /// or a reduce-only flag other than 0/1.
    case invalidIntent = 1
    /// The intent names a symbol its strategy does not subscribe to.
    case symbolNotSubscribed = 2
    /// The client id is not greater than the strategy's previous one.
    case duplicateClientID = 3
    /// No price has been seen yet for the symbol, so the intent cannot be valued.
    case noMarketData = 4

    /// The SCREAMING_SNAKE name, as printed in logs and passed to plugins.
    public var name: StaticString {
        switch self {
        case .none: "NONE"
        case .invalidIntent: "INVALID_INTENT"
        case .symbolNotSubscribed: "SYMBOL_NOT_SUBSCRIBED"
        case .duplicateClientID: "DUPLICATE_CLIENT_ID"
        case .noMarketData: "NO_MARKET_DATA"
        }
    }

    /// How a reason weighs on a decision.
    public var severity: Severity {
        switch self {
        case .none: .info
        case .invalidIntent, .symbolNotSubscribed, .duplicateClientID, .noMarketData: .hardReject
        }
    }

    public var description: String { name.description }

    /// The weight of a reason: a hard reject refuses the intent, a reshape reduces it, a warning
    /// only annotates it.
    public enum Severity: Sendable {
        case hardReject, reshape, warn, info
    }
}
