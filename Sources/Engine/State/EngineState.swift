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
    package static let format = "gatehouse-state-v2+bin"
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

    package init(strategies: [String], symbols: [String], nextDecisionID: UInt64, risk: RiskState, paper: PaperVenue.State,
                 gateway: [GatewayOrder]?, deadman: DeadMansSwitch?) {
        self.strategies = strategies
        self.symbols = symbols
        self.nextDecisionID = nextDecisionID
        self.risk = risk
        self.paper = paper
        self.gateway = gateway
        self.deadman = deadman
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
        case Self.format:
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
            throw RecoveryError(description: "the snapshot is in format '\(format)', which this build does not read (it reads '\(Self.format)' and '\(Self.jsonFormat)')")
        }
    }
}

/// Why the host cannot rebuild its state from the journal. The host refuses to start rather than
/// trade from a state it does not have.
package struct RecoveryError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}
