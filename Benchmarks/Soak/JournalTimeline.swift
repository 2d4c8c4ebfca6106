import Foundation
import Journal

/// The journal of a soak run, read back in pages (`JournalReader`) and kept compact, in `seq`
/// order: what the checks need of every decision, fill and state change, and counts of the rest.
struct JournalTimeline {
    enum Verdict: UInt8 { case approve, reshape, reject }

    struct Decision {
        var seq: Int64
        var strategy: Int
        var symbol: Int
        var verdict: Verdict
        /// +1 buy, −1 sell (from the decision's intent).
        var side: Double
        var reduceOnly: Bool
        var requested: Double
        var final: Double
        /// The smallest and the last `quantity_out` of its stage trace.
        var smallestStageOut: Double
        var lastStageOut: Double
        var stages: Int
    }

    struct Fill {
        var seq: Int64
        var eventTimeNs: Int64
        var strategy: Int
        var symbol: Int
        /// Units, + bought, − sold.
        var signedQuantity: Double
        var price: Double
        var feeUSD: Double
    }

    struct StateChange {
        var seq: Int64
        var kind: String
        var subject: String
        var to: String
    }

    enum Entry {
        case decision(Decision), fill(Fill), state(StateChange)
        var seq: Int64 {
            switch self {
            case .decision(let d): d.seq
            case .fill(let f): f.seq
            case .state(let s): s.seq
            }
        }
    }

    /// Every decision, fill and state change, in `seq` order.
    var entries: [Entry] = []
    /// "strategy verdict" → decisions, "strategy status" → order rows, strategy → fills: the same
    /// keys as `StreamTally`.
    var decisionCounts: [String: Int] = [:]
    var orderCounts: [String: Int] = [:]
    var fillCounts: [String: Int] = [:]
    /// `operator_actions` rows by action.
    var operatorActions: [String: Int] = [:]
    var operatorActionRows = 0
    /// Decisions whose intent was not found (should be none).
    var decisionsWithoutIntent = 0
    var ticksJournaled = 0

    static func read(path: String) throws -> JournalTimeline {
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        var timeline = JournalTimeline()
        let strategyIndex = Dictionary(uniqueKeysWithValues: SoakConfig.strategies.enumerated().map { ($1, $0) })
        func symbolIndex(_ name: String) -> Int { Int(name.dropFirst()) ?? -1 }
        let page = 20_000

        /// Each record of `kind`, page by page, so a 10 M-tick journal is never in memory whole.
        func each(_ kind: JournalRecord.Kind, _ body: (JournalEntry) -> Void) throws {
            var after: Int64 = 0
            while true {
                let entries = try reader.records(kind, afterSeq: after, limit: page)
                for entry in entries { body(entry) }
                guard let last = entries.last, entries.count == page else { return }
                after = last.seq
            }
        }

        var intents: [UInt64: (side: Double, reduceOnly: Bool)] = [:]
        try each(.intent) { entry in
            if case .intent(let intent) = entry.record {
                intents[intent.decisionID] = (intent.side == "buy" ? 1 : -1, intent.reduceOnly)
            }
        }
        var decisions: [Entry] = [], fills: [Entry] = [], states: [Entry] = []
        try each(.decision) { entry in
            guard case .decision(let d) = entry.record else { return }
            timeline.decisionCounts["\(d.strategy) \(d.verdict)", default: 0] += 1
            guard let intent = intents[d.decisionID] else { timeline.decisionsWithoutIntent += 1; return }
            let verdict: Verdict = d.verdict == "APPROVE" ? .approve : d.verdict == "RESHAPE" ? .reshape : .reject
            decisions.append(.decision(Decision(
                seq: entry.seq, strategy: strategyIndex[d.strategy] ?? -1, symbol: symbolIndex(d.symbol), verdict: verdict,
                side: intent.side, reduceOnly: intent.reduceOnly, requested: d.requestedQuantity, final: d.finalQuantity,
                smallestStageOut: d.stages.map(\.quantityOut).min() ?? .nan, lastStageOut: d.stages.last?.quantityOut ?? .nan,
                stages: d.stages.count)))
        }
        intents = [:]
        try each(.fill) { entry in
            guard case .fill(let f) = entry.record else { return }
            timeline.fillCounts[f.strategy, default: 0] += 1
            fills.append(.fill(Fill(seq: entry.seq, eventTimeNs: f.eventTimeNs, strategy: strategyIndex[f.strategy] ?? -1,
                                    symbol: symbolIndex(f.symbol), signedQuantity: f.side == "buy" ? f.quantity : -f.quantity,
                                    price: f.price, feeUSD: f.feeUSD)))
        }
        try each(.stateChange) { entry in
            guard case .stateChange(let s) = entry.record else { return }
            states.append(.state(StateChange(seq: entry.seq, kind: s.kind, subject: s.subject, to: s.toState)))
        }
        try each(.order) { entry in
            if case .order(let o) = entry.record { timeline.orderCounts["\(o.strategy) \(o.status)", default: 0] += 1 }
        }
        try each(.operatorAction) { entry in
            if case .operatorAction(let a) = entry.record {
                timeline.operatorActions[a.action, default: 0] += 1
                timeline.operatorActionRows += 1
            }
        }
        try each(.marketTicks) { entry in
            if case .marketTicks(let block) = entry.record { timeline.ticksJournaled += block.count }
        }
        timeline.entries = (decisions + fills + states).sorted { $0.seq < $1.seq }
        return timeline
    }
}
