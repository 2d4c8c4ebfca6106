import Risk

/// Limits an operator put in force while the host ran (`gatehouse ctl limits`), carried in the
/// snapshot so a restart re-decides the journal's tail under the limits that decided it and keeps
/// them in force while the config is the one they replaced (docs/control.md, "Limits").
///
/// Both are the text of a YAML document holding one `risk` section, as `ctl limits --file`
/// accepts it; the host reads them back with the same validation as at start, so this module
/// never needs to know the config's keys.
package struct OperatorLimits: Codable, Equatable, Sendable {
    /// The risk section of the config the host was started from when an operator first changed
    /// the limits: a restart whose config still says this keeps `inForce`; one whose config says
    /// something else was edited on purpose, and the config's limits take over.
    package var configured: String
    /// The risk section in force.
    package var inForce: String

    package init(configured: String, inForce: String) {
        self.configured = configured
        self.inForce = inForce
    }
}

/// The parts of `EngineState` that change seldom (the operator's limits, the order-rate clock),
/// behind one reference: the state rides in the end-of-event slot of the event rings, whose
/// size is the largest event's, and one word keeps that slot a decision's. Immutable; the
/// engine keeps one and makes a new one only when a part changes, so a snapshot allocates none.
package final class StateAnnex: Equatable, Sendable {
    package let limits: OperatorLimits?
    package let orderRateClock: OrderRateClock?

    package init(limits: OperatorLimits?, orderRateClock: OrderRateClock?) {
        self.limits = limits
        self.orderRateClock = orderRateClock
    }

    /// One holding `limits` and `orderRateClock`, or nil when both are (so equal states compare equal).
    static func of(limits: OperatorLimits?, orderRateClock: OrderRateClock?) -> StateAnnex? {
        limits == nil && orderRateClock == nil ? nil : StateAnnex(limits: limits, orderRateClock: orderRateClock)
    }

    package static func == (a: StateAnnex, b: StateAnnex) -> Bool {
        a.limits == b.limits && a.orderRateClock == b.orderRateClock
    }
}

extension Engine {
    /// Puts `limits` in force at once (recovery: the limits a journal's tail was decided under,
    /// then the ones the run goes on with), carrying `source` into the next snapshots (nil: the
    /// config's own limits). Refused whole, naming the key, as `ctl limits` is.
    package func adoptLimits(_ limits: RiskLimits, source: OperatorLimits?) -> RiskLimits.Invalid? {
        if let failure = risk.replaceLimits(limits) { return failure }
        limitsGeneration &+= 1
        operatorLimits = source
        return nil
    }
}
