import Engine
import Foundation
import Logging
import Risk

#if canImport(Glibc)
import Glibc
#endif

/// The event loop's end of the event path: `record` hands an `EngineEvent` to the journal's ring
/// and to the stream's ring without allocating; each has its own thread (`JournalFeeder`,
/// `StreamFeeder`) and neither waits for the other.
///
/// Two policies for a journal that falls behind (`JournalBackpressure`). `failClosed` (a live
/// host): once the journal's ring is three quarters full, `refusesNewRisk` turns on and the host
/// refuses new risk (`JOURNAL_UNAVAILABLE`) until the ring is back under half. `wait` (replays and
/// the demo, whose input is finite and lossless): new risk is never refused for the journal's
/// sake; the loop waits for room instead, so a replay decides the same with and without a
/// journal. Either way, if the ring is completely full the loop waits for the feeder rather than
/// drop a row, and once the journal has failed nothing more can be recorded: new risk stays
/// refused and each event is written to the log instead, at error level. The stream never makes
/// the loop wait or refuse: an event its full ring cannot take is lost to the stream alone,
/// counted, and its `seq` skipped.
///
/// Snapshots: the journal is the event log, and the state is journaled only now and then
/// (`SnapshotCadence`): every so many events, every so many seconds of wall time, after an
/// event whose facts recovery does not re-apply, and at the stop of the run. Recovery is the
/// last snapshot plus the rows after it (docs/journal.md, "Recovery").
final class EventSink: EngineOutput {
    /// The journal's end (nil: no journal) and the stream's (nil: no stream).
    let journal: JournalFeeder?
    let stream: StreamFeeder?
    private let logger: Logger
    private let highWater: Int
    private let lowWater: Int
    private let backpressure: JournalBackpressure
    private let cadence: SnapshotCadence
    /// Whether new risk is refused for the journal's sake.
    private(set) var refusesNewRisk = false
    /// Events that could only be logged because the journal had failed.
    private(set) var loggedOnly: UInt64 = 0
    /// Whether journaled facts were pushed since the last end of event.
    private(set) var pushedSinceEndOfEvent = false
    /// Journaled events since the last snapshot.
    private(set) var eventsSinceSnapshot = 0
    /// Wall time of the last snapshot, ns.
    private var lastSnapshotWallNs: Int64
    /// The current event wrote facts recovery does not re-apply: its end keeps the state.
    private var snapshotRequired = false
    /// Snapshots handed to the journal, for tests and the run summary.
    private(set) var snapshotsTaken: UInt64 = 0
    /// End-of-event markers pushed (the journal feeder numbers them the same way, from 1).
    private(set) var endsPushed: UInt64 = 0
    /// The number of strategies the journal's queue is shared by (the plugin host sets it).
    var strategyCount = 1 {
        didSet { queuedBy = Array(repeating: 0, count: strategyCount + 1) }
    }
    /// Strategy isolation's view of the journal's ring: the strategy id (0: none) of every event
    /// pushed, in a ring of the same capacity, and per strategy how many of them the feeder has
    /// not taken yet (`queuedBy[id]`). Both on the loop thread only: the feeder's progress is
    /// read from the ring's depth.
    private var pushedStrategies: [UInt32]
    private var queuedBy: [Int] = [0, 0]
    private var pushedCount: UInt64 = 0
    private var retiredCount: UInt64 = 0
    /// Depth of the journal's ring from which a strategy past its share of the refusal mark has
    /// its own new risk refused (`AUDIT_QUEUE_SHARE_EXCEEDED`): half of it, so the others keep
    /// trading until the ring reaches the mark itself.
    private let pressureMark: Int

    /// The number of the end-of-event marker that will close the current event: once
    /// `isCommitted(ticket)`, everything recorded so far in this event is in the journal file.
    var currentEventTicket: UInt64 { endsPushed + 1 }

    /// Whether the group closed by end marker `ticket` is committed (survives a process crash).
    func isCommitted(_ ticket: UInt64) -> Bool { (journal?.committedEnds ?? .max) >= ticket }

    /// Whether there is a journal (orders for the gateway then wait for their commit).
    var keepsJournal: Bool { journal != nil }

    /// The journal keeps the applied ticks; the stream does not publish them.
    var recordsTicks: Bool { journal != nil }

    init(journal: JournalFeeder?, stream: StreamFeeder?, logger: Logger, backpressure: JournalBackpressure = .failClosed,
         cadence: SnapshotCadence = SnapshotCadence()) {
        precondition(journal != nil || stream != nil, "an event sink needs a journal or an event stream")
        self.journal = journal
        self.stream = stream
        self.logger = logger
        self.backpressure = backpressure
        self.cadence = cadence
        let capacity = journal?.ring.capacity ?? 2
        highWater = max(1, capacity * 3 / 4)
        lowWater = capacity / 2
        pressureMark = max(1, highWater / 2)
        pushedStrategies = Array(repeating: 0, count: capacity)
        lastSnapshotWallNs = Self.wallNs()
    }

