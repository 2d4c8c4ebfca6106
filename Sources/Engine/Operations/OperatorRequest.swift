import Risk

/// What an operator can ask of a running host over the control channel (docs/control.md).
package enum OperatorVerb: String, Sendable, CaseIterable {
    /// Account totals, trading state, kill switch, dead man's switch, and the per-strategy view.
    case status
    /// Stops a strategy's new risk (`STRATEGY_PAUSED`) and cancels its resting risk; exits pass.
    case pause
    /// Clears a strategy's pause (an operator's, the decay detector's, the repeated-execution latch's).
    case resume
    /// The kill switch: every intent refused, exits included; every resting order cancelled.
    case kill
    /// Clears the kill switch, a latched halt (refused while its cause is present unless forced)
    /// and a fired dead man's switch.
    case reset
    /// Tells the dead man's switch an operator is present.
    case checkin
    /// Moves a flat shadow strategy whose shadow record passes the promotion criteria to live.
    case promote
    /// Replaces the risk limits without a restart (`gatehouse ctl limits --file`): the new risk
    /// section is validated as at start and applied between two events, whole or not at all.
    case limits

    /// Whether the verb names a strategy.
    package var needsStrategy: Bool { self == .pause || self == .resume || self == .promote }
    /// Whether the verb changes anything (and so is journaled and published).
    package var isAction: Bool { self != .status }
}

/// One decoded control request.
package struct OperatorRequest: Sendable, Equatable {
    package var verb: OperatorVerb
    package var strategy: String?
    /// Who: the operator's name as the client gave it.
    package var operatorName: String
    /// Why, as the operator wrote it (required for actions).
    package var reason: String
    /// `reset` only: clear a latch even though its cause is still present.
    package var force: Bool
    /// `limits` only: the file's text, YAML holding the new `risk` section.
    package var limitsYAML: String?

    package init(verb: OperatorVerb, strategy: String?, operatorName: String, reason: String, force: Bool,
                 limitsYAML: String? = nil) {
        self.verb = verb
        self.strategy = strategy
        self.operatorName = operatorName
        self.reason = reason
        self.force = force
        self.limitsYAML = limitsYAML
    }
}

/// A change of the risk limits an operator asked for (`limits`), read and validated by the host:
/// the limits to put in force and, per config key that differs, the value before and after.
package struct LimitsChange: Sendable {
    package var limits: RiskLimits
    /// `(key under risk, before, after)`, in the config's key order.
    package var changes: [(key: String, from: String, to: String)]
    /// The risk sections behind it, for the snapshot (`OperatorLimits`): the config's the host
    /// started from, and the file's.
    package var source: OperatorLimits

    package init(limits: RiskLimits, changes: [(key: String, from: String, to: String)], source: OperatorLimits) {
        self.limits = limits
        self.changes = changes
        self.source = source
    }

    /// `changes` as the answer and the log list them: `risk.strategy.max_position_pct 25 → 20; …`.
    package static func list(_ changes: [(key: String, from: String, to: String)]) -> String {
        changes.map { "risk.\($0.key) \($0.from) → \($0.to)" }.joined(separator: "; ")
    }
}
