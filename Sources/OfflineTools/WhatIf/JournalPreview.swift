import Engine
import Foundation
import Host
import Journal
import Logging
import Risk

/// `gatehouse decide --journal`: the preview of a change of limits against what a host really
/// saw. It re-applies the journal's records as recovery does (from each snapshot, the records
/// after it, through the same code), and before each decision the chain made it decides the same
/// intent again under the proposed limits, on a copy of the chain as it was at that moment, with
/// the host's conditions of then (the journal's availability, a fair-share block, the order-rate
/// clock's reading). It reports every decision that would have come out otherwise.
///
/// Each decision is judged against the book as it really was: the state then goes on as the
/// journal says, not as the proposed limits would have made it (a refusal the new limits make
/// does not take the position out of the later decisions), and the strategies' intents are the
/// ones they sent (a strategy answered otherwise might have sent others). So the preview answers
/// "which of these decisions would the new limits have changed", one decision at a time
/// (docs/what-if.md, "Previewing limits on a journal").
public enum JournalPreview {
    /// Why the preview could not run: the limits file, the journal, or the config.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The preview's answer (JSON, snake_case keys; docs/what-if.md).
    public struct Report: Encodable, Sendable {
        public var journal: String
        public var limitsFile: String
        /// Every risk key the proposed limits change from the config's, as `ctl limits` lists them.
        public var limitChanges: [LimitChange]
        /// Decisions in the journal; those re-decided under the proposed limits; those refused
        /// before the chain (validation: no limit plays a part); those that came out otherwise.
        public var decisions: Int
        public var decisionsChecked: Int
        public var decisionsBeforeTheChain: Int
        public var decisionsChanged: Int
        /// How many changed each way: `"APPROVE NONE -> REJECT MAX_TRADES_PER_DAY": 3`.
        public var changes: [String: Int]
        /// Parts of the journal that could not be re-applied, so their decisions were not checked.
        public var notChecked: [Unchecked]
        /// Every decision that would have come out otherwise, in journal order.
        public var changed: [ChangedDecision]

        enum CodingKeys: String, CodingKey {
            case journal, limitsFile = "limits_file", limitChanges = "limit_changes", decisions
            case decisionsChecked = "decisions_checked", decisionsBeforeTheChain = "decisions_before_the_chain"
            case decisionsChanged = "decisions_changed", changes, notChecked = "not_checked", changed
        }
    }

    public struct LimitChange: Encodable, Sendable {
        public var key: String
        public var from: String
        public var to: String
    }

    /// A stretch of the journal not re-applied: from the snapshot at `fromSeq`, why, and how many
    /// decisions it held.
    public struct Unchecked: Encodable, Sendable {
        public var fromSeq: Int64
        public var reason: String
        public var decisions: Int

        enum CodingKeys: String, CodingKey { case fromSeq = "from_seq", reason, decisions }
    }

    public struct Outcome: Encodable, Sendable, Equatable {
        public var verdict: String
        public var reason: String
        public var finalQuantity: Double
        /// Every stage note that is not `NONE`, rendered (`CODE: key=value …`); the proposed
        /// outcome's only (the journal's trace is in `decision_stages`).
        public var reasons: [String]?

        enum CodingKeys: String, CodingKey { case verdict, reason, finalQuantity = "final_quantity", reasons }
    }

