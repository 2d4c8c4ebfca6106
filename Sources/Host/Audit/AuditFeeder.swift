import Foundation
import Journal
import Logging
import Risk
import StrategyABI
import Synchronization

/// Moves audit events from the event loop to the journal: a thread that pops `AuditEvent`s from
/// the ring, renders them into journal records (names, codes as text, the stage trace with its
/// `key=value` details) and appends them to the `JournalWriter`, in order.
///
/// One market event's records are held until the event's `.endOfEvent` marker, then appended as
/// one group, which the writer commits in a single transaction: the block of ticks applied since
/// the last group, the event's records, and the state after the event (encoded here) when the
/// marker carries one. A crash keeps a whole event or none of it (docs/journal.md, "Recovery").
///
/// It never drops a record: when the writer's own queue is full it keeps the group and tries
/// again, so the ring fills up and the host refuses new risk (see `AuditSink`). If the journal
/// fails (a write error), the feeder stops taking events and reports it; the ring then fills and
/// the host stays fail-closed.
///
/// It also feeds the risk event stream: once a group is handed to the writer, each of its
/// records that is an event (docs/events.md) is published, in journal order. Without a journal
/// (`writer` nil) records are only published.
final class AuditFeeder: Sendable {
    let ring: AuditRing<AuditEvent>
    private let writer: JournalWriter?
    let publisher: RiskEventPublisher?

    /// Records waiting in the journal writer's queue (nil: no journal). Any thread.
    var journalQueueDepth: Int? { writer?.queueDepth }
    /// How many end-of-event markers (counted from 1 in ring order) have their group committed to
    /// the journal: everything the loop recorded before the n-th marker survives a crash once this
    /// is >= n. The loop holds a gateway order until its event's group is committed. Any thread.
    var committedEnds: UInt64 { committedEndCount.load(ordering: .acquiring) }
    private let committedEndCount = Atomic<UInt64>(0)
    private let names: Names
    private let running = Atomic<Bool>(true)
    private let failed = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    /// States handed over by the loop, in the order of their markers in the ring.
    private let snapshots = Mutex<[HostState]>([])
    /// Rare records and events made on the loop (operator actions, alerts, the dead man's switch,
    /// unwinds), in the order of their `.outbound` markers in the ring.
    private let outbound = Mutex<[Outbound]>([])

    /// Journal records and stream events the loop built itself; journaled and published in ring
    /// order with everything else.
    struct Outbound: Sendable {
        var records: [JournalRecord]
        var events: [RiskEvent]
    }
    private let logger: Logger

    /// Names for rendering ids, by id − 1.
    struct Names: Sendable {
        var strategies: [String]
        var symbols: [String]
    }

    init(ring: AuditRing<AuditEvent>, writer: JournalWriter?, publisher: RiskEventPublisher? = nil, names: Names,
         logger: Logger = Logger(label: "gatehouse.audit")) {
        precondition(writer != nil || publisher != nil, "an audit feeder needs a journal or an event stream")
        self.ring = ring
        self.writer = writer
        self.publisher = publisher
        self.names = names
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "gatehouse-audit"
        thread.start()
    }

