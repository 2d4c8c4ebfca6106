/// The account's trading state (NautilusTrader's terms). REDUCING and HALTED refuse
/// risk-increasing intents; risk-reducing ones still pass so the account can get out.
public enum TradingState: String, Sendable, CaseIterable, Codable {
    case active = "ACTIVE"
    case reducing = "REDUCING"
    case halted = "HALTED"
}

/// What operators and latches have set on the account.
public struct AccountControls: Sendable, Equatable, Codable {
    /// The kill switch: every intent is refused, reducing ones included, until an explicit reset.
    public var killSwitch = false
    /// State set by an operator (ACTIVE unless they chose otherwise).
    public var operatorState = TradingState.active
    /// The rule that latched HALTED (for example ACCOUNT_DRAWDOWN_HALT), until an explicit reset.
    public var haltLatch: ReasonCode? = nil
    /// The audit journal cannot record: new risk is refused (`JOURNAL_UNAVAILABLE`) until it can.
    /// Set and cleared by the host, not latched.
    public var journalUnavailable = false
    /// The dead man's switch fired: HALTED until an explicit reset (nil: never fired; states saved
    /// before the switch existed have no such key).
    public var deadmanHalt: Bool? = nil

    public init() {}

    /// The state in force: a latch, the dead man's switch or an operator halt wins over everything else.
    public var effectiveState: TradingState {
        if haltLatch != nil || deadmanHalt == true || operatorState == .halted { return .halted }
        return operatorState
    }
}

/// A change of state the chain made on its own, for the journal and the event stream.
public struct StateChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The account latched HALTED.
        case accountHalted
        /// A strategy was paused by the decay detector.
        case strategyPaused(strategyID: UInt32)
        /// The account's daily loss limit was hit: no new risk for the rest of the UTC day.
        case accountDailyLossHit
        /// A strategy's daily loss limit was hit: no new risk for it for the rest of the UTC day.
        case strategyDailyLossHit(strategyID: UInt32)
    }
    public var kind: Kind
    public var reason: ReasonCode
    /// Event time, ns.
    public var atNs: Int64
    /// The measured value and the limit (e.g. drawdown % and halt %).
    public var value: Double
    public var limit: Double

    public init(kind: Kind, reason: ReasonCode, atNs: Int64, value: Double, limit: Double) {
        self.kind = kind
        self.reason = reason
        self.atNs = atNs
        self.value = value
        self.limit = limit
    }
}
