import FeedReplay
import Host
import MarketData
import ZeroMQ

/// Collects every measurement and prints them as Markdown tables (so they paste into BENCHMARKS.md).
struct Report {
    let options: FeedBenchmark.Options
    let configPath: String
    let config: LoadedConfig
    let file: TickFile
    var raw: [(mode: RunMode, run: TransportRun)] = []
    var host: [HostRun] = []
    var decode: [DecodeLatency.Row] = []
    var timer: Percentiles?
    var load: [(phase: String, load: CPULoad)] = []

    init(options: FeedBenchmark.Options, configPath: String, config: LoadedConfig, file: TickFile) {
        self.options = options
        self.configPath = configPath
        self.config = config
        self.file = file
    }

    private func rawRuns(_ mode: RunMode) -> [TransportRun] { raw.filter { $0.mode == mode }.map(\.run) }
    private func hostRuns(_ encoding: PayloadEncoding, _ mode: RunMode) -> [HostRun] {
        host.filter { $0.encoding == encoding && $0.mode == mode }
    }

    func render() -> String {
        var out: [String] = []
        let n = options.events
        let strategies = config.config.strategies.map { "\($0.name) (\($0.plugin), \($0.symbols.count) symbols)" }
        out.append("## Feed path benchmark")
        out.append("")
        out.append("| | |")
        out.append("|---|---|")
        out.append("| date (UTC) | \(Machine.dateUTC) |")
        out.append("| machine | \(Machine.processors) CPUs, \(Machine.cpuModel), Linux \(Machine.kernelRelease) |")
        out.append("| libzmq | \(ZMQContext.libraryVersion) |")
        out.append("| build | \(Machine.buildConfiguration) |")
        out.append("| events | \(grouped(Double(n))) trades, 4 symbols, seed \(SyntheticTicks.seed), data digest \(SyntheticTicks.digest(file.events)) |")
        out.append("| transport | \(options.transport.rawValue), one ZMQContext with 1 I/O thread shared by publisher and subscriber |")
        out.append("| config | \(configPath): \(strategies.joined(separator: ", ")) |")
        let c = config.config
        let operations = [
            c.events.map { "event stream \($0.endpoint) (decisions: \($0.decisions.rawValue), one subscriber reading)" },
            c.control.map { "control channel \($0.endpoint)" }, c.deadman.map { _ in "dead man's switch" },
            c.metrics.map { "metrics \($0.listen) (sampled every \($0.sampleIntervalMs) ms, not scraped)" },
        ].compactMap { $0 }
        out.append("| operations | \(operations.isEmpty ? "off (--operations off): no event stream, control channel or metrics" : operations.joined(separator: "; ")) |")
        out.append("")

        // Raw baseline.
        out.append("### Baseline: raw libzmq (XPUB NODROP sndhwm 100k → SUB, topic 13 B + payload 64 B, pre-encoded)")
        out.append("")
        out.append("| mode | run | msgs/s | MB/s | ns/msg | publisher msgs/s | complete |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for mode in [RunMode.live, .drain] {
            for (index, run) in rawRuns(mode).enumerated() {
                out.append("| \(mode) | \(index + 1) | \(grouped(run.messagesPerSecond)) | \(fixed(run.megabytesPerSecond, 1)) | \(fixed(1e9 / run.messagesPerSecond, 1)) | \(grouped(run.publishRate)) | \(run.complete ? "yes" : "NO: \(run.messages)") |")
            }
        }
        for mode in [RunMode.live, .drain] {
            let rates = medianAndBest(rawRuns(mode).map(\.messagesPerSecond))
            let mb = medianAndBest(rawRuns(mode).map(\.megabytesPerSecond))
            out.append("| **\(mode)** | median / best | **\(grouped(rates.median))** / \(grouped(rates.best)) | \(fixed(mb.median, 1)) / \(fixed(mb.best, 1)) | \(fixed(1e9 / rates.median, 1)) | | |")
        }
        out.append("")
        out.append("live: publisher and subscriber at once, first send → last message received. drain: everything sent first into an unlimited receive queue (\(RawBaseline.settleSeconds) s settle), then timed from the first receive call; \"publisher msgs/s\" of a drain run is the sender alone.")
        out.append("")

        // Host path.
        out.append("### Host path: ReplayPublisher → EventLoop (decode, route, \(config.config.strategies.count) plugins, risk chain)")
        out.append("")
        out.append("| encoding | mode | run | ticks/s (RunSummary) | ticks/s (first send → EOS) | ns/tick | publisher msgs/s | ticks | dropped | plugin calls/tick | intents | decision digest | stream msgs |")
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for encoding in [PayloadEncoding.binary, .json] {
            for mode in [RunMode.live, .drain] {
                for (index, run) in hostRuns(encoding, mode).enumerated() {
                    let s = run.summary
                    out.append("| \(encoding) | \(mode) | \(index + 1) | \(grouped(s.ticksPerSecond)) | \(mode == .live ? grouped(run.endToEndTicksPerSecond) : "—") | \(fixed(1e9 / run.endToEndTicksPerSecond, 1)) | \(grouped(run.publishRate)) | \(grouped(Double(s.ticks))) | \(run.droppedTotal) | \(fixed(Double(s.strategies.reduce(0) { $0 + $1.events }) / Double(max(1, s.ticks)), 2)) | \(s.totalIntents) | \(s.decisionDigest) | \(run.streamMessages.map(String.init) ?? "—") |")
                }
            }
        }
        for encoding in [PayloadEncoding.binary, .json] {
            for mode in [RunMode.live, .drain] {
                let runs = hostRuns(encoding, mode)
                guard runs.count > 1 else { continue }
                let summaryRates = medianAndBest(runs.map(\.summary.ticksPerSecond))
                let endToEnd = medianAndBest(runs.map(\.endToEndTicksPerSecond))
                out.append("| **\(encoding)** | **\(mode)** | median / best | \(grouped(summaryRates.median)) / \(grouped(summaryRates.best)) | \(mode == .live ? "**\(grouped(endToEnd.median))** / \(grouped(endToEnd.best))" : "—") | \(fixed(1e9 / endToEnd.median, 1)) | | | | | | | |")
            }
        }
        out.append("")
        out.append("ns/tick = 1e9 / ticks per second (live: first send → end of stream; drain: RunSummary). RunSummary times from the loop's start, which in a live run may be slightly before or after the first send. drain: the host's receive queue (receive_hwm 0) is filled first, then the loop runs.")
        out.append("")

        // Decoder.
        out.append("### FeedFrameDecoder.decode latency (ns per call, \(grouped(Double(decode.first?.stats.count ?? 0))) calls per row)")
        out.append("")
        out.append("| payload | timing | p50 | p90 | p99 | p99.9 | max | mean |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|")
        if let timer {
            out.append("| (clock_gettime pair alone) | per call | \(fixed(timer.p50, 0)) | \(fixed(timer.p90, 0)) | \(fixed(timer.p99, 0)) | \(fixed(timer.p999, 0)) | \(fixed(timer.max, 0)) | \(fixed(timer.mean, 1)) |")
        }
        for row in decode {
            let s = row.stats
            let places = row.timing == "per call" ? 0 : 1
            out.append("| \(row.payload) | \(row.timing) | \(fixed(s.p50, places)) | \(fixed(s.p90, places)) | \(fixed(s.p99, places)) | \(fixed(s.p999, places)) | \(fixed(s.max, places)) | \(fixed(s.mean, 1)) |")
        }
        out.append("")
        out.append("per call: each call timed alone with clock_gettime(CLOCK_MONOTONIC); includes the timer's own cost (first row). batch: 16 consecutive calls timed together, divided by 16 (batch count = calls / 16).")
        out.append("")

        // Ratios.
        out.append("### Host path as a fraction of raw libzmq (medians)")
        out.append("")
        out.append("| host path | raw libzmq | host / raw | extra ns per tick |")
        out.append("|---|---|---:|---:|")
        func ratioRow(_ label: String, _ hostRate: Double, _ rawLabel: String, _ rawRate: Double) {
            guard hostRate > 0, rawRate > 0 else { return }
            out.append("| \(label): \(grouped(hostRate))/s | \(rawLabel): \(grouped(rawRate))/s | \(fixed(hostRate / rawRate * 100, 1)) % | \(fixed(1e9 / hostRate - 1e9 / rawRate, 1)) |")
        }
        let rawLive = medianAndBest(rawRuns(.live).map(\.messagesPerSecond)).median
        let rawDrain = medianAndBest(rawRuns(.drain).map(\.messagesPerSecond)).median
        ratioRow("binary live", medianAndBest(hostRuns(.binary, .live).map(\.endToEndTicksPerSecond)).median, "live", rawLive)
        ratioRow("binary drain", medianAndBest(hostRuns(.binary, .drain).map(\.summary.ticksPerSecond)).median, "drain", rawDrain)
        ratioRow("json live", medianAndBest(hostRuns(.json, .live).map(\.endToEndTicksPerSecond)).median, "live", rawLive)
        ratioRow("json drain", medianAndBest(hostRuns(.json, .drain).map(\.summary.ticksPerSecond)).median, "drain", rawDrain)
        out.append("")

        // Background load: the machine may be shared.
        out.append("### CPU use during each phase (% of all \(Machine.processors) CPUs, from /proc/stat, 10 ms ticks)")
        out.append("")
        out.append("| phase | this benchmark | other processes | steal |")
        out.append("|---|---:|---:|---:|")
        for (phase, load) in load {
            out.append("| \(phase) | \(fixed(load.own * 100, 0)) % | \(fixed(load.others * 100, 0)) % | \(fixed(load.steal * 100, 0)) % |")
        }
        return out.joined(separator: "\n")
    }
}
