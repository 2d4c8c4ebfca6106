import Journal
import Risk

/// Something the host did that the journal must keep, as plain values: pushing one from the
/// decision path allocates nothing. `AuditFeeder` turns it into journal rows on its own thread.
struct AuditEvent: BitwiseCopyable {
    enum Kind: UInt8 {
        case decision, order, fill, cancel, stateChange
        /// The end of an event that wrote records: its records (and the ticks before them) are
        /// committed as one transaction, with the state after it when `snapshot` says so.
        case endOfEvent
        /// Marks the place of records the loop built itself (`AuditFeeder.Outbound`).
        case outbound
        /// Market events the host applied, in order: up to `ticksPerEvent` of them, kept in the
        /// trace slots (`appendTick`, `ticks`), so the ring carries one event per batch of ticks.
        case ticks
    }

    /// Whether an `.endOfEvent` carries the state after the event, and why (`snapshots.reason`).
    enum SnapshotReason: UInt8 {
        /// No state: the event's records are journaled alone (recovery re-applies them).
        case none
        /// The cadence came due (`journal.snapshot_every_events` or `snapshot_interval_seconds`).
        case periodic
        /// The event wrote records that recovery does not re-apply (an operator action, the dead
        /// man's switch, an alert, an unwind, a gateway order or answer): the state is kept at once.
        case event
        /// The state the run ends in.
        case stop

        /// The name written in `snapshots.reason`.
        var name: String {
            switch self {
            case .none: "none"
            case .periodic: "periodic"
            case .event: "event"
            case .stop: "stop"
            }
        }
    }

    var kind: Kind
    /// Event time and wall time, ns since the Unix epoch.
    var eventTimeNs: Int64
    var wallTimeNs: Int64
    var strategyID: UInt32 = 0
    var symbolID: UInt32 = 0
    /// Decision id (also the order id: one order per approved decision).
    var decisionID: UInt64 = 0
    var clientID: UInt64 = 0
    /// The intent (decision, order, cancel) or the fill (fill).
    var side: UInt32 = 0
    var orderType: UInt32 = 0
    var reduceOnly = false
    var shadow = false
    /// Who made the intent: 0 its strategy, 1 the host's breach unwind.
    var origin: UInt8 = 0
    var quantity = 0.0
    var limitPrice = 0.0
    var stopLossPrice = 0.0
    /// Decision: verdict and primary reason (raw values), requested and final quantity.
    var verdict: UInt32 = 0
    var reason: UInt32 = 0
    var requestedQuantity = 0.0
    var finalQuantity = 0.0
    /// Fill: id, price, fee.
    var fillID: UInt64 = 0
    var price = 0.0
    var feeUSD = 0.0
    /// State change: what changed (0 account halted, 1 strategy paused, 2 account daily loss limit
    /// hit, 3 strategy daily loss limit hit), measured value and limit.
    /// Order: 0 submitted, 1 acknowledged by the gateway, 2 rejected, 3 unknown (answer overdue),
    /// 4 reconciled (an answer for an unknown order).
    var orderStatus: UInt8 = 0
    var stateKind: UInt8 = 0
    /// End of event: whether the state after it is journaled with it.
    var snapshot = SnapshotReason.none
    var value = 0.0
    var limit = 0.0
    /// Decision: the chain's trace, `stageCount` of the eight slots used.
    var stageCount: UInt8 = 0
    var stages: (StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote) =
        (.empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty)

    init(kind: Kind, eventTimeNs: Int64, wallTimeNs: Int64) {
        self.kind = kind
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
    }

    /// Copies up to eight notes of `trace` into the event.
    mutating func setStages(_ trace: [StageNote]) {
        stageCount = UInt8(min(trace.count, 8))
        withUnsafeMutableBytes(of: &stages) { raw in
            let slots = raw.bindMemory(to: StageNote.self)
            for index in 0..<Int(stageCount) { slots[index] = trace[index] }
        }
    }

    /// The recorded notes.
    var stageNotes: [StageNote] {
        withUnsafeBytes(of: stages) { raw in Array(raw.bindMemory(to: StageNote.self).prefix(Int(stageCount))) }
    }

    /// One applied tick as a `.ticks` event holds it.
    struct Tick: BitwiseCopyable {
        var symbolID: UInt32
        var price: Double
        var timeNs: Int64
    }

    /// Ticks a `.ticks` event holds (in the room of the eight trace slots).
    static let ticksPerEvent = MemoryLayout<(StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote)>.size
        / MemoryLayout<Tick>.stride

    /// Adds a tick to a `.ticks` event (`stageCount` counts them); false when it is full.
    @inline(__always)
    mutating func appendTick(symbolID: UInt32, price: Double, at timeNs: Int64) -> Bool {
        let index = Int(stageCount)
        guard index < Self.ticksPerEvent else { return false }
        withUnsafeMutableBytes(of: &stages) { raw in
            raw.storeBytes(of: Tick(symbolID: symbolID, price: price, timeNs: timeNs), toByteOffset: index * MemoryLayout<Tick>.stride, as: Tick.self)
        }
        stageCount += 1
        return true
    }

    /// The ticks of a `.ticks` event, in order.
    func forEachTick(_ body: (Tick) -> Void) {
        withUnsafeBytes(of: stages) { raw in
            for index in 0..<Int(stageCount) {
                body(raw.load(fromByteOffset: index * MemoryLayout<Tick>.stride, as: Tick.self))
            }
        }
    }
}

extension AuditEvent {
    /// `origin` as the journal and the stream name it (`strategy`, `risk_unwind`).
    var originName: String { origin == 1 ? IntentRecord.riskUnwindOrigin : IntentRecord.strategyOrigin }
}

extension StageNote {
    /// A placeholder for unused trace slots.
    static let empty = StageNote(stage: .validation, code: .none, quantityIn: 0, quantityOut: 0)
}