    /// Whether the journal stopped on an error (nothing more will be recorded).
    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    /// Stops after everything pushed so far is handed to the writer, appends `final` (the run's
    /// end), then closes the writer (which commits it). Blocks until done.
    func stop(final: JournalRecord? = nil) {
        running.store(false, ordering: .releasing)
        done.wait()
        if let final {
            if let writer, !hasFailed {
                // The writer's queue may still be draining; wait for room rather than drop the record.
                while case .full = writer.append(final) { usleep(200) }
            }
            // The audit thread has stopped: this thread may use the socket now.
            if let publisher, let event = RiskEvent.from(final, intent: nil, origin: "strategy", mode: "live") {
                publisher.publish(event, wallTimeNs: AuditSink.wallNs())
            }
        }
        publisher?.close()
        do {
            try writer?.close()
        } catch {
            logger.critical("audit journal did not close cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// Whether states are journaled (there is a journal).
    var keepsSnapshots: Bool { writer != nil }

    /// Queues what the next `.outbound` marker in the ring stands for.
    func enqueue(_ item: Outbound) {
        outbound.withLock { $0.append(item) }
    }

    /// Queues the state that the next `.endOfEvent` marker carrying a snapshot stands for.
    func enqueue(_ state: HostState) {
        snapshots.withLock { $0.append(state) }
    }

    private func run() {
        defer { done.signal() }
        // Rendering allocates (names, details, stage rows, the state's JSON): that is why it
        // happens here, on this thread, and not on the event loop.
        var group: [JournalRecord] = []
        var events: [RiskEvent] = []
        var ticks = MarketTickCodec(reservingTicks: AuditSink.ticksPerQuietBlock)
        // End markers appended to the writer and not yet known committed: (marker number, the
        // group's last seq), oldest first.
        var ends = 0 as UInt64
        var uncommitted: [(end: UInt64, seq: Int64)] = []
        var firstUncommitted = 0
        /// Moves `committedEnds` up to what the writer has committed.
        func advanceCommitted() {
            guard let writer, firstUncommitted < uncommitted.count else { return }
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
                eventTimeNs: ticks.lastTimeNs, wallTimeNs: AuditSink.wallNs(), firstTimeNs: ticks.firstTimeNs,
                count: ticks.count, format: MarketTickCodec.format, ticks: ticks.bytes))
        }
        while true {
            if let event = ring.pop() {
                switch event.kind {
                case .ticks:
                    event.forEachTick { ticks.append(symbolID: $0.symbolID, timeNs: $0.timeNs, price: $0.price) }
                case .outbound:
                    guard let item = outbound.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                    group += item.records
                    if publisher != nil { events += item.events }
                    if writer == nil { publish(&events) }
                case .endOfEvent:
                    // The ticks before the event's records, the records, and the state after it
                    // when one is due: one transaction.
                    var whole: [JournalRecord] = []
                    whole.reserveCapacity(group.count + 2)
                    if let block = takeTicks() { whole.append(block) }
                    whole += group
                    if event.snapshot != .none {
                        guard let state = snapshots.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                        do {
                            whole.append(.snapshot(SnapshotRecord(
                                eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, format: HostState.format,
                                reason: event.snapshot.name, state: try state.encoded())))
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
                    publish(&events)
                    group.removeAll(keepingCapacity: true)
                default:
                    let rendered = records(for: event)
                    if let publisher { events += Self.events(for: rendered, of: event, decisions: publisher.decisions) }
                    if writer == nil {
                        // Without a journal there are no end-of-event markers: each event stands alone.
                        publish(&events)
                    } else {
                        group += rendered
                    }
                }
                continue
            }
            if !running.load(ordering: .acquiring) && ring.count == 0 {
                // Records of an event that had not ended when the host stopped.
                if let block = takeTicks() { group.insert(block, at: 0) }
                if commit(group) != nil { publish(&events) }
                return
            }
            if writer == nil, !events.isEmpty { publish(&events) }
            advanceCommitted()
            publisher?.service(eventTimeNs: lastEventTimeNs.load(ordering: .relaxed), wallTimeNs: AuditSink.wallNs())
            usleep(200)
        }
    }

    /// Latest event time seen, for heartbeats.
    private let lastEventTimeNs = Atomic<Int64>(0)

    /// Publishes and empties `events`.
    private func publish(_ events: inout [RiskEvent]) {
        guard let publisher else { return }
        let wall = AuditSink.wallNs()
        for event in events {
            if event.eventTimeNs > lastEventTimeNs.load(ordering: .relaxed) { lastEventTimeNs.store(event.eventTimeNs, ordering: .relaxed) }
            publisher.publish(event, wallTimeNs: wall)
        }
        events.removeAll(keepingCapacity: true)
    }

    /// The stream events of one audit event's records: decisions (unless only those not approved
    /// are wanted and this one was), orders, fills, state changes and breaches.
    static func events(for records: [JournalRecord], of event: AuditEvent, decisions: EventsConfig.Decisions) -> [RiskEvent] {
        var intent: IntentRecord?
        var events: [RiskEvent] = []
        for record in records {
            if case .intent(let r) = record { intent = r; continue }
            if case .decision(let r) = record, decisions == .notApproved, r.verdict == Verdict.approve.description { continue }
            if let published = RiskEvent.from(record, intent: intent, origin: event.originName,
                                              mode: event.shadow ? "shadow" : "live") {
                events.append(published)
            }
        }
        return events
    }

    /// Appends `group` as one group, waiting while the writer's queue is full (the ring behind
    /// fills meanwhile and the host refuses new risk). The group's last seq (0 for an empty group
    /// or without a journal); nil when the journal failed.
    private func commit(_ group: [JournalRecord]) -> Int64? {
        guard !group.isEmpty, let writer else { return 0 }
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

    /// `orders.status` by `AuditEvent.orderStatus`.
    static let orderStatusNames = ["submitted", "acknowledged", "rejected", "unknown", "reconciled"]

    /// The journal rows of one event.
    func records(for event: AuditEvent) -> [JournalRecord] {
        let strategy = event.strategyID > 0 && Int(event.strategyID) <= names.strategies.count ? names.strategies[Int(event.strategyID) - 1] : "?"
        let symbol = event.symbolID > 0 && Int(event.symbolID) <= names.symbols.count ? names.symbols[Int(event.symbolID) - 1] : "?"
        let side = event.side == GH_SIDE_BUY ? "buy" : (event.side == GH_SIDE_SELL ? "sell" : "?")
        let orderType = event.orderType == GH_ORDER_LIMIT ? "limit" : (event.orderType == GH_ORDER_MARKET ? "market" : "?")
        switch event.kind {
        case .decision:
            let intent = IntentRecord(
                eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, decisionID: event.decisionID, strategy: strategy,
                strategyID: event.strategyID, clientID: event.clientID, symbol: symbol, symbolID: event.symbolID, side: side,
                quantity: event.requestedQuantity, orderType: orderType, limitPrice: event.limitPrice,
                stopLossPrice: event.stopLossPrice, reduceOnly: event.reduceOnly,
                origin: event.originName)
            let stages = event.stageNotes.map { note in
                StageRecord(stage: note.stage.description, code: note.code.description, severity: note.code.severity.rawValue,
                            quantityIn: note.quantityIn, quantityOut: note.quantityOut, factor: note.factor,
                            detail: note.renderedDetail)
            }
            let decision = DecisionRecord(
                eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, decisionID: event.decisionID, strategy: strategy,
                strategyID: event.strategyID, clientID: event.clientID, symbol: symbol, symbolID: event.symbolID,
                verdict: Verdict(rawValue: event.verdict)?.description ?? "?",
                reason: ReasonCode(rawValue: event.reason)?.description ?? "?",
                requestedQuantity: event.requestedQuantity, finalQuantity: event.finalQuantity, stages: stages)
            return [.intent(intent), .decision(decision)]
        case .order, .cancel:
            return [.order(OrderRecord(
                eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, orderID: event.decisionID,
                decisionID: event.decisionID, strategy: strategy, strategyID: event.strategyID,
                clientOrderID: "\(strategy)-\(event.decisionID)", symbol: symbol, symbolID: event.symbolID, side: side,
                quantity: event.quantity, orderType: orderType, limitPrice: event.limitPrice,
                stopLossPrice: event.stopLossPrice, reduceOnly: event.reduceOnly, mode: event.shadow ? "shadow" : "live",
                status: event.kind == .cancel ? "cancelled" : Self.orderStatusNames[Int(min(event.orderStatus, 4))]))]
        case .fill:
            return [.fill(FillRecord(
                eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, fillID: event.fillID, orderID: event.decisionID,
                strategy: strategy, strategyID: event.strategyID, symbol: symbol, symbolID: event.symbolID, side: side,
                quantity: event.quantity, price: event.price, feeUSD: event.feeUSD, liquidity: nil,
                mode: event.shadow ? "shadow" : "live"))]
        case .stateChange:
            // A latch the chain set on its own is a limit found breached: the state it moved to,
            // and the breach with what was measured against what limit.
            let rule = ReasonCode(rawValue: event.reason)?.description ?? "?"
            let onAccount = event.stateKind == 0 || event.stateKind == 2
            let subject = onAccount ? "account" : strategy
            let (kind, from, to, detail): (String, String, String, String)
            switch event.stateKind {
            case 0: (kind, from, to, detail) = (StateChangeRecord.tradingState, "ACTIVE", "HALTED", "drawdown_pct=\(event.value) halt_pct=\(event.limit) latched=HALTED")
            case 1: (kind, from, to, detail) = ("strategy_pause", "RUNNING", "PAUSED", "sharpe=\(event.value) min_sharpe=\(event.limit) paused_until=operator_resume")
            default: (kind, from, to, detail) = ("daily_loss", "ACTIVE", "NO_NEW_RISK_TODAY", "loss_pct=\(event.value) limit_pct=\(event.limit) until=next_utc_day")
            }
            return [
                .stateChange(StateChangeRecord(
                    eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, kind: kind, subject: subject,
                    fromState: from, toState: to, reason: rule, value: event.value, limitValue: event.limit)),
                .breach(BreachRecord(
                    eventTimeNs: event.eventTimeNs, wallTimeNs: event.wallTimeNs, rule: rule, subject: subject,
                    value: event.value, limitValue: event.limit, detail: detail)),
            ]
        case .endOfEvent, .outbound, .ticks:
            return []
        }
    }
}
