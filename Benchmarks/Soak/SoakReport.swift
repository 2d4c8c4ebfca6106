import Foundation

/// What the soak prints: the run's figures, the operator's actions with their times, and each
/// check's PASS or FAIL with the figures behind it.
struct SoakReport {
    var ticks: Int
    var seed: UInt64
    var replaySeconds: Double
    var runSeconds: Double
    var summary: [String: Any]
    var timeline: JournalTimeline
    var actions: [OperatorEvent]
    var results: [CheckResult]

    func render() -> String {
        func number(_ key: String) -> Double { (summary[key] as? NSNumber)?.doubleValue ?? .nan }
        let strategies = summary["strategies"] as? [[String: Any]] ?? []
        var verdicts: [String: Int] = [:], reasons: [String: Int] = [:]
        var intents = 0, fills = 0
        for strategy in strategies {
            intents += (strategy["intents"] as? NSNumber)?.intValue ?? 0
            fills += (strategy["fills"] as? NSNumber)?.intValue ?? 0
            for (key, value) in strategy["decisions"] as? [String: NSNumber] ?? [:] { verdicts[key, default: 0] += value.intValue }
            for (key, value) in strategy["reasons"] as? [String: NSNumber] ?? [:] { reasons[key, default: 0] += value.intValue }
        }
        var lines = ["# gatehouse-soak: \(ticks) ticks, \(SoakConfig.strategyCount) strategies × \(TickStream.symbolCount) symbols, seed \(seed)", ""]
        lines.append(String(format: "replay %.1f s, whole run (first tick to host exit) %.1f s; host: %.0f ticks, %.0f ticks/s, loop CPU %.1f s; journal holds %d ticks",
                            replaySeconds, runSeconds, number("ticks"), number("ticksPerSecond"), number("loopCPUSeconds"), timeline.ticksJournaled))
        lines.append(String(format: "intents %d (%.1f per 1,000 ticks), fills %d, equity %.0f USD, live gross %.0f USD", intents,
                            Double(intents) / Double(max(1, ticks)) * 1_000, fills, number("equityUSD"), number("liveGrossUSD")))
        lines.append("decisions: " + verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("reasons: " + reasons.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        var byVerb: [String: Int] = [:]
        for action in actions { byVerb["\(action.verb)\(action.forced ? " --force" : "") \(action.outcome)", default: 0] += 1 }
        lines.append("operator requests: " + byVerb.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("journal operator_actions: " + timeline.operatorActions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("")
        lines.append("operator log (s since the soak started, verb, subject, outcome):")
        lines += actions.map { action in
            String(format: "  %7.2f %@ %@ %@%@", action.at, action.verb, action.strategy ?? "account",
                   action.forced ? "force " : "", action.outcome + (action.outcome == "done" ? "" : ": " + action.message))
        }
        lines.append("")
        for result in results {
            lines.append("\(result.skipped ? "SKIP" : result.passed ? "PASS" : "FAIL") \(result.name)")
            lines += result.lines.map { "     " + $0 }
        }
        lines.append("")
        lines.append(results.allSatisfy(\.passed) ? "soak: PASS" : "soak: FAIL")
        return lines.joined(separator: "\n")
    }
}