    /// Wall-clock time, ns since the Unix epoch.
    static func wallNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Re-evaluates `refusesNewRisk`; returns true when it changed. Only the journal refuses.
    func updateAvailability() -> Bool {
        guard let journal else { return false }
        let depth = journal.ring.count
        let behind = backpressure == .failClosed && (refusesNewRisk ? depth >= lowWater : depth >= highWater)
        let refuse = journal.hasFailed || behind
        guard refuse != refusesNewRisk else { return false }
        refusesNewRisk = refuse
        if refuse {
            logger.critical("audit journal is not keeping up: refusing new risk until it does", metadata: [
                "queued": "\(depth)", "capacity": "\(journal.ring.capacity)", "journal_failed": "\(journal.hasFailed)",
            ])
        } else {
            logger.notice("audit journal caught up: new risk allowed again", metadata: ["queued": "\(depth)"])
        }
        return true
    }

    /// The block for `strategy` when the journal's ring is past the pressure mark (a live host
    /// only) and more than its share of the refusal mark (the mark / the number of strategies)
    /// of the events in it are the strategy's, else nil. Allocates nothing.
    func auditShareExceeded(strategy: UInt32) -> IsolationBlock? {
        guard backpressure == .failClosed, let journal, strategyCount > 1, Int(strategy) < queuedBy.count else { return nil }
        let depth = journal.ring.count
        guard depth >= pressureMark else { return nil }
        retire(upTo: pushedCount - UInt64(min(depth, Int(pushedCount))))
        let share = max(1, highWater / strategyCount)
        let queued = queuedBy[Int(strategy)]
        guard queued > share else { return nil }
        return IsolationBlock(code: .auditQueueShareExceeded,
                              details: (Double(queued), Double(share), Double(depth), Double(journal.ring.capacity)))
    }

    /// Forgets the events the feeder has taken: every one pushed before the `taken`-th.
    private func retire(upTo taken: UInt64) {
        while retiredCount < taken {
            let strategy = Int(pushedStrategies[Int(retiredCount % UInt64(pushedStrategies.count))])
            if strategy > 0 && strategy < queuedBy.count { queuedBy[strategy] -= 1 }
            retiredCount &+= 1
        }
    }

    /// Hands `event` to the journal (waiting while its ring is full) and to the stream (never
    /// waiting), each only if it keeps such facts. Allocates nothing.
    func record(_ event: EngineEvent) {
        publish(event)
        guard let journal, event.isJournaled else { return }
        pushedSinceEndOfEvent = true
        eventsSinceSnapshot &+= 1
        if event.isBeyondReplay { snapshotRequired = true }
        flushTicks()
        // Once the journal has failed nothing more reaches it: the log is the record of last resort.
        if !push(event, to: journal) { logInstead(event) }
    }

    /// Hands `event` to the stream alone (the run's start, which the journal has already).
    func publish(_ event: EngineEvent) {
        guard let stream else { return }
        let messages = stream.messageCount(of: event)
        guard messages > 0 else { return }
        if !stream.ring.push(event) { stream.countLost(messages) }
    }

    /// Ticks after which a stretch of market data that wrote no records is closed as a group of
    /// its own (one `market_ticks` row, and a snapshot when the cadence is due).
    static let ticksPerQuietBlock = 4_096
    /// Ticks recorded since the last end of a group.
    private var ticksSinceEnd = 0
    /// Ticks not pushed yet: they go into the journal's ring as one `.ticks` event when the batch
    /// is full, and before anything else is pushed, so the ring keeps the loop's order.
    private var pendingTicks = TickBatch()

    /// Queues the market event the host is about to apply (its reference price), for the
    /// journal's `market_ticks`: recovery re-applies the ticks after the last snapshot. Called
    /// before the host applies it, so `state()` is the state after the ticks before it: after
    /// `ticksPerQuietBlock` ticks without records, those ticks are closed as a group (which
    /// counts as one journaled event for the cadence). Nothing without a journal. Allocates
    /// nothing (but for a snapshot).
    @inline(__always)
    func recordTick(symbolID: UInt32, price: Double, at eventTimeNs: Int64, state: () -> EngineState) {
        guard journal != nil else { return }
        if ticksSinceEnd >= Self.ticksPerQuietBlock && !pushedSinceEndOfEvent {
            eventsSinceSnapshot &+= 1
            pushedSinceEndOfEvent = true
            endEvent(state: state)
        }
        ticksSinceEnd &+= 1
        if !pendingTicks.append(symbolID: symbolID, price: price, at: eventTimeNs) {
            flushTicks()
            _ = pendingTicks.append(symbolID: symbolID, price: price, at: eventTimeNs)
        }
    }

