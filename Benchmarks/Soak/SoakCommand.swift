import ArgumentParser
import Foundation
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse-soak`: the whole host under a long, busy, hostile run, then its invariants checked
/// (RELIABILITY.md). Runs the real `gatehouse run --until-end-of-stream` and `gatehouse-replay`
/// (the binaries beside this one) in a temporary folder it removes at the end. Exit 0 when every
/// check passes, 1 when one fails, 2 when the soak itself could not run.
@main
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-soak",
        abstract: "Soak the real host: 64 strategies × 256 symbols, operator actions and faults, then check the invariants.")

    @Option(help: "Ticks to replay.")
    var ticks: Int = 10_000_000

    @Option(help: "Seed of the ticks and of the operator's actions.")
    var seed: UInt64 = 1

    @Option(help: "Seconds between two samples of the host's resident memory.")
    var rssInterval: Double = 1

    @Flag(help: "Leave out the stalled stream subscriber (to tell its share of the host's memory).")
    var noStalledSubscriber = false

    @Option(help: "Keep the run's files in this folder instead of a temporary one removed at the end.")
    var keep: String?

    func validate() throws {
        guard ticks >= 1_000 else { throw ValidationError("--ticks must be at least 1000") }
    }

    func run() throws {
        SoakClock.start = monotonicSeconds()
        let folder = keep ?? NSTemporaryDirectory() + "gatehouse-soak-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        do {
            for tool in ["gatehouse", "gatehouse-replay", "libEMACrossover.so", "libBreakout.so"]
            where !FileManager.default.fileExists(atPath: binaries + "/" + tool) {
                throw SoakFailure("\(binaries)/\(tool) not found: build every product first (swift build -c release)")
            }
            let passed = try soak(folder: folder, binaries: binaries)
            if !passed { throw ExitCode(1) }
        } catch let failure as SoakFailure {
            print("gatehouse-soak: could not run: \(failure)")
            throw ExitCode(2)
        }
    }

    /// The run and its checks; true when every check passed.
    private func soak(folder: String, binaries: String) throws -> Bool {
        // The last tick a minute before now: a live host drops what is dated ahead of its clock.
        let startNs = wallNanos() - Int64(ticks) * TickStream.meanSpacingNs - 60_000_000_000
        let ticksFile = folder + "/ticks.csv"
        note("writing \(ticks) ticks of \(TickStream.symbolCount) symbols (seed \(seed))")
        try TickStream.write(count: ticks, seed: seed, startNs: startNs, to: ticksFile)
        let config = folder + "/soak.yaml", journal = folder + "/journal.sqlite"
        try SoakConfig.write(to: config, folder: folder, pluginDir: binaries, journal: journal)
        let endpoints = SoakConfig.endpoints(in: folder)

        let context = try ZMQContext()
        let stopFaults = StopFlag(), stopOperator = StopFlag(), stopStream = StopFlag()
        let junk = try Faults.JunkFeed(context: context, endpoint: endpoints.junkFeed, stop: stopFaults)
        let subscriber = try StreamSubscriber(context: context, endpoint: endpoints.events, stop: stopStream)
        // The stalled subscriber: subscribes to everything and never reads (1-message queue).
        let stalled = try ZMQSocket(context: context, type: .sub)
        try stalled.setReceiveHighWaterMark(1)
        try stalled.setLinger(milliseconds: 0)
        try stalled.subscribe("")
        if !noStalledSubscriber { try stalled.connect(endpoints.events) }
        defer { stalled.close() }

        let host = Process()
        host.executableURL = URL(fileURLWithPath: binaries + "/gatehouse")
        host.arguments = ["run", "--config", config, "--until-end-of-stream", "--json"]
        FileManager.default.createFile(atPath: folder + "/summary.json", contents: nil)
        FileManager.default.createFile(atPath: folder + "/host.log", contents: nil)
        host.standardOutput = FileHandle(forWritingAtPath: folder + "/summary.json")
        host.standardError = FileHandle(forWritingAtPath: folder + "/host.log")
        try host.run()
        defer { if host.isRunning { host.terminate(); host.waitUntilExit() } }
        note("gatehouse run started (pid \(host.processIdentifier))")
        let deadline = monotonicSeconds() + 60
        while !(subscriber.connected && junk.hostSubscribed) {
            guard host.isRunning, monotonicSeconds() < deadline else {
                throw SoakFailure("the host did not come up (stream heartbeat \(subscriber.connected), junk feed subscribed \(junk.hostSubscribed)); its log: \(folder)/host.log")
            }
            usleep(20_000)
        }
        let memory = MemorySampler(pid: host.processIdentifier, intervalSeconds: rssInterval)
        let operatorScript = OperatorScript(context: context, endpoint: endpoints.control, seed: seed &+ 1, stop: stopOperator)
        let flood = try Faults.ControlFlood(context: context, endpoint: endpoints.control, stop: stopOperator)

        let replay = Process()
        replay.executableURL = URL(fileURLWithPath: binaries + "/gatehouse-replay")
        replay.arguments = ["--ticks", ticksFile, "--bind", endpoints.feed, "--venue", "sim", "--quiet"]
        replay.standardOutput = FileHandle.nullDevice
        replay.standardError = FileHandle.standardError
        let replayStart = monotonicSeconds()
        try replay.run()
        note("gatehouse-replay started: \(ticks) ticks into the host")
        replay.waitUntilExit()
        let replaySeconds = monotonicSeconds() - replayStart
        note(String(format: "gatehouse-replay done in %.1f s (exit %d)", replaySeconds, replay.terminationStatus))
        guard replay.terminationStatus == 0 else { throw SoakFailure("gatehouse-replay exited \(replay.terminationStatus)") }

        // The operator and the flood stop first (their last requests need the host), then the
        // junk feed sends its end of stream and the host stops.
        stopOperator.raise()
        let actions = operatorScript.wait()
        let floodTally = flood.wait()
        stopFaults.raise()
        let junkSent = junk.wait()
        let hostDeadline = monotonicSeconds() + 600
        while host.isRunning && monotonicSeconds() < hostDeadline { usleep(50_000) }
        guard !host.isRunning else { throw SoakFailure("the host did not stop after both ends of stream") }
        let runSeconds = monotonicSeconds() - replayStart
        stopStream.raise()
        guard let stream = subscriber.wait(timeoutSeconds: 30) else { throw SoakFailure("the stream reader did not finish") }
        let samples = memory.wait()
        note(String(format: "host exited %d after %.1f s", host.terminationStatus, runSeconds))
        guard host.terminationStatus == 0 else { throw SoakFailure("gatehouse run exited \(host.terminationStatus); its log: \(folder)/host.log") }
        let summaryData = FileManager.default.contents(atPath: folder + "/summary.json") ?? Data()
        guard let summary = try JSONSerialization.jsonObject(with: summaryData) as? [String: Any] else {
            throw SoakFailure("the host printed no run summary")
        }

        note("reading the journal")
        let timeline = try JournalTimeline.read(path: journal)
        note("checking")
        var results = [Checks.caps(timeline, ticks: ticks, seed: seed, startNs: startNs), Checks.halted(timeline),
                       Checks.agreement(timeline, stream, summary: summary), Checks.memory(samples)]
        results.append(Self.faultsCheck(summary: summary, junkSent: junkSent, flood: floodTally, actions: actions, timeline: timeline))

        let report = SoakReport(ticks: ticks, seed: seed, replaySeconds: replaySeconds, runSeconds: runSeconds,
                                summary: summary, timeline: timeline, actions: actions, results: results)
        print(report.render())
        return results.allSatisfy(\.passed)
    }

    /// (e) The faults were absorbed: every malformed frame dropped under its reason (none reached
    /// a strategy), every unusable control request answered with an error and none journaled,
    /// and every usable one journaled.
    private static func faultsCheck(summary: [String: Any], junkSent: [String: Int], flood: (sent: Int, errors: Int, other: Int),
                                    actions: [OperatorEvent], timeline: JournalTimeline) -> CheckResult {
        let feeds = summary["feeds"] as? [[String: Any]] ?? []
        let junkFeed = feeds.first { $0["name"] as? String == "junk" }
        let dropped = (junkFeed?["dropped"] as? [String: NSNumber] ?? [:]).mapValues(\.intValue).filter { $0.value > 0 }
        let junkEvents = (junkFeed?["events"] as? NSNumber)?.intValue ?? -1
        let answered = actions.filter { $0.outcome == "done" || $0.outcome == "refused" }.count
        let unanswered = actions.count - answered
        var lines = ["junk feed: sent \(junkSent.values.reduce(0, +)) malformed frames, \(junkSent.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))",
                     "host dropped on it: \(dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); events taken from it: \(junkEvents)",
                     "control flood: \(flood.sent) unusable requests, \(flood.errors) answered with an error, \(flood.other) otherwise",
                     "operator: \(actions.count) requests (\(answered) answered done or refused, \(unanswered) not); operator_actions rows \(timeline.operatorActionRows)"]
        let passed = dropped == junkSent && junkEvents == 0 && flood.errors == flood.sent && flood.other == 0
            && timeline.operatorActionRows >= answered && timeline.operatorActionRows <= actions.count
        if !passed { lines.append("  expected: drops = frames sent by reason, no event taken, every flood request an error, operator_actions rows between \(answered) and \(actions.count)") }
        return CheckResult(name: "(e) faults absorbed", passed: passed, lines: lines)
    }
}
