import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The event loop's end of the audit path. `record` pushes an event into the ring without
/// allocating; the feeder thread journals it.
///
/// Fail closed, never drop: once the ring is three quarters full (the journal is not keeping up,
/// or its writer queue is full) `refusesNewRisk` turns on, and the host refuses new risk
/// (`JOURNAL_UNAVAILABLE`) until the ring is back under half. If the ring is completely full, the
/// loop waits for the feeder rather than drop a record. If the journal failed, nothing more can be
/// recorded: new risk stays refused and each record is written to the log instead, at error level.
final class AuditSink {
    let ring: AuditRing<AuditEvent>
    let feeder: AuditFeeder
    private let logger: Logger
    private let highWater: Int
    private let lowWater: Int
    /// Whether new risk is refused for the journal's sake.
    private(set) var refusesNewRisk = false
    /// Events that could only be logged because the journal had failed.
    private(set) var loggedOnly: UInt64 = 0
    /// Whether events were recorded since the last state snapshot.
    private(set) var pushedSinceSnapshot = false

    init(feeder: AuditFeeder, logger: Logger) {
        self.ring = feeder.ring
        self.feeder = feeder
        self.logger = logger
        highWater = max(1, ring.capacity * 3 / 4)
        lowWater = ring.capacity / 2
    }

    /// Wall-clock time, ns since the Unix epoch.
    static func wallNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Re-evaluates `refusesNewRisk`; returns true when it changed.
    func updateAvailability() -> Bool {
        let depth = ring.count
        let refuse = feeder.hasFailed || (refusesNewRisk ? depth >= lowWater : depth >= highWater)
        guard refuse != refusesNewRisk else { return false }
        refusesNewRisk = refuse
        if refuse {
            logger.critical("audit journal is not keeping up: refusing new risk until it does", metadata: [
                "queued": "\(depth)", "capacity": "\(ring.capacity)", "journal_failed": "\(feeder.hasFailed)",
            ])
        } else {
            logger.notice("audit journal caught up: new risk allowed again", metadata: ["queued": "\(depth)"])
        }
        return true
    }

    /// Queues `event` for the journal; waits while the ring is full. Allocates nothing.
    func record(_ event: AuditEvent) {
        pushedSinceSnapshot = true
        // Once the journal has failed nothing more reaches it: the log is the record of last resort.
        if !push(event) { logInstead(event) }
    }

    /// Pushes `event`, waiting while the ring is full; false (not pushed) once the journal failed.
    private func push(_ event: AuditEvent) -> Bool {
        while !feeder.hasFailed {
            if ring.push(event) { return true }
            usleep(50)
        }
        return false
    }

    /// Ends the current event: `state` (the host right after it) is journaled in one transaction
    /// with the event's records. Handing the state over allocates (a queue entry; the arrays it
    /// shares are copied when the loop next changes them): once per event that wrote records.
    /// `atStop`: the state the run ends in, written once the loop has stopped (reason `stop`), so
    /// a clean restart also keeps the marks of the last ticks.
    func recordSnapshot(_ state: HostState, atStop: Bool = false) {
        pushedSinceSnapshot = false
        if feeder.hasFailed || !feeder.keepsSnapshots { return }
        feeder.enqueue(state)
        var marker = AuditEvent(kind: .snapshot, eventTimeNs: state.risk.book.clockNs, wallTimeNs: Self.wallNs())
        marker.stateKind = atStop ? 1 : 0
        _ = push(marker)
    }

    /// Queues records and stream events the loop built itself (operator actions, alerts, the dead
    /// man's switch, unwinds), in order with everything else. Allocates: for rare events only.
    func record(_ item: AuditFeeder.Outbound, at eventTimeNs: Int64) {
        pushedSinceSnapshot = pushedSinceSnapshot || !item.records.isEmpty
        if feeder.hasFailed {
            for record in item.records {
                logger.error("audit record not journaled (journal failed)", metadata: ["record": "\(record)"])
            }
            return
        }
        feeder.enqueue(item)
        _ = push(AuditEvent(kind: .outbound, eventTimeNs: eventTimeNs, wallTimeNs: Self.wallNs()))
    }

    private func logInstead(_ event: AuditEvent) {
        loggedOnly &+= 1
        logger.error("audit record not journaled (journal failed)", metadata: [
            "kind": "\(event.kind)", "decision_id": "\(event.decisionID)", "strategy_id": "\(event.strategyID)",
            "symbol_id": "\(event.symbolID)", "side": "\(event.side)", "quantity": "\(event.quantity)",
            "requested_quantity": "\(event.requestedQuantity)", "final_quantity": "\(event.finalQuantity)",
            "verdict": "\(event.verdict)", "reason": "\(event.reason)", "price": "\(event.price)", "event_ts_ns": "\(event.eventTimeNs)",
        ])
    }
}
