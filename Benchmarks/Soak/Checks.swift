import Foundation

/// One check's outcome: PASS or FAIL with the figures behind it.
struct CheckResult {
    var name: String
    var passed: Bool
    var lines: [String]
    /// Not decided: the run gave too little to judge (counts as neither PASS nor FAIL).
    var skipped = false
}

/// The soak's checks over the journal, the stream and the run summary (RELIABILITY.md says what
/// each one covers and what it does not).
enum Checks {
    /// Relative slack on quantities compared across stages (they are doubles computed in
    /// different orders).
    static let quantityEpsilon = 1e-9
    /// How far past the gross cap the book reconstructed from fills may be right after a
    /// risk-increasing fill: the cap binds at the decision, the fill comes at the symbol's next
    /// trade, and the marks of every other symbol move in between.
    static let grossTolerance = 0.02

    // MARK: (a) caps

    /// (a1) Every approval or reshape took no more than the chain's trace let through, and no
    /// more than was asked. (a2) The book rebuilt from the journal's fills, marked with the very
    /// ticks the host was fed (regenerated from the seed), never held more aggregate live gross
    /// than `max_gross_pct_of_equity` of its equity right after a risk-increasing fill.
    static func caps(_ timeline: JournalTimeline, ticks: Int, seed: UInt64, startNs: Int64) -> CheckResult {
        var checked = 0, bad: [String] = []
        for case .decision(let d) in timeline.entries where d.verdict != .reject {
            checked += 1
            let slack = quantityEpsilon * max(1, d.requested)
            var problems: [String] = []
            if d.stages == 0 { problems.append("no stage trace") }
            if d.final > d.smallestStageOut + slack { problems.append("final \(d.final) > a stage's quantity_out \(d.smallestStageOut)") }
            if abs(d.final - d.lastStageOut) > slack { problems.append("final \(d.final) != last stage's \(d.lastStageOut)") }
            if d.verdict == .approve && abs(d.final - d.requested) > slack { problems.append("APPROVE of \(d.final) for \(d.requested) asked") }
            if d.verdict == .reshape && !(d.final < d.requested && d.final > 0) { problems.append("RESHAPE to \(d.final) from \(d.requested)") }
            if !problems.isEmpty, bad.count < 5 { bad.append("seq \(d.seq): " + problems.joined(separator: "; ")) }
            if !problems.isEmpty && bad.count >= 5 { bad.append("…") }
        }

        // (a2) The fills in seq order, the ticks up to each fill's event time.
        var stream = TickStream(seed: seed, startNs: startNs)
        var pending = ticks > 0 ? stream.next() : nil
        var fed = ticks > 0 ? 1 : 0
        var marks = Array(repeating: 0.0, count: TickStream.symbolCount)
        var positions = Array(repeating: 0.0, count: SoakConfig.strategyCount * TickStream.symbolCount)
        // Per symbol, the strategies' summed |position| and summed position: gross and value at
        // the marks in 256 steps a fill instead of 16,384.
        var absolute = Array(repeating: 0.0, count: TickStream.symbolCount)
        var net = Array(repeating: 0.0, count: TickStream.symbolCount)
        var cash = 0.0, fillsChecked = 0, worst = 0.0, worstSeq: Int64 = 0, over = 0
        for case .fill(let f) in timeline.entries {
            while let tick = pending, tick.timestampNs <= f.eventTimeNs {
                marks[tick.symbol] = tick.price
                pending = fed < ticks ? stream.next() : nil
                fed += 1
            }
            guard f.strategy >= 0, f.symbol >= 0 else { continue }
            let slot = f.strategy * TickStream.symbolCount + f.symbol
            let before = positions[slot]
            positions[slot] += f.signedQuantity
            absolute[f.symbol] += abs(positions[slot]) - abs(before)
            net[f.symbol] += f.signedQuantity
            cash -= f.signedQuantity * f.price + f.feeUSD
            guard abs(positions[slot]) > abs(before) + quantityEpsilon else { continue }
            var gross = 0.0, value = 0.0
            for symbol in 0..<TickStream.symbolCount where absolute[symbol] != 0 {
                gross += absolute[symbol] * marks[symbol]
                value += net[symbol] * marks[symbol]
            }
            let cap = SoakConfig.maxGrossPct / 100 * (SoakConfig.startingEquityUSD + cash + value)
            fillsChecked += 1
            if gross / cap > worst { worst = gross / cap; worstSeq = f.seq }
            if gross > cap * (1 + grossTolerance) { over += 1 }
        }
        var lines = ["(a1) \(checked) approvals and reshapes: final quantity ≤ every stage's quantity_out, = the last stage's, = requested on APPROVE, < requested on RESHAPE: \(bad.isEmpty ? "all hold" : "\(bad.count) fail")"]
        lines += bad.map { "  " + $0 }
        lines.append(String(format: "(a2) %d risk-increasing fills: aggregate live gross (filled, at the fed marks) at most %.1f %% of its cap (fill seq %lld); %d past the cap by more than %.0f %%",
                            fillsChecked, worst * 100, worstSeq, over, grossTolerance * 100))
        return CheckResult(name: "(a) no cap exceeded", passed: bad.isEmpty && over == 0, lines: lines)
    }

