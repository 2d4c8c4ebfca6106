import Synchronization

/// How a host run ends and how often it wakes.
public struct RunOptions: Sendable {
    /// Stop once every feed has delivered an end-of-stream marker (replays and the demo).
    /// A live host (`gatehouse run`) leaves this off and runs until SIGINT/SIGTERM.
    public var stopAtEndOfStream: Bool
    /// Longest wait in `zmq_poll`, ms: bounds how late a stop request is noticed.
    public var pollTimeoutMilliseconds: Int
    /// Most messages read from one feed before the loop looks at the others.
    public var drainBudget: Int
    /// What the host does when the journal falls behind: a live host refuses new risk
    /// (`failClosed`); a replay or the demo waits for it (`wait`), so its decisions do not depend
    /// on how fast the disk is.
    public var journalBackpressure: JournalBackpressure
    /// What a market event's time is checked against before it may move the host's clock
    /// (`EventClockGuard`): the wall clock (a live host) or the feed's own latest time (a
    /// replay or the demo, whose ticks are history).
    public var eventClock: EventClockPolicy
    /// Where the loop counts the feed messages it reads, for a replay's progress line; `nil`
    /// (a live host): not counted.
    public var messagesRead: MessageCounter?
    /// Whether wall-time isolation acts (docs/risk-chain.md, "Strategy isolation"): the callback
    /// watchdog pauses strategies and the fair shares of the loop's time and of the audit queue
    /// refuse intents, and the order-rate throttles count wall time (`OrderRateClock`). A live
    /// host does; a replay and the demo only measure and report and count event time, so their
    /// decisions do not depend on how fast the machine is.
    public var enforcesWallTimeIsolation: Bool

    /// Options for a run; the defaults suit a live host.
    public init(stopAtEndOfStream: Bool = false, pollTimeoutMilliseconds: Int = 50, drainBudget: Int = 4096,
                journalBackpressure: JournalBackpressure = .failClosed, eventClock: EventClockPolicy = .wallClock,
                messagesRead: MessageCounter? = nil, enforcesWallTimeIsolation: Bool = true) {
        self.stopAtEndOfStream = stopAtEndOfStream
        self.pollTimeoutMilliseconds = pollTimeoutMilliseconds
        self.drainBudget = drainBudget
        self.journalBackpressure = journalBackpressure
        self.eventClock = eventClock
        self.messagesRead = messagesRead
        self.enforcesWallTimeIsolation = enforcesWallTimeIsolation
    }
}

/// What a market event's time is checked against (`RunOptions.eventClock`; the limits are
/// `host.max_event_ahead_seconds` and `host.max_event_jump_seconds`).
public enum EventClockPolicy: Sendable {
    /// No more than `max_event_ahead_seconds` ahead of the wall clock.
    case wallClock
    /// No more than `max_event_jump_seconds` ahead of the latest event accepted.
    case feedTime
}

/// A count kept by one thread and read by others: the feed messages (events, end-of-stream
/// markers and dropped frames alike) an event loop has taken off its sockets.
///
/// A replay's progress line shows this rather than the frames the publisher sent: a publisher
/// runs ahead of the host by up to its send and the host's receive high-water marks (100,000
/// messages each by default), which on a slow, journaling host is tens of seconds of work.
public final class MessageCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// A count at zero.
    public init() {}

    /// The count so far.
    public var count: Int { value.load(ordering: .relaxed) }

    /// Adds `amount`; the event loop calls this once per drained batch, not per message.
    func add(_ amount: Int) {
        if amount > 0 { value.add(amount, ordering: .relaxed) }
    }
}
