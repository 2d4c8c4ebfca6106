import Risk

/// One fact the engine established, as a value: everything the event loop does that anyone
/// outside it must know leaves it as one of these, in the order it happened, through an
/// `EventRing`. The journal and the risk event stream are projections of the same events, each
/// on its own thread (docs/journal.md, "The audit path"): a fact has one type from the moment the
/// loop makes it to every row and message made of it, and a new field is added once.
///
/// The trade facts (`decision`, `order`, `fill`, `latch`, `ticks`) hold no reference, so making
/// and pushing one allocates nothing. The rare ones (operator actions, transitions, alerts, the
/// dead man's switch, unwinds, promotions, snapshots) carry names and text.
package enum EngineEvent: Sendable {
    /// Market events the engine applied to the book, in order (journal only: recovery re-applies them).
    case ticks(TickBatch)
    /// An intent and what the chain decided about it, with the chain's stage trace.
    case decision(DecisionFact)
    /// An order sent to a venue, or a change of its status (acknowledged, rejected, cancelled, …).
    case order(OrderFact)
    /// A fill booked.
    case fill(FillFact)
    /// A latch the chain set on its own (a halt, a decay pause, a daily loss limit): a limit found breached.
    case latch(LatchFact)
    /// Any other change of a named state (operator verbs, the dead man's switch, the host's start
    /// and stop, strategies added or re-allocated between runs, a promotion).
    case transition(TransitionFact)
    /// An operator's request, done or refused, with who and why.
    case operatorAction(OperatorActionFact)
    /// A watched limit's alert level changed.
    case alert(AlertFact)
    /// The dead man's switch moved (a level crossed, a check-in, a reset): stream only.
    case deadman(DeadmanFact)
    /// The breach unwind's ranking, recorded before its orders are decided: journal only.
    case unwindPlanned(UnwindPlanFact)
    /// The breach unwind with the orders it decided: stream only (it names their decisions).
    case unwound(UnwindFact)
    /// A promotion request and the criteria measured: stream only.
    case promotion(PromotionFact)
    /// The end of an event that wrote facts: the journal commits them as one transaction, with
    /// the state after the event when a snapshot is due. Journal only.
    case endOfEvent(EndOfEventFact)

    /// Whether recovery cannot re-derive what this fact did to the state from the journal's rows
    /// (docs/journal.md, "Recovery"), so the end of its event must journal the state. Alerts are
    /// not part of the state (a restarted host starts green); the dead man's switch and an unwind
    /// are, but each comes with a transition or orders that already require it.
    @inlinable package var isBeyondReplay: Bool {
        switch self {
        case .transition, .operatorAction, .unwindPlanned, .unwound, .promotion: true
        case .ticks, .decision, .order, .fill, .latch, .alert, .deadman, .endOfEvent: false
        }
    }

    /// The strategy (id) whose intent made this fact: decisions, orders and fills; 0 for the
    /// rest (the feed's ticks, the host's own facts). Strategy isolation counts each strategy's
    /// facts in the journal's queue by it.
    @inlinable package var strategyID: UInt32 {
        switch self {
        case .decision(let fact): fact.decision.strategyID
        case .order(let fact): fact.order.strategyID
        case .fill(let fact): fact.order.strategyID
        default: 0
        }
    }

    /// Whether the journal keeps a row of it.
    @inlinable package var isJournaled: Bool {
        switch self {
        case .deadman, .unwound, .promotion: false
        default: true
        }
    }

    /// Whether the risk event stream publishes it.
    @inlinable package var isPublished: Bool {
        switch self {
        case .ticks, .endOfEvent, .unwindPlanned: false
        default: true
        }
    }
}

/// Who made an intent.
package enum IntentOrigin: UInt8, Sendable {
    /// Its strategy's plugin.
    case strategy
    /// The host's breach unwind, in the strategy's name.
    case riskUnwind

    /// As the journal and the stream write it.
    package var name: String {
        switch self {
        case .strategy: "strategy"
        case .riskUnwind: "risk_unwind"
        }
    }
}

/// Whether an end of event carries the state after it, and why (`snapshots.reason`).
package enum SnapshotReason: UInt8, Sendable {
    /// No state: the event's rows are journaled alone (recovery re-applies them).
    case none
    /// The cadence came due (`journal.snapshot_every_events` or `snapshot_interval_seconds`).
    case periodic
    /// The event wrote facts recovery does not re-apply (`EngineEvent.isBeyondReplay`, a gateway
    /// order or answer): the state is kept at once.
    case event
    /// The state the run ends in.
    case stop

    /// The name written in `snapshots.reason`.
    package var name: String {
        switch self {
        case .none: "none"
        case .periodic: "periodic"
        case .event: "event"
        case .stop: "stop"
        }
    }
}

/// The end of an event that wrote facts.
package struct EndOfEventFact: Sendable {
    /// Holds a snapshot's state out of line: inline, the whole `EngineState` would size every
    /// ring slot (the largest event's), and a snapshot is taken once in many events, so one
    /// allocation for it costs less than wider slots for all.
    final class StateBox: Sendable {
        let state: EngineState
        init(_ state: EngineState) { self.state = state }
    }

    private let box: StateBox?
    /// Event time (the book's clock) and wall time, ns since the Unix epoch.
    package var eventTimeNs: Int64
    package var wallTimeNs: Int64
    package var reason: SnapshotReason

    /// The state after the event (nil when `reason` is `none`).
    package var state: EngineState? { box?.state }

    package init(reason: SnapshotReason, state: EngineState?, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.reason = reason
        self.box = state.map(StateBox.init)
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }
}
