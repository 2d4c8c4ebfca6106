import Foundation
import Risk

/// The engine's recoverable state: what a host restarted on the same journal rebuilds itself from.
///
/// The host journals it as a snapshot now and then (`SnapshotCadence`: every so many events or
/// seconds, after an event whose records recovery does not re-apply, at each run's start and at a
/// clean stop), in the same transaction as the records of the event it follows; a restarted host
/// restores the last one and re-applies the records after it (`Engine.replayTail`; see
/// docs/journal.md, "Recovery"). Run counters (ticks, decisions by reason) and each strategy's own
/// memory are not part of it: a restarted strategy starts afresh and numbers its intents from the
/// start again.
package struct EngineState: Codable, Equatable, Sendable {
    /// The encoding written in `snapshots.format` (binary, in `snapshots.state_bin`).
    package static let format = "gatehouse-state-v5+bin"
    /// The binary encoding before the limits an operator put in force (`limits`) and the
    /// order-rate buckets' clock (`orderRateClock`) were added at the end: the same bytes without
    /// them, still read (the config's limits in force, buckets in event time).
    package static let formatV4 = "gatehouse-state-v4+bin"
    /// The binary encoding before the callback watchdog's pauses (`OrderFlow.callbackPaused`)
    /// were added at the end: the same bytes without them, still read (none paused).
    package static let formatV3 = "gatehouse-state-v3+bin"
    /// The binary encoding before the Firewall's order flow (`orderFlow`) was added at the end:
    /// the same bytes without it, still read.
    package static let formatV2 = "gatehouse-state-v2+bin"
    /// The encoding of journals written before it (JSON text, in `snapshots.state`), still read.
    package static let jsonFormat = "gatehouse-state-v1+json"

    /// Strategy names by id − 1 and symbol names by id − 1: the shape the state was made for.
    package var strategies: [String]
    package var symbols: [String]
    /// The next decision id (ids continue across runs).
    package var nextDecisionID: UInt64
    /// Positions, pending orders, marks, equity, peak, day start, hourly marks, cooldown streaks,
    /// trades today, correlations, decay windows and pauses, kill switch and latches, event clock.
    package var risk: RiskState
    /// Orders resting at the paper venue, and the next fill id.
    package var paper: PaperVenue.State
    /// Live orders in flight at the order gateway (nil without one). A restarted host asks the
    /// gateway for their state and never sends them again.
    package var gateway: [GatewayOrder]?
    /// The dead man's switch: last check-in and level (nil without one). A restart does not count
    /// as a check-in: an automated restart must not mask an operator's absence.
    package var deadman: DeadMansSwitch?
    /// The Firewall's order-rate buckets and each strategy's last orders: `risk.orderFlow`,
    /// coded last and optional, so a v2 snapshot, which ends before it, reads as nil (full
    /// buckets). Not stored twice: a state rides in every end-of-event fact's ring slot.
    package var orderFlow: OrderFlow? {
        get { risk.orderFlow }
        set { risk.orderFlow = newValue }
    }
    /// The limits an operator put in force with `gatehouse ctl limits` and the config's they
    /// replaced (nil: the config's own were in force). Coded last and optional: a v4 snapshot
    /// reads as nil.
    package var limits: OperatorLimits? {
        get { annex?.limits }
        set { annex = StateAnnex.of(limits: newValue, orderRateClock: orderRateClock) }
    }
    /// The clock the order-rate buckets in `orderFlow` were counted in. Coded after `limits`,
    /// optional: a v4 snapshot (event time then) reads as nil.
    package var orderRateClock: OrderRateClock? {
        get { annex?.orderRateClock }
        set { annex = StateAnnex.of(limits: limits, orderRateClock: newValue) }
    }
    /// Where `limits` and `orderRateClock` are kept (nil: neither).
    private var annex: StateAnnex?

    enum CodingKeys: String, CodingKey {
        case strategies, symbols, nextDecisionID, risk, paper, gateway, deadman, orderFlow, limits, orderRateClock
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        strategies = try c.decode([String].self, forKey: .strategies)
        symbols = try c.decode([String].self, forKey: .symbols)
        nextDecisionID = try c.decode(UInt64.self, forKey: .nextDecisionID)
        risk = try c.decode(RiskState.self, forKey: .risk)
        paper = try c.decode(PaperVenue.State.self, forKey: .paper)
        gateway = try c.decodeIfPresent([GatewayOrder].self, forKey: .gateway)
        deadman = try c.decodeIfPresent(DeadMansSwitch.self, forKey: .deadman)
        risk.orderFlow = try c.decodeIfPresent(OrderFlow.self, forKey: .orderFlow)
        let limits = try c.decodeIfPresent(OperatorLimits.self, forKey: .limits)
        let clock = try c.decodeIfPresent(OrderRateClock.self, forKey: .orderRateClock)
        annex = StateAnnex.of(limits: limits, orderRateClock: clock)
    }

    /// The same properties in the same order as `init(from:)` (the compact encoding keeps no keys).
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(strategies, forKey: .strategies)
        try c.encode(symbols, forKey: .symbols)
        try c.encode(nextDecisionID, forKey: .nextDecisionID)
        try c.encode(risk, forKey: .risk)
        try c.encode(paper, forKey: .paper)
        try c.encodeIfPresent(gateway, forKey: .gateway)
        try c.encodeIfPresent(deadman, forKey: .deadman)
        try c.encodeIfPresent(risk.orderFlow, forKey: .orderFlow)
        try c.encodeIfPresent(limits, forKey: .limits)
        try c.encodeIfPresent(orderRateClock, forKey: .orderRateClock)
    }

    package init(strategies: [String], symbols: [String], nextDecisionID: UInt64, risk: RiskState, paper: PaperVenue.State,
                 gateway: [GatewayOrder]?, deadman: DeadMansSwitch?, annex: StateAnnex? = nil) {
        self.strategies = strategies
        self.symbols = symbols
        self.nextDecisionID = nextDecisionID
        self.risk = risk
        self.paper = paper
        self.gateway = gateway
        self.deadman = deadman
        self.annex = annex
    }

    /// The state in `format` (`CompactCoder`): about 40 % of its JSON on the book workload
    /// (BENCHMARKS.md), with the correlation matrix left out (it is recomputed from the pair sums
    /// on decoding). Encoded off the event loop, by the journal's feeder thread.
    package func encoded() throws -> [UInt8] {
        try CompactCoder.encode(self)
    }

    /// Canonical JSON (sorted keys; infinities and NaN as the strings "inf", "-inf", "nan"), so
    /// equal states encode to equal text: `jsonFormat`, for tests and tools that read it.
    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a snapshot: `format` with its bytes, or `jsonFormat` with its text.
    package static func decode(format: String, text: String, bytes: [UInt8]) throws(RecoveryError) -> EngineState {
        switch format {
        case Self.format, Self.formatV4, Self.formatV3, Self.formatV2:
            do {
                return try CompactCoder.decode(EngineState.self, from: bytes)
            } catch {
                throw RecoveryError(description: "the snapshot (\(bytes.count) bytes of '\(format)') cannot be decoded: \(error)")
            }
        case Self.jsonFormat:
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            do {
                return try decoder.decode(EngineState.self, from: Data(text.utf8))
            } catch {
                throw RecoveryError(description: "the snapshot cannot be decoded: \(error)")
            }
        default:
            throw RecoveryError(description: "the snapshot is in format '\(format)', which this build does not read (it reads '\(Self.format)', '\(Self.formatV4)', '\(Self.formatV3)', '\(Self.formatV2)' and '\(Self.jsonFormat)')")
        }
    }
}

/// Why the host cannot rebuild its state from the journal. The host refuses to start rather than
/// trade from a state it does not have.
package struct RecoveryError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}
