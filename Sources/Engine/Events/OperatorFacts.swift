import Risk

/// An operator's request, done or refused (`operator_actions`, the stream's `operator`).
package struct OperatorActionFact: Sendable {
    /// The verb as the control protocol names it (`pause`, `kill`, `reset`, …).
    package var verb: String
    /// `account` or the strategy's name.
    package var subject: String
    package var operatorName: String
    package var reason: String
    package var forced: Bool
    /// `done`, `refused` or `error`, and what the host said.
    package var outcome: String
    package var message: String
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(verb: String, subject: String, operatorName: String, reason: String, forced: Bool, outcome: String,
                 message: String, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.verb = verb
        self.subject = subject
        self.operatorName = operatorName
        self.reason = reason
        self.forced = forced
        self.outcome = outcome
        self.message = message
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// One criterion of a promotion's measured record (`promotion` section), as `gatehouse promote`
/// reports it and the stream's `promotion` event carries it.
public struct PromotionCriterion: Codable, Sendable, Equatable {
    /// The config key under `promotion`.
    public var name: String
    public var value: Double
    public var threshold: Double
    /// `>=` or `<=`.
    public var comparison: String
    public var passed: Bool

    public init(name: String, value: Double, threshold: Double, comparison: String, passed: Bool) {
        self.name = name
        self.value = value
        self.threshold = threshold
        self.comparison = comparison
        self.passed = passed
    }
}

/// A promotion request's outcome and the criteria measured (the stream's `promotion`).
package struct PromotionFact: Sendable {
    package var strategy: String
    package var promoted: Bool
    package var operatorName: String
    /// The operator's reason when promoted, else why not.
    package var reason: String
    package var criteria: [PromotionCriterion]
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(strategy: String, promoted: Bool, operatorName: String, reason: String, criteria: [PromotionCriterion],
                 eventTimeNs: Int64, wallTimeNs: Int64) {
        self.strategy = strategy
        self.promoted = promoted
        self.operatorName = operatorName
        self.reason = reason
        self.criteria = criteria
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// The breach unwind's ranking (`UnwindPlan`), before its orders are decided.
package struct UnwindPlanFact: Sendable {
    package var plan: UnwindPlan
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(plan: UnwindPlan, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.plan = plan
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}

/// The breach unwind with the orders it decided (the stream's `unwind`).
package struct UnwindFact: Sendable {
    /// One flattening order's decision.
    package struct Order: Sendable {
        package var decision: Decision
        package var side: Side
        package var strategyID: UInt32

        package init(decision: Decision, side: Side, strategyID: UInt32) {
            self.decision = decision
            self.side = side
            self.strategyID = strategyID
        }
    }

    /// 1, 2, … within a run.
    package var unwindID: UInt64
    package var plan: UnwindPlan
    /// The account drawdown (percent) and the halt it passed.
    package var drawdownPct: Double
    package var capPct: Double
    package var orders: [Order]
    /// Event time and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64

    package init(unwindID: UInt64, plan: UnwindPlan, drawdownPct: Double, capPct: Double, orders: [Order],
                 eventTimeNs: Int64, wallTimeNs: Int64) {
        self.unwindID = unwindID
        self.plan = plan
        self.drawdownPct = drawdownPct
        self.capPct = capPct
        self.orders = orders
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}
