import Foundation
import Journal
import Testing

/// The `gatehouse` and `gatehouse-replay` binaries, driven as an operator would.
@Suite("gatehouse command")
struct GatehouseCommandTests {
    struct Summary: Decodable {
        struct Feed: Decodable { let name: String; let events: UInt64; let dropped: [String: UInt64]; let framesAnnounced: UInt64? }
        struct Strategy: Decodable {
            let name: String; let mode: String; let events: UInt64; let intents: UInt64; let decisions: [String: UInt64]
            let fills: UInt64; let realizedUSD: Double
        }
        let ticks: UInt64
        let equityUSD: Double
        let feeds: [Feed]
        let strategies: [Strategy]
        let decisionDigest: String
    }

    static func decode(_ json: String) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(json.utf8))
    }

    /// Data rows in a ticks file.
    static func rowCount(_ path: String) throws -> UInt64 {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return UInt64(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.count)
    }

    /// A copy of the default config whose feed points at `endpoint`.
    static func config(feedEndpoint endpoint: String, in folder: URL, pluginOverride: String? = nil) throws -> String {
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "endpoint: tcp://127.0.0.1:5556", with: "endpoint: \(endpoint)")
        // Plugins resolve against the folder of the binary; say so explicitly for a config elsewhere.
        text = text.replacingOccurrences(of: "plugin_dirs: []", with: "plugin_dirs: [\"\(ProcessDriver.buildFolder.path)\"]")
        if let pluginOverride { text = text.replacingOccurrences(of: "plugin: libBreakout.so", with: "plugin: \(pluginOverride)") }
        // The event stream and the control channel of this host alone: tests run hosts side by side.
        text = text.replacingOccurrences(of: "endpoint: tcp://127.0.0.1:7100", with: "endpoint: ipc://\(folder.path)/events.sock")
        text = text.replacingOccurrences(of: "endpoint: ipc:///tmp/gatehouse-control.sock", with: "endpoint: ipc://\(folder.path)/control.sock")
        // Metrics on a free port, named in the log line `metrics served`.
        text = text.replacingOccurrences(of: "listen: 127.0.0.1:9464", with: "listen: 127.0.0.1:0")
        // A dead man's switch runs on wall time: off, so states compare across runs.
        text = text.replacingOccurrences(of: "deadman:\n", with: "deadman:\n  enabled: false\n")
        let path = folder.appendingPathComponent("gatehouse.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A journal path in a folder of the test's own, so a demo leaves nothing in the system's
    /// temporary folder.
    static func demoJournal() throws -> String {
        try ProcessDriver.temporaryFolder().appendingPathComponent("demo.sqlite").path
    }

    @Test func theDemoReplaysTheBundledDataIntoBothStrategiesThroughRealSockets() throws {
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["demo", "--json", "--journal", try Self.demoJournal()])
        try #require(status == 0, "demo failed: \(stderr)")
        let summary = try Self.decode(stdout)
        let rows = try Self.rowCount(ProcessDriver.repositoryRoot.appendingPathComponent("tools/data/sample_ticks.csv").path)
        #expect(summary.ticks == rows)
        #expect(summary.feeds.first?.events == rows)
        #expect(summary.feeds.first?.framesAnnounced == rows)
        #expect(summary.feeds.first?.dropped.isEmpty == true)
        #expect(summary.strategies.map(\.name) == ["ema_majors", "breakout_all"])
        for strategy in summary.strategies {
            #expect(strategy.intents > 0, "\(strategy.name) sent no intent")
        }
    }

    @Test func theDemoPrintsAHumanReadableSummary() throws {
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["demo"])
        try #require(status == 0, "demo failed: \(stderr)")
        for label in ["ticks", "intents", "wall time", "ticks/s", "ema_majors", "breakout_all", "APPROVE"] {
            #expect(stdout.contains(label), "summary lacks \(label)")
        }
        // Without --journal the demo writes a new journal in the temporary folder and names it;
        // it is there, and this test removes it (with its lock file) so nothing is left behind.
        let row = try #require(stdout.split(separator: "\n").first { $0.contains("audit journal") }, "no journal row: \(stdout)")
        let path = try #require(row.split(separator: " ").last.map(String.init))
        #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func jsonAndBinaryPayloadsGiveTheSameDecisions() throws {
        let (status1, binary, _) = try ProcessDriver.run("gatehouse", ["demo", "--json", "--encoding", "binary", "--journal", try Self.demoJournal()])
        let (status2, json, _) = try ProcessDriver.run("gatehouse", ["demo", "--json", "--encoding", "json", "--journal", try Self.demoJournal()])
        try #require(status1 == 0 && status2 == 0)
        let a = try Self.decode(binary), b = try Self.decode(json)
        #expect(a.decisionDigest == b.decisionDigest)
        #expect(a.strategies.map(\.intents) == b.strategies.map(\.intents))
    }

    @Test func replayGivesTheSameDecisionsAndFillsOnEveryRun() throws {
        let arguments = ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv"]
        let (status1, first, stderr1) = try ProcessDriver.run("gatehouse", arguments)
        let (status2, second, _) = try ProcessDriver.run("gatehouse", arguments)
        try #require(status1 == 0 && status2 == 0, "replay failed: \(stderr1)")
        let a = try Self.decode(first), b = try Self.decode(second)
        #expect(a.decisionDigest == b.decisionDigest)
        #expect(a.equityUSD == b.equityUSD)
        #expect(a.strategies.map(\.fills) == b.strategies.map(\.fills))
        #expect(a.strategies.allSatisfy { $0.fills > 0 }, "the paper venue filled nothing")
    }

    @Test func replayRefusesATicksFileWithABadLastLineBeforeAnythingRuns() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let ticks = folder.appendingPathComponent("late-bad.csv").path
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("tools/data/sample_ticks.csv"), encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count // the last piece is empty
        text += "1772470800000000000,BTCUSD,60000,-1\n"
        try text.write(toFile: ticks, atomically: true, encoding: .utf8)
        let journal = folder.appendingPathComponent("audit.sqlite").path
        let (status, stdout, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", ticks, "--journal", journal])
        #expect(status == 1)
        #expect(stdout.isEmpty)
        #expect(stderr.contains("gatehouse replay: \(ticks):\(lines): invalid trade: invalid_size"), "stderr: \(stderr)")
        // Checked before the host started: no journal, no strategy created, no tick sent.
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(!stderr.contains("\r"), "no progress line when standard error is not a terminal")
    }

    @Test func replayWritesAnAuditJournalOfEveryDecisionAndFill() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("audit.sqlite").path
        let (status, stdout, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv", "--journal", journal])
        try #require(status == 0, "replay failed: \(stderr)")
        let summary = try Self.decode(stdout)
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let intents = summary.strategies.reduce(0) { $0 + Int($1.intents) }
        #expect(try reader.count(.decision) == intents)
        #expect(try reader.count(.fill) == summary.strategies.reduce(0) { $0 + Int($1.fills) })
        // The run started from a `start` state and ended with the state it stopped in.
        let firstRunLast = try #require(try reader.lastSnapshot())
        #expect(firstRunLast.record.reason == "stop")  // the state the run ended in, written at its stop
        #expect(try reader.count(.snapshot) > 0)
        // The next run reopens the same journal, starts from that state and appends to it (the
        // same ticks again are older than its clock, so it only adds what they still cause).
        let again = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv", "--journal", journal])
        #expect(again.0 == 0, "reopening a closed journal failed: \(again.2)")
        let recovered = try reader.records(.snapshot).compactMap { entry -> SnapshotRecord? in
            if case .snapshot(let snapshot) = entry.record, snapshot.reason == "recovered" { return snapshot }
            return nil
        }
        #expect(recovered.count == 1)
        #expect(!firstRunLast.record.encoded.isEmpty)
        #expect(recovered.first.map(SnapshotState.identity) == SnapshotState.identity(firstRunLast.record), "the second run did not start from the first run's last state")
        #expect(try reader.count(.decision) >= intents)
        // Decision ids continue across runs, and each run's start and end are records.
        let ids = try reader.records(.decision).compactMap { entry -> UInt64? in
            if case .decision(let decision) = entry.record { return decision.decisionID }
            return nil
        }
        #expect(Set(ids).count == ids.count, "a decision id was used twice")
        let runs = try reader.records(.stateChange).compactMap { entry -> String? in
            if case .stateChange(let change) = entry.record, change.kind == "host" { return change.reason }
            return nil
        }
        #expect(runs == ["HOST_START", "HOST_STOP", "HOST_START", "HOST_STOP"])
    }

    @Test func aReplayDecidesTheSameWithAndWithoutAJournalThatFallsBehind() throws {
        let folder = try ProcessDriver.temporaryFolder()
        // A busier book than the default (5 s bars, EMA 3/8, no daily trade cap to speak of), and
        // a journal ring of 16 slots: every tick is journaled, so the journal is behind all the time.
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        for (from, to) in [("fast_period: 5", "fast_period: 3"), ("slow_period: 15", "slow_period: 8"), ("bar_seconds: 60", "bar_seconds: 5"),
                           ("max_trades_per_day: 20", "max_trades_per_day: 5000"),
                           ("plugin_dirs: []", "plugin_dirs: [\"\(ProcessDriver.buildFolder.path)\"]")] {
            #expect(text.contains(from), "the bundled config no longer has '\(from)'")
            text = text.replacingOccurrences(of: from, with: to)
        }
        let plain = folder.appendingPathComponent("busy.yaml").path
        try text.write(toFile: plain, atomically: true, encoding: .utf8)
        let journal = folder.appendingPathComponent("busy.sqlite").path
        let journaled = folder.appendingPathComponent("busy-journal.yaml").path
        try (text + "\njournal:\n  path: \(journal)\n  queue_capacity: 16\n").write(toFile: journaled, atomically: true, encoding: .utf8)

        let without = try ProcessDriver.run("gatehouse", ["replay", "--config", plain, "--ticks", "tools/data/sample_ticks.csv"])
        try #require(without.0 == 0, "replay without a journal failed: \(without.2)")
        let with = try ProcessDriver.run("gatehouse", ["replay", "--config", journaled, "--ticks", "tools/data/sample_ticks.csv"])
        try #require(with.0 == 0, "replay with a journal failed: \(with.2)")
        let a = try Self.decode(without.1), b = try Self.decode(with.1)
        let intents = a.strategies.reduce(0) { $0 + $1.intents }
        #expect(intents > 100, "too few intents (\(intents)) to load the journal")
        #expect(a.decisionDigest == b.decisionDigest)
        #expect(b.strategies.map(\.intents) == a.strategies.map(\.intents))
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(try reader.count(.decision) == Int(intents))
        let refused = try reader.records(.decision).filter { entry in
            if case .decision(let d) = entry.record { return d.reason == "JOURNAL_UNAVAILABLE" }
            return false
        }
        #expect(refused.isEmpty, "\(refused.count) intents refused for the journal's sake")
        // Every tick the host applied is in the journal, in blocks.
        let ticks = try reader.records(.marketTicks).reduce(0) { sum, entry in
            guard case .marketTicks(let block) = entry.record else { return sum }
            return sum + block.count
        }
        #expect(UInt64(ticks) == b.ticks)
    }

    @Test func replayInShadowModeSendsNothingAndLeavesLiveEquityAlone() throws {
        let (status, stdout, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv", "--shadow"])
        try #require(status == 0, "replay failed: \(stderr)")
        let summary = try Self.decode(stdout)
        #expect(summary.strategies.allSatisfy { $0.mode == "shadow" })
        #expect(summary.strategies.contains { $0.fills > 0 && $0.realizedUSD != 0 })
        #expect(summary.equityUSD == 100_000)  // shadow PnL never reaches the live book
    }

    @Test func runRefusesABadConfigNamingTheFileAndKey() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let path = try Self.config(feedEndpoint: "tcp://127.0.0.1:5556", in: folder)
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "allocated_capital_usd: 20000", with: "allocated_capital: 20000")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", path])
        #expect(status == 2)
        #expect(stderr.contains(path))
        #expect(stderr.contains("strategies[0].allocated_capital"))
    }

    @Test(arguments: ["missing-folder/audit.sqlite", "not-a-journal.sqlite"])
    func runRefusesToStartOnAJournalItCannotUseAndLeavesTheFileAlone(journal: String) throws {
        let folder = try ProcessDriver.temporaryFolder()
        let garbage = folder.appendingPathComponent("not-a-journal.sqlite").path
        try Data(repeating: 0x5A, count: 8_192).write(to: URL(fileURLWithPath: garbage))
        let before = try Data(contentsOf: URL(fileURLWithPath: garbage))
        let path = try Self.config(feedEndpoint: "ipc://\(folder.path)/md.sock", in: folder)
        try (try String(contentsOfFile: path, encoding: .utf8) + "\njournal: {path: \(journal)}\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", path])
        #expect(status == 1)
        #expect(stderr.contains("journal error"))
        #expect(stderr.contains(journal.split(separator: "/").first.map(String.init) ?? journal))
        #expect(stderr.contains("destroyed strategy"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)) == before)
    }

    @Test func runRefusesToStartWhenAPluginCannotBeLoaded() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let path = try Self.config(feedEndpoint: "ipc://\(folder.path)/md.sock", in: folder, pluginOverride: "libDoesNotExist.so")
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", path])
        #expect(status == 1)
        #expect(stderr.contains("strategy 'breakout_all'"))
        #expect(stderr.contains("libDoesNotExist.so"))
        // The strategy created before the failure was destroyed again.
        #expect(stderr.contains("destroyed strategy"))
    }

    @Test func theBreakoutExampleRefusesAParameterThatIsNotANumberNamingIt() throws {
        // The example reads its params with get_param_double (no JSON reader of its own).
        let folder = try ProcessDriver.temporaryFolder()
        let path = try Self.config(feedEndpoint: "ipc://\(folder.path)/md.sock", in: folder)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "      lookback: 20\n", with: "      lookback: twenty\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", path])
        #expect(status == 1)
        #expect(stderr.contains(#"breakout: parameter "lookback" must be a number"#), "\(stderr)")
        #expect(stderr.contains(#"get_param_double("lookback"): params.lookback is a string, not a number"#))
        #expect(stderr.contains("strategy 'breakout_all'"))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func runStopsGracefullyOnASignalAndDestroysTheStrategies(signal: Int32) throws {
        let folder = try ProcessDriver.temporaryFolder()
        let path = try Self.config(feedEndpoint: "ipc://\(folder.path)/md.sock", in: folder)
        let host = try ProcessDriver("gatehouse", ["run", "--config", path])
        try #require(host.waitForStandardError(containing: "gatehouse ready"), "never ready: \(host.standardError)")
        kill(host.processID, signal)
        let status = try host.waitForExit(seconds: 30)
        #expect(status == 0, "stderr: \(host.standardError)")
        #expect(host.standardError.components(separatedBy: "destroyed strategy").count - 1 == 2)
    }

    @Test func theReplayerToolFeedsARunningHostLosslessly() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let endpoint = "ipc://\(folder.path)/md.sock"
        let ticks = ProcessDriver.repositoryRoot.appendingPathComponent("tools/data/sample_ticks.csv").path
        let replay = try ProcessDriver("gatehouse-replay", ["--ticks", ticks, "--bind", endpoint, "--quiet", "--encoding", "json"])
        try #require(replay.waitForStandardError(containing: "waiting for"), "replayer did not start: \(replay.standardError)")
        let config = try Self.config(feedEndpoint: endpoint, in: folder)
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config, "--until-end-of-stream", "--json"])
        try #require(status == 0, "host failed: \(stderr)")
        #expect(try replay.waitForExit() == 0)
        let summary = try Self.decode(stdout)
        let rows = try Self.rowCount(ticks)
        #expect(summary.ticks == rows)
        #expect(summary.feeds.first?.framesAnnounced == rows)
    }

    @Test func theReplayerRejectsAMalformedTicksFileNamingTheLine() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let path = folder.appendingPathComponent("bad.csv").path
        try "1000,BTCUSD,100,1\n2000,BTCUSD,abc,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse-replay", ["--ticks", path, "--bind", "ipc://\(folder.path)/x.sock"])
        #expect(status != 0)
        #expect(stderr.contains("\(path):2"))
    }
}