    // MARK: (b) halted

    /// Walks the journal in `seq` order with the kill switch, the account's trading state and
    /// the operator's pauses as the state changes set them, and the filled positions as the fills
    /// move them: no approval at all under the kill switch (it refuses exits too), and none that
    /// increases a filled position (|q + signed final| > |q|) while HALTED or while its strategy
    /// is paused by the operator.
    static func halted(_ timeline: JournalTimeline) -> CheckResult {
        var kill = false, tradingState = "ACTIVE"
        var paused = Set<String>()
        var positions: [Int: Double] = [:]
        var underKill = 0, underHalt = 0, underPause = 0, bad: [String] = []
        var killOn = 0, halts = 0, pauses = 0
        for entry in timeline.entries {
            switch entry {
            case .state(let s):
                switch s.kind {
                case "KILL_SWITCH": kill = s.to == "ON"; if kill { killOn += 1 }
                case "trading_state": tradingState = s.to; if s.to == "HALTED" { halts += 1 }
                case "PAUSE":
                    if s.to == "RUNNING" { paused.remove(s.subject) } else { paused.insert(s.subject); pauses += 1 }
                default: break
                }
            case .fill(let f):
                positions[f.strategy * TickStream.symbolCount + f.symbol, default: 0] += f.signedQuantity
            case .decision(let d):
                guard d.verdict != .reject else { continue }
                let q = positions[d.strategy * TickStream.symbolCount + d.symbol] ?? 0
                let increases = abs(q + d.side * d.final) > abs(q) + quantityEpsilon * max(1, abs(q))
                let name = d.strategy >= 0 ? SoakConfig.strategies[d.strategy] : "?"
                if kill { underKill += 1; if bad.count < 5 { bad.append("seq \(d.seq): \(name) approved under the kill switch") } }
                if increases && tradingState == "HALTED" { underHalt += 1; if bad.count < 5 { bad.append("seq \(d.seq): \(name) risk-increasing while HALTED") } }
                if increases && paused.contains(name) { underPause += 1; if bad.count < 5 { bad.append("seq \(d.seq): \(name) risk-increasing while paused") } }
            }
        }
        var lines = ["kill switch turned on \(killOn) times, HALTED \(halts) times, operator pauses \(pauses); approvals under the kill switch \(underKill), risk-increasing approvals while HALTED \(underHalt), while paused \(underPause)"]
        lines += bad.map { "  " + $0 }
        return CheckResult(name: "(b) nothing risk-increasing while halted", passed: underKill + underHalt + underPause == 0, lines: lines)
    }

    // MARK: (c) journal = stream = summary

