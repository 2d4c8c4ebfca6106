import Foundation
import Risk

/// The engine's recoverable state: what a host restarted on the same journal rebuilds itself from.
///
/// The host journals it as a snapshot now and then (`SnapshotCadence`: every so many events or
/// seconds, after an event whose records recovery does not re-apply, at each run's start and at a
/// clean stop), in the same transaction as the records of the event it follows; a restarted host
/// restores the last one and re-applies the records after it (`StrategyHost.replayTail`; see
/// docs/journal.md, "Recovery"). Run counters (ticks, decisions by reason) and each strategy's own
/// memory are not part of it: a restarted strategy starts afresh and numbers its intents from the
/// start again.
package struct EngineState: Codable, Equatable, Sendable {
    /// The encoding written in `snapshots.format`.
    package static let format = "gatehouse-state-v1+json"

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

    /// Canonical JSON (sorted keys; infinities and NaN as the strings "inf", "-inf", "nan"), so
    /// equal states encode to equal text.
    package func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a snapshot written in `format`.
    package static func decode(format: String, text: String) throws -> EngineState {
        guard format == Self.format else {
            throw RecoveryError(description: "the snapshot is in format '\(format)', which this build does not read (it reads '\(Self.format)')")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(EngineState.self, from: Data(text.utf8))
        } catch {
            throw RecoveryError(description: "the snapshot cannot be decoded: \(error)")
        }
    }
}

/// Why the host cannot rebuild its state from the journal. The host refuses to start rather than
/// trade from a state it does not have.
package struct RecoveryError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}