    public struct ChangedDecision: Encodable, Sendable {
        public var decisionID: UInt64
        public var strategy: String
        public var symbol: String
        public var side: String
        public var quantity: Double
        public var eventTimeNs: Int64
        public var wallTimeNs: Int64
        public var journaled: Outcome
        public var proposed: Outcome

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id", strategy, symbol, side, quantity, eventTimeNs = "event_time_ns"
            case wallTimeNs = "wall_time_ns", journaled, proposed
        }
    }

    /// Previews `limitsText` (a limits file as `gatehouse ctl limits --file` takes it, named
    /// `limitsFile`) on `journal`, written by a host started from `config`.
    public static func run(config: LoadedConfig, journal: String, limitsText: String, limitsFile: String) throws(Failure) -> Report {
        let change: LimitsChange
        do {
            change = try LimitsFile.read(limitsText, file: limitsFile, running: config, inForce: config.config.risk.limits)
        } catch {
            throw Failure(description: error.description)
        }
        let logger = Logger(label: "gatehouse.decide") { _ in SwiftLogNoOpLogHandler() }
        func freshEngine() -> Engine { Engine(Engine.Setup(config.config), logger: logger, wallNs: { 0 }) }
        if let failure = freshEngine().risk.restartNeeded(for: change.limits) {
            throw Failure(description: "\(limitsFile): risk.\(failure.key): \(failure.message)")
        }
        let reader: JournalReader
        do {
            reader = try JournalReader(path: journal)
        } catch {
            throw Failure(description: "\(journal): \(error)")
        }
        defer { reader.close() }

        let probe = Probe(limits: change.limits)
        var report = Report(journal: journal, limitsFile: limitsFile,
                            limitChanges: change.changes.map { LimitChange(key: "risk.\($0.key)", from: $0.from, to: $0.to) },
                            decisions: 0, decisionsChecked: 0, decisionsBeforeTheChain: 0, decisionsChanged: 0, changes: [:],
                            notChecked: [], changed: [])
        var replay: TailReplay?
        var segmentSeq: Int64 = 0
        var broken: Unchecked?
        func closeBroken() {
            if let stretch = broken { report.notChecked.append(stretch) }
            broken = nil
        }
        var afterSeq: Int64 = 0
        while true {
            let page: [JournalEntry]
            do {
                page = try reader.allRecords(afterSeq: afterSeq, limit: 4_096)
            } catch {
                throw Failure(description: "\(journal): \(error)")
            }
            guard let last = page.last else { break }
            afterSeq = last.seq
            for entry in page {
                if case .snapshot(let snapshot) = entry.record {
                    closeBroken()
                    segmentSeq = entry.seq
                    do throws(RecoveryError) {
                        replay = try segment(from: snapshot, engine: freshEngine(), config: config, probe: probe)
                    } catch {
                        replay = nil
                        broken = Unchecked(fromSeq: entry.seq, reason: "its state cannot be restored with this config: \(error.description)", decisions: 0)
                    }
                    continue
                }
                if case .decision(let decision) = entry.record {
                    report.decisions += 1
                    if decision.stages.first?.stage == RiskStage.validation.description { report.decisionsBeforeTheChain += 1 }
                }
                guard replay != nil else {
                    if case .decision = entry.record {
                        if broken == nil { broken = Unchecked(fromSeq: segmentSeq, reason: "the journal holds no state before it", decisions: 0) }
                        broken!.decisions += 1
                    }
                    continue
                }
                do throws(TailReplay.Refusal) {
                    try replay!.apply(entry)
                } catch {
                    // Rows recovery never re-applies (an operator's action, an unwind, the order
                    // gateway's) end a stretch: a snapshot follows them, and the walk goes on from it.
                    replay = nil
                    broken = Unchecked(fromSeq: segmentSeq, reason: "record seq \(entry.seq) (\(entry.record.kind.table)) is not re-applied: \(error.reason)", decisions: 0)
                }
            }
        }
        closeBroken()
        // A stretch cut by a row that a snapshot follows at once held nothing unchecked.
        report.notChecked.removeAll { $0.decisions == 0 }
        report.decisionsChecked = probe.checked
        report.changed = probe.changed
        report.decisionsChanged = probe.changed.count
        report.changes = probe.changes
        return report
    }

    /// An engine restored from `snapshot` (with the limits an operator had put in force), and the
    /// walk through the records after it, showing each decision to `probe`.
    private static func segment(from snapshot: SnapshotRecord, engine: Engine, config: LoadedConfig, probe: Probe) throws(RecoveryError) -> TailReplay {
        let saved = try EngineState.decode(format: snapshot.format, text: snapshot.state, bytes: snapshot.encoded)
        engine.orderRateClock = saved.orderRateClock ?? .event
        try engine.restore(saved)
        if let limits = saved.limits { try RecoveredLimits(limits, config: config).resume(engine) }
        var replay = TailReplay(engine: engine, savedSymbols: saved.symbols, orderRateClock: saved.orderRateClock ?? .event)
        replay.beforeDecision = { [engine, probe] journaled in probe.check(journaled, on: engine) }
        return replay
    }

    /// Decides each journaled decision again under the proposed limits and keeps what differs.
    private final class Probe {
        let limits: RiskLimits
        var checked = 0
        var changed: [ChangedDecision] = []
        var changes: [String: Int] = [:]

        init(limits: RiskLimits) { self.limits = limits }

        func check(_ journaled: JournaledDecision, on engine: Engine) {
            let record = journaled.record
            guard let (decision, trace) = engine.wouldDecide(
                journaled.intent, decisionID: record.decisionID, at: record.eventTimeNs, under: limits,
                journalWasUnavailable: journaled.journalWasUnavailable, isolation: journaled.isolation,
                orderRateAt: journaled.orderRateAt)
            else { return }
            checked += 1
            let before = Outcome(verdict: record.verdict, reason: record.reason, finalQuantity: record.finalQuantity)
            let after = Outcome(verdict: decision.verdict.description, reason: decision.reason.description,
                                finalQuantity: decision.finalQuantity)
            guard before != after else { return }
            var proposed = after
            proposed.reasons = trace.filter { $0.code != .none }.map(\.rendered)
            changes["\(before.verdict) \(before.reason) -> \(after.verdict) \(after.reason)", default: 0] += 1
            changed.append(ChangedDecision(
                decisionID: record.decisionID, strategy: record.strategy, symbol: record.symbol,
                side: journaled.intent.side == .buy ? "buy" : "sell", quantity: journaled.intent.quantity,
                eventTimeNs: record.eventTimeNs, wallTimeNs: record.wallTimeNs, journaled: before, proposed: proposed))
        }
    }
}