    /// Per strategy, decisions by verdict, order rows by status and fills: the journal and the
    /// stream agree exactly when the stream had no gap; otherwise the stream may miss only as many
    /// messages as its gaps, and every gap must be explained by the heartbeat's `dropped`. The run
    /// summary's decisions by verdict and fills must equal the journal's.
    static func agreement(_ timeline: JournalTimeline, _ stream: StreamTally, summary: [String: Any]) -> CheckResult {
        var lines: [String] = [], passed = true
        let gapsExplained = stream.missing <= stream.heartbeatDropped
        lines.append("stream: \(stream.messages) messages, seq \(stream.firstSeq)…\(stream.lastSeq), \(stream.gaps.count) gaps (\(stream.missing) missing), heartbeat dropped \(stream.heartbeatDropped), host stop seen \(stream.sawHostStop)")
        if !gapsExplained { passed = false; lines.append("  gaps the heartbeat's dropped does not explain: \(stream.missing - stream.heartbeatDropped)") }
        if !stream.sawHostStop { passed = false; lines.append("  the host's last message (host STOPPED) never came") }

        var shortfall = 0
        func compare(_ label: String, _ journal: [String: Int], _ streamed: [String: Int]) {
            var mismatched: [String] = []
            for key in Set(journal.keys).union(streamed.keys).sorted() {
                let j = journal[key] ?? 0, s = streamed[key] ?? 0
                if s > j || (stream.missing == 0 && s != j) { mismatched.append("\(key): journal \(j), stream \(s)") }
                shortfall += max(0, j - s)
            }
            lines.append("\(label): journal \(journal.values.reduce(0, +)), stream \(streamed.values.reduce(0, +)), \(journal.count) keys, \(mismatched.isEmpty ? "agree" : "\(mismatched.count) disagree")")
            lines += mismatched.prefix(5).map { "  " + $0 }
            if !mismatched.isEmpty { passed = false }
        }
        compare("decisions by strategy and verdict", timeline.decisionCounts, stream.decisions)
        compare("order events by strategy and status", timeline.orderCounts, stream.orders)
        compare("fills by strategy", timeline.fillCounts, stream.fills)
        if Int64(shortfall) > stream.missing {
            passed = false
            lines.append("  the stream lacks \(shortfall) records, more than its \(stream.missing) missing seqs")
        }

        var fromSummary: [String: Int] = [:], summaryFills: [String: Int] = [:]
        for strategy in summary["strategies"] as? [[String: Any]] ?? [] {
            let name = strategy["name"] as? String ?? "?"
            for (verdict, count) in strategy["decisions"] as? [String: NSNumber] ?? [:] where count.intValue > 0 {
                fromSummary["\(name) \(verdict)"] = count.intValue
            }
            if let fills = (strategy["fills"] as? NSNumber)?.intValue, fills > 0 { summaryFills[name] = fills }
        }
        let summaryDecisions = fromSummary == timeline.decisionCounts.filter { $0.value > 0 }
        let summaryFillsAgree = summaryFills == timeline.fillCounts.filter { $0.value > 0 }
        lines.append("run summary: decisions \(fromSummary.values.reduce(0, +)) \(summaryDecisions ? "agree" : "DISAGREE"), fills \(summaryFills.values.reduce(0, +)) \(summaryFillsAgree ? "agree" : "DISAGREE") with the journal")
        if !summaryDecisions {
            for key in Set(fromSummary.keys).union(timeline.decisionCounts.keys).sorted() where fromSummary[key] != timeline.decisionCounts[key] {
                lines.append("  \(key): summary \(fromSummary[key] ?? 0), journal \(timeline.decisionCounts[key] ?? 0)")
                if lines.count > 40 { break }
            }
        }
        if !summaryDecisions || !summaryFillsAgree { passed = false }
        return CheckResult(name: "(c) journal = stream = summary", passed: passed, lines: lines)
    }

    // MARK: (d) memory

    /// Resident memory flat over the second half of the run: the least-squares growth of `VmRSS`
    /// there is at most 10 % of its mean, and the last sample is within 10 % of the half's
    /// lowest (so a fall in the middle cannot hide growth after it).
    static func memory(_ samples: [MemorySampler.Sample]) -> CheckResult {
        guard samples.count >= 10 else {
            return CheckResult(name: "(d) RSS flat", passed: true, lines: ["only \(samples.count) samples: the run was too short to tell"], skipped: true)
        }
        let half = Array(samples[(samples.count / 2)...])
        let n = Double(half.count)
        let meanT = half.reduce(0) { $0 + $1.seconds } / n, meanR = half.reduce(0) { $0 + $1.rssMB } / n
        let sxy = half.reduce(0) { $0 + ($1.seconds - meanT) * ($1.rssMB - meanR) }
        let sxx = half.reduce(0) { $0 + ($1.seconds - meanT) * ($1.seconds - meanT) }
        let slope = sxx > 0 ? sxy / sxx : 0   // MB per second
        let growth = slope * (half.last!.seconds - half.first!.seconds)
        let peak = samples.map(\.rssMB).max()!
        let lowest = half.map(\.rssMB).min()!, last = samples.last!.rssMB
        let lines = [String(format: "%d samples over %.0f s: first %.0f MB, last %.0f MB, max %.0f MB; second half mean %.0f MB, slope %.2f MB/min, fitted growth %.1f MB (%.1f %% of its mean; at most 10 %%), lowest %.0f MB, last %.1f %% above it (at most 10 %%)",
                            samples.count, samples.last!.seconds, samples.first!.rssMB, last, peak, meanR, slope * 60, growth, growth / meanR * 100,
                            lowest, (last / lowest - 1) * 100),
                     "samples (s: VmRSS MB / of it RssAnon MB): " + samples.enumerated().filter { $0.offset % max(1, samples.count / 24) == 0 || $0.offset == samples.count - 1 }
                         .map { String(format: "%.0f: %.0f/%.0f", $0.element.seconds, $0.element.rssMB, $0.element.anonMB) }.joined(separator: ", ")]
        return CheckResult(name: "(d) RSS flat", passed: growth <= 0.10 * meanR && last <= 1.10 * lowest, lines: lines)
    }
}
