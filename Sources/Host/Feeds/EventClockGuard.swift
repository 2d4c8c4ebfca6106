/// Keeps one frame from moving the host's clock: the event time every rule runs on (staleness,
/// the UTC day, rolling windows) is the latest market-data timestamp, so a single well-formed
/// event dated years ahead would otherwise make every later event "stale", roll the day and
/// survive a restart in the journal. An event dated too far ahead is dropped and counted
/// (`future_timestamp`) before it reaches the engine.
///
/// Two references (`RunOptions.eventClock`):
/// - `wallClock` (a live host, `gatehouse run`): at most `host.max_event_ahead_seconds` ahead of
///   the wall clock. Events from the past (a recorded feed) pass.
/// - `feedTime` (a replay or the demo, whose ticks are history): at most
///   `host.max_event_jump_seconds` ahead of the latest event accepted so far, on any feed. The
///   first event sets the reference.
///
/// One guard is shared by every feed of a host. Confined to the event-loop thread; the wall
/// clock is read once per drained batch, and again only for an event that would fail the check.
final class EventClockGuard {
    /// What an event's time is checked against.
    enum Reference: Sendable, Equatable {
        case wallClock(aheadNs: Int64)
        case feedTime(jumpNs: Int64)
    }

    let reference: Reference
    private let readWall: () -> Int64
    /// The wall clock at the start of the current batch, ns.
    private var wallNs: Int64 = 0
    /// The latest event time accepted, ns (`.min`: none yet).
    private(set) var latestNs: Int64 = .min

    init(reference: Reference, readWall: @escaping () -> Int64) {
        self.reference = reference
        self.readWall = readWall
    }

    /// Reads the wall clock for the batch about to be drained.
    func beginBatch() {
        if case .wallClock = reference { wallNs = readWall() }
    }

    /// Whether an event at `timestampNs` may move the clock; records it when it does.
    @inline(__always)
    func accepts(_ timestampNs: Int64) -> Bool {
        switch reference {
        case .wallClock(let aheadNs):
            if timestampNs > wallNs &+ aheadNs {
                // The batch's reading may be old: look again before refusing.
                wallNs = readWall()
                guard timestampNs <= wallNs &+ aheadNs else { return false }
            }
        case .feedTime(let jumpNs):
            if latestNs != .min && timestampNs > latestNs &+ jumpNs { return false }
        }
        if timestampNs > latestNs { latestNs = timestampNs }
        return true
    }
}