    /// Pushes the pending ticks, if any, as one `.ticks` event.
    @inline(__always)
    private func flushTicks() {
        guard pendingTicks.count > 0, let journal else { return }
        _ = push(.ticks(pendingTicks), to: journal)
        pendingTicks.removeAll()
    }

    /// Pushes `event`, waiting while the ring is full; false (not pushed) once the journal failed.
    /// Notes whose event it is (`auditShareExceeded`).
    private func push(_ event: EngineEvent, to journal: JournalFeeder) -> Bool {
        while !journal.hasFailed {
            if journal.ring.push(event) {
                attribute(event.strategyID)
                return true
            }
            usleep(50)
        }
        return false
    }

    /// Counts an event pushed to the journal's ring for `strategy` (0: none). The slot it takes
    /// in the mirror ring was retired already: the ring held it, so the feeder had taken the
    /// event that was there (retired here at the latest, before it is overwritten).
    @inline(__always)
    private func attribute(_ strategy: UInt32) {
        let capacity = UInt64(pushedStrategies.count)
        if pushedCount &- retiredCount >= capacity { retire(upTo: pushedCount &- capacity &+ 1) }
        pushedStrategies[Int(pushedCount % capacity)] = strategy
        if strategy > 0 && Int(strategy) < queuedBy.count { queuedBy[Int(strategy)] += 1 }
        pushedCount &+= 1
    }

    /// The current event wrote facts that recovery does not re-apply (gateway orders and
    /// answers, unwinds): its end journals the state.
    func requireSnapshot() { snapshotRequired = true }

    /// Ends the current event, if it wrote journaled facts: they are journaled in one
    /// transaction, with the state after the event (`state()`, called only then) when a snapshot
    /// is due. Taking a snapshot allocates (the arrays it shares are copied when the loop next
    /// changes them): once per snapshot, not per event.
    func endEvent(state: () -> EngineState) {
        guard pushedSinceEndOfEvent else { return }
        pushedSinceEndOfEvent = false
        var reason = SnapshotReason.none
        if snapshotRequired {
            reason = .event
        } else if eventsSinceSnapshot >= cadence.everyEvents {
            reason = .periodic
        } else if cadence.intervalNs > 0 {
            let now = Self.wallNs()
            if now - lastSnapshotWallNs >= cadence.intervalNs { reason = .periodic }
        }
        pushEnd(reason, state: reason == .none ? nil : state())
    }

    /// The state the run ends in, written once the loop has stopped (reason `stop`), so a clean
    /// restart resumes from it with nothing to re-apply, marks of the last ticks included.
    func recordStop(_ state: EngineState) {
        pushedSinceEndOfEvent = false
        pushEnd(.stop, state: state)
    }

    private func pushEnd(_ reason: SnapshotReason, state: EngineState?) {
        guard let journal, !journal.hasFailed else { return }
        flushTicks()
        ticksSinceEnd = 0
        let wall = Self.wallNs()
        if state != nil {
            snapshotRequired = false
            eventsSinceSnapshot = 0
            lastSnapshotWallNs = wall
            snapshotsTaken &+= 1
        }
        let end = EndOfEventFact(reason: reason, state: state, eventTimeNs: state?.risk.book.clockNs ?? 0, wallTimeNs: wall)
        if push(.endOfEvent(end), to: journal) { endsPushed &+= 1 }
    }

    /// Stops both ends after everything recorded so far: the journal appends `final` (the run's
    /// end) and closes, the stream publishes it and closes. Blocks until done.
    func stop(final: TransitionFact? = nil) {
        journal?.stop(final: final)
        stream?.stop(final: final)
    }

    private func logInstead(_ event: EngineEvent) {
        loggedOnly &+= 1
        logger.error("audit record not journaled (journal failed)", metadata: ["event": "\(event)"])
    }
}

/// What the host does when the journal falls behind (`EventSink`).
public enum JournalBackpressure: Sendable {
    /// Refuse new risk (`JOURNAL_UNAVAILABLE`) while the journal is behind: a live host must not
    /// take risk it cannot record, and must not stop reading its feeds.
    case failClosed
    /// Wait for the journal: the loop slows to the journal's pace and decides exactly as it would
    /// without one. For finite, lossless input (replays, the demo).
    case wait
}

/// When the state is journaled (the `journal` section's `snapshot_every_events` and
/// `snapshot_interval_seconds`); also after an event recovery does not re-apply, and at stop.
public struct SnapshotCadence: Sendable, Equatable {
    /// Journaled events (decisions, orders, fills, cancels, state changes) between snapshots, >= 1.
    public var everyEvents: Int
    /// Wall time between snapshots, ns (0: events only). Checked at the end of an event that wrote
    /// records, so a quiet host takes none.
    public var intervalNs: Int64

    public init(everyEvents: Int = 10_000, intervalSeconds: Double = 60) {
        self.everyEvents = max(1, everyEvents)
        self.intervalNs = Int64(max(0, intervalSeconds) * 1e9)
    }
}
