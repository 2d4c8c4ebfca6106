import Risk

/// A change of a named state other than a chain latch (docs/journal.md, `state_changes`): an
/// operator's pause, kill switch or reset, the dead man's switch, the host's start and stop, a
/// promotion, a strategy added, removed or re-allocated between runs, a limit changed, a callback
/// overrun.
package struct TransitionFact: Sendable {
    /// What changed, as `state_changes.kind` names it.
    package enum Kind: String, Sendable {
        case tradingState = "trading_state"
        case pause = "PAUSE"
        case killSwitch = "KILL_SWITCH"
        case latch = "LATCH"
        case mode = "MODE"
        case deadman = "deadman"
        case host = "host"
        case strategy = "strategy"
        case allocation = "allocation"
        /// A risk limit an operator changed (`ctl limits`): subject the key under `risk`.
        case limit = "LIMIT"
        /// A strategy's callback ran past the watchdog's budget: subject the strategy, from/to
        /// its overruns within the window before and after, reason the callback, value the
        /// callback's wall time and limit the budget, ms.
        case watchdog = "WATCHDOG"
    }

    package var kind: Kind
    /// `account`, a strategy's name, or the host's id.
    package var subject: String
    package var from: String
    package var to: String
    /// Why: `OPERATOR`, `CONFIG_CHANGE`, `DEADMAN_SWITCH`, `HOST_START`, `HOST_STOP`.
    package var reason: String
    package var value: Double?
    package var limit: Double?
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(kind: Kind, subject: String, from: String, to: String, reason: String, value: Double? = nil,
                 limit: Double? = nil, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.kind = kind
        self.subject = subject
        self.from = from
        self.to = to
        self.reason = reason
        self.value = value
        self.limit = limit
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// A watched limit's alert level changed (`RiskChain.updateAlertLevels`).
package struct AlertFact: Sendable {
    package var rule: WatchedLimit.Rule
    package var subject: WatchedLimit.Subject
    package var from: AlertLevel
    package var to: AlertLevel
    /// Use of the limit, percent (100: at the limit), the measured value and the limit.
    package var usagePct: Double
    package var value: Double
    package var limit: Double
    /// The use (percent) whose crossing made the change: the new level's threshold when rising
    /// (50, 75, 100), the threshold left minus the hysteresis when falling (45, 70, 95 at 5).
    package var crossedPct: Double
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(rule: WatchedLimit.Rule, subject: WatchedLimit.Subject, from: AlertLevel, to: AlertLevel, usagePct: Double,
                 value: Double, limit: Double, crossedPct: Double, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.crossedPct = crossedPct
        self.rule = rule
        self.subject = subject
        self.from = from
        self.to = to
        self.usagePct = usagePct
        self.value = value
        self.limit = limit
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// The dead man's switch as it stood when it moved (docs/events.md, `deadman`).
package struct DeadmanFact: Sendable {
    /// `warning`, `critical`, `fired`, `checked_in` or `reset`.
    package var level: String
    /// The switch after the move.
    package var state: DeadMansSwitch
    /// Event time and wall time (the switch runs on wall time), ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(level: String, state: DeadMansSwitch, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.level = level
        self.state = state
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}
