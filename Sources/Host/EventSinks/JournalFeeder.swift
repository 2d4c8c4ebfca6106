import Engine
import Foundation
import Journal
import Logging
import Synchronization

/// Moves engine events from their ring to the journal: a thread that pops `EngineEvent`s,
/// projects them into journal rows (`JournalProjection`) and appends them to the
/// `JournalWriter`, in order.
///
/// One market event's rows are held until the event's `.endOfEvent`, then appended as one
/// group, which the writer commits in a single transaction: the block of ticks applied since the
/// last group, the event's rows, and the state after the event (encoded here, off the loop) when
/// the end carries one. A crash keeps a whole event or none of it (docs/journal.md, "Recovery").
///
/// It never drops a row: when the writer's own queue is full it keeps the group and tries again,
/// so its ring fills up and the host refuses new risk or waits (see `EventSink`). If the journal
/// fails (a write error), the feeder stops taking events and reports it; the ring then fills and
/// the host stays fail-closed. The event stream has a ring and a thread of its own
/// (`StreamFeeder`): a journal that falls behind never holds it up.
final class JournalFeeder: Sendable {
    let ring: EventRing<EngineEvent>
    private let writer: JournalWriter
    private let projection: JournalProjection

    /// Records waiting in the journal writer's queue. Any thread.
    var journalQueueDepth: Int { writer.queueDepth }
    /// How many end-of-event markers (counted from 1 in ring order) have their group committed to
    /// the journal: everything the loop recorded before the n-th marker survives a crash once this
    /// is >= n. The loop holds a gateway order until its event's group is committed. Any thread.
    var committedEnds: UInt64 { committedEndCount.load(ordering: .acquiring) }
    private let committedEndCount = Atomic<UInt64>(0)
    private let running = Atomic<Bool>(true)
    private let failed = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let logger: Logger

    init(ring: EventRing<EngineEvent>, writer: JournalWriter, names: EventNames,
         logger: Logger = Logger(label: "gatehouse.journal")) {
        self.ring = ring
        self.writer = writer
        self.projection = JournalProjection(names: names)
        self.logger = logger
        let thread = Thread { [self] in
            nameCurrentThread("gh-journal-feed")
            run()
        }
        thread.name = "gh-journal-feed"
        thread.start()
    }

    /// Whether the journal stopped on an error (nothing more will be recorded).
    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    /// Stops after everything pushed so far is handed to the writer, appends `final` (the run's
    /// end), then closes the writer (which commits it). Blocks until done.
    func stop(final: TransitionFact? = nil) {
        running.store(false, ordering: .releasing)
        done.wait()
        if let final, !hasFailed {
            // The writer's queue may still be draining; wait for room rather than drop the record.
            while case .full = writer.append(.stateChange(JournalProjection.stateChange(final))) { usleep(200) }
        }
        do {
            try writer.close()
        } catch {
            logger.critical("audit journal did not close cleanly", metadata: ["error": "\(error)"])
        }
    }

    private func run() {
        defer { done.signal() }
        // Projecting allocates (names, details, stage rows, the state's encoding): that is why it
        // happens here, on this thread, and not on the event loop.
        var group: [JournalRecord] = []
        var ticks = MarketTickCodec(reservingTicks: EventSink.ticksPerQuietBlock)
        // End markers appended to the writer and not yet known committed: (marker number, the
        // group's last seq), oldest first.
        var ends = 0 as UInt64
        var uncommitted: [(end: UInt64, seq: Int64)] = []
        var firstUncommitted = 0
        /// Moves `committedEnds` up to what the writer has committed.
        func advanceCommitted() {
            guard firstUncommitted < uncommitted.count else { return }
            let committed = writer.committedSeq
            while firstUncommitted < uncommitted.count && uncommitted[firstUncommitted].seq <= committed {
                committedEndCount.store(uncommitted[firstUncommitted].end, ordering: .releasing)
                firstUncommitted += 1
            }
            if firstUncommitted == uncommitted.count {
                uncommitted.removeAll(keepingCapacity: true)
                firstUncommitted = 0
            }
        }
        /// The ticks since the last block, as the record that goes first in the next group.
        func takeTicks() -> JournalRecord? {
            guard ticks.count > 0 else { return nil }
            defer { ticks.reset() }
            return .marketTicks(MarketTicksRecord(
                eventTimeNs: ticks.lastTimeNs, wallTimeNs: EventSink.wallNs(), firstTimeNs: ticks.firstTimeNs,
                count: ticks.count, format: MarketTickCodec.format, ticks: ticks.blockBytes))
        }
        while true {
            if let event = ring.pop() {
                switch event {
                case .ticks(let batch):
                    batch.forEach { ticks.append(symbolID: $0.symbolID, timeNs: $0.timeNs, price: $0.price) }
                case .endOfEvent(let end):
                    // The ticks before the event's rows, the rows, and the state after it when
                    // one is due: one transaction.
                    var whole: [JournalRecord] = []
                    whole.reserveCapacity(group.count + 2)
                    if let block = takeTicks() { whole.append(block) }
                    whole += group
                    if let state = end.state {
                        do {
                            whole.append(.snapshot(SnapshotRecord(
                                eventTimeNs: end.eventTimeNs, wallTimeNs: end.wallTimeNs, format: EngineState.format,
                                reason: end.reason.name, encoded: try state.encoded())))
                        } catch {
                            logger.error("state snapshot could not be encoded; the event's records are journaled without it",
                                         metadata: ["error": "\(error)"])
                        }
                    }
                    ends += 1
                    guard let seq = commit(whole) else { return }
                    if seq > 0 {
                        uncommitted.append((ends, seq))
                    } else if firstUncommitted == uncommitted.count {
                        committedEndCount.store(ends, ordering: .releasing)   // nothing to wait for
                    } else {
                        uncommitted.append((ends, uncommitted[uncommitted.count - 1].seq))
                    }
                    advanceCommitted()
                    group.removeAll(keepingCapacity: true)
                default:
                    group += projection.records(for: event)
                }
                continue
            }
            if !running.load(ordering: .acquiring) && ring.count == 0 {
                // Records of an event that had not ended when the host stopped.
                if let block = takeTicks() { group.insert(block, at: 0) }
                _ = commit(group)
                return
            }
            advanceCommitted()
            usleep(200)
        }
    }

    /// Appends `group` as one group, waiting while the writer's queue is full (the ring behind
    /// fills meanwhile and the host refuses new risk). The group's last seq (0 for an empty
    /// group); nil when the journal failed.
    private func commit(_ group: [JournalRecord]) -> Int64? {
        guard !group.isEmpty else { return 0 }
        while true {
            switch writer.append(group: group) {
            case .accepted(let seq):
                return seq
            case .full:
                usleep(200)
            case .failed(let error):
                failed.store(true, ordering: .releasing)
                logger.critical("audit journal failed: nothing more is recorded in it; new risk is refused", metadata: [
                    "error": "\(error)", "unjournaled_records_of_this_event": "\(group.count)",
                ])
                // What the writer had queued but not committed, then what this thread still
                // held: logged, in order, so no accepted record disappears without a trace.
                for entry in writer.unwrittenRecords {
                    logger.error("audit record not journaled (journal failed)", metadata: ["seq": "\(entry.seq)", "record": "\(entry.record)"])
                }
                for record in group {
                    logger.error("audit record not journaled (journal failed)", metadata: ["record": "\(record)"])
                }
                return nil
            }
        }
    }
}
