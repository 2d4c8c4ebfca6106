import Foundation
import Journal
import TestKit
import Testing

/// The risk event stream read by the Python subscriber (pyzmq, tools/subscriber), and the control
/// channel driven with `gatehouse ctl`, against a running `gatehouse run`.
@Suite("Event stream and control channel")
struct OperationsEndToEndTests {
    /// The bundled config fed from `feed`, with its own event and control sockets in `folder`,
    /// a journal, and `edit` applied.
    static func config(feed: String, journal: String, in folder: URL, edit: (String) -> String = { $0 }) throws -> String {
        let base = try GatehouseCommandTests.config(feedEndpoint: feed, in: folder)
        var text = try String(contentsOfFile: base, encoding: .utf8)
        text = text.replacingOccurrences(of: "heartbeat_interval_ms: 1000", with: "heartbeat_interval_ms: 100")
        text += "\njournal:\n  path: \(journal)\n"
        let path = folder.appendingPathComponent("operations.yaml").path
        try edit(text).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let python = "/usr/bin/python3"
    static let subscriber = ProcessDriver.repositoryRoot.appendingPathComponent("tools/subscriber/gatehouse_subscriber.py").path

    @Test func aPythonSubscriberReceivesAndValidatesTheLiveStreamWithoutAGap() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let feed = "ipc://\(folder.path)/md.sock", events = "ipc://\(folder.path)/events.sock"
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try Self.config(feed: feed, journal: journal, in: folder)
        // The host first (its feed connects when the replayer binds), then the subscriber, whose
        // first heartbeat proves it is subscribed, then the ticks.
        let host = try ProcessDriver("gatehouse", ["run", "--config", config, "--until-end-of-stream"])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        let ready = folder.appendingPathComponent("ready").path, summaryPath = folder.appendingPathComponent("summary.json").path
        let subscriber = try ChildProcess(Self.python, [
            Self.subscriber, "--endpoint", events, "--until-host-stop", "--ready-file", ready, "--summary", summaryPath,
            "--idle-timeout", "60",
        ], workingDirectory: ProcessDriver.repositoryRoot.path)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: ready), "the subscriber received nothing: \(subscriber.standardError)")
        let replayer = try ProcessDriver("gatehouse-replay", ["--ticks", RecoveryTests.ticks, "--bind", feed, "--quiet", "--speed", "3000"])
        #expect(try replayer.waitForExit() == 0)
        #expect(try host.waitForExit() == 0, "\(host.standardError)")
        let (termination, killed) = subscriber.waitOrKill(seconds: 60)
        #expect(!killed && termination.status == 0, "subscriber: \(subscriber.standardError)")

        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        #expect(summary["exit_reason"] as? String == "host_stop")
        #expect(summary["gap_count"] as? Int == 0, "\(summary["gaps"] ?? "")")
        #expect(summary["invalid_count"] as? Int == 0, "\(summary["invalid"] ?? "")")
        let byKind = try #require(summary["by_kind"] as? [String: Int])
        // Every decision the journal holds was published (decisions: all), and so was every fill.
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(byKind["decision"] == Int(try reader.count(.decision)))
        #expect(byKind["fill"] == Int(try reader.count(.fill)))
        #expect((byKind["decision"] ?? 0) > 0 && (byKind["heartbeat"] ?? 0) > 0 && (byKind["state"] ?? 0) > 0)
    }

    @Test func theBundledEventExamplesValidateAgainstTheirSchemas() throws {
        let result = try ChildProcess.run(Self.python, [
            ProcessDriver.repositoryRoot.appendingPathComponent("tools/subscriber/check_examples.py").path, "-q",
        ])
        #expect(result.termination.status == 0, "\(result.standardOutput)\(result.standardError)")
    }

    /// Runs `gatehouse ctl` against `config`; returns (status, stdout + stderr).
    static func ctl(_ arguments: [String], config: String) throws -> (Int32, String) {
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["ctl"] + arguments + ["--config", config], seconds: 60)
        return (status, stdout + stderr)
    }

    @Test func everyControlVerbWorksAgainstARunningHostAndIsJournaled() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try Self.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder) {
            $0.replacingOccurrences(of: "deadman:\n  enabled: false\n", with: "deadman:\n")
        }
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        // Its threads carry the names the docs give them (journal.md, plugin-abi.md).
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(host.processID)/task")) ?? []
        let threadNames = Set(tasks.compactMap { try? String(contentsOfFile: "/proc/\(host.processID)/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(threadNames.isSuperset(of: ["gh-event-loop", "gh-journal-feed", "gh-journal-sql", "gh-stream"]), "\(threadNames.sorted())")
        // Only the host's user (and root) may connect to the control socket.
        var socketInfo = stat()
        #expect(stat(folder.appendingPathComponent("control.sock").path, &socketInfo) == 0)
        #expect(socketInfo.st_mode & 0o777 == 0o600, "control socket mode \(String(socketInfo.st_mode & 0o777, radix: 8))")

        let (status, text) = try Self.ctl(["status", "--json"], config: config)
        #expect(status == 0, "\(text)")
        #expect(text.contains("\"ema_majors\"") && text.contains("\"cooldown_factor\"") && text.contains("\"deadman\":{"), "\(text)")
        #expect(try Self.ctl(["pause", "ema_majors", "--reason", "fills look wrong", "--operator", "alice"], config: config).0 == 0)
        let unknown = try Self.ctl(["pause", "nosuch", "--reason", "typo", "--operator", "alice"], config: config)
        #expect(unknown.0 == 1 && unknown.1.contains("no strategy 'nosuch'"), "\(unknown.1)")
        let noReason = try Self.ctl(["kill", "--operator", "alice"], config: config)
        #expect(noReason.0 == 2 && noReason.1.contains("needs a reason"), "\(noReason.1)")
        #expect(try Self.ctl(["resume", "ema_majors", "--reason", "checked", "--operator", "alice"], config: config).0 == 0)
        #expect(try Self.ctl(["kill", "--reason", "venue outage", "--operator", "bob"], config: config).0 == 0)
        let killed = try Self.ctl(["status", "--json"], config: config)
        #expect(killed.1.contains("\"kill_switch\":true"), "\(killed.1)")
        #expect(try Self.ctl(["reset", "--reason", "venue back", "--operator", "bob"], config: config).0 == 0)
        #expect(try Self.ctl(["checkin", "--reason", "on call", "--operator", "bob"], config: config).0 == 0)
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")

        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let actions = try reader.operatorActions { "\($0.action) \($0.subject) \($0.actor) \($0.reason)" }
        #expect(actions == [
            "PAUSE ema_majors alice fills look wrong done", "PAUSE nosuch alice typo refused",
            "RESUME ema_majors alice checked done", "KILL account bob venue outage done",
            "RESET account bob venue back done", "CHECKIN account bob on call done",
        ])
        let changes = try reader.operatorStateChanges()
        #expect(changes == ["PAUSE ema_majors RUNNING->PAUSED", "PAUSE ema_majors PAUSED->RUNNING",
                            "KILL_SWITCH account OFF->ON", "KILL_SWITCH account ON->OFF"])
    }

    @Test func limitsChangeWithoutARestartAndABadFileChangesNothing() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try Self.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder)
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        let original = try String(contentsOfFile: config, encoding: .utf8)
        let edited = folder.appendingPathComponent("edited.yaml").path
        func limits(_ text: String, reason: String) throws -> (Int32, String) {
            try text.write(toFile: edited, atomically: true, encoding: .utf8)
            return try Self.ctl(["limits", "--file", edited, "--reason", reason, "--operator", "carol"], config: config)
        }
        // The config file, edited: two limits tighter.
        let good = try limits(original.replacingOccurrences(of: "    max_position_pct: 25", with: "    max_position_pct: 20")
            .replacingOccurrences(of: "    max_trades_per_day: 20", with: "    max_trades_per_day: 12"), reason: "tighter for the open")
        #expect(good.0 == 0, "\(good.1)")
        #expect(good.1.contains("2 limits changed") && good.1.contains("risk.strategy.max_position_pct 25 → 20") && good.1.contains("risk.strategy.max_trades_per_day 20 → 12"), "\(good.1)")
        // Each bad file is refused, naming its key; the limits in force stay.
        let bad: [(String, String)] = [
            (original.replacingOccurrences(of: "    max_position_pct: 25", with: "    max_positon_pct: 20"), "risk.strategy.max_positon_pct"),
            (original.replacingOccurrences(of: "allocated_capital_usd: 20000", with: "allocated_capital_usd: 30000"), "strategies[0].allocated_capital_usd"),
            (original.replacingOccurrences(of: "    window_samples: 120", with: "    window_samples: 100"), "risk.correlation.window_samples"),
            ("risk:\n  account:\n    drawdown_halt_pct: -1\n", "risk.account.drawdown_halt_pct"),
        ]
        for (text, key) in bad {
            let refused = try limits(text, reason: "try")
            #expect(refused.0 == 1 && refused.1.contains(key) && refused.1.contains("the limits in force stay"), "\(key): \(refused.1)")
        }
        // The same change again changes nothing: the edited limits are the ones in force.
        let again = try limits(original.replacingOccurrences(of: "    max_position_pct: 25", with: "    max_position_pct: 20")
            .replacingOccurrences(of: "    max_trades_per_day: 20", with: "    max_trades_per_day: 12"), reason: "again")
        #expect(again.0 == 0 && again.1.contains("no limit changed"), "\(again.1)")
        let noFile = try Self.ctl(["limits", "--reason", "x", "--operator", "carol"], config: config)
        #expect(noFile.0 == 2 && noFile.1.contains("needs --file"), "\(noFile.1)")
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")

        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let actions = try reader.operatorActions { "\($0.action) \($0.actor) \($0.reason)" }
        #expect(actions == ["LIMITS carol tighter for the open done"] + Array(repeating: "LIMITS carol try refused", count: 4)
            + ["LIMITS carol again done"])
        let changes = try reader.operatorStateChanges()
        #expect(changes == ["LIMIT risk.strategy.max_position_pct 25->20", "LIMIT risk.strategy.max_trades_per_day 20->12"])
    }

    @Test func aNonLoopbackControlEndpointWithoutCurveIsRefused() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let config = try Self.config(feed: "ipc://\(folder.path)/md.sock", journal: folder.appendingPathComponent("j.sqlite").path, in: folder) {
            $0.replacingOccurrences(of: "endpoint: ipc://\(folder.path)/control.sock", with: "endpoint: tcp://0.0.0.0:7299")
        }
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config])
        #expect(status == 2)
        #expect(stderr.contains("control.endpoint") && stderr.contains("not an ipc:// endpoint"), "\(stderr)")
    }

    @Test func withCurveOnlyAListedClientKeyGetsAnAnswer() throws {
        let folder = try ProcessDriver.temporaryFolder()
        func keygen(_ name: String) throws -> (path: String, publicKey: String) {
            let path = folder.appendingPathComponent(name).path
            let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["keygen", "--out", path])
            try #require(status == 0, "\(stderr)")
            return (path, stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let server = try keygen("server.key"), client = try keygen("client.key"), stranger = try keygen("stranger.key")
        let config = try Self.config(feed: "ipc://\(folder.path)/md.sock", journal: folder.appendingPathComponent("j.sqlite").path, in: folder) {
            $0.replacingOccurrences(of: "  timeout_ms: 5000\n", with: """
                  timeout_ms: 5000
                  curve:
                    server_key_file: \(server.path)
                    operators: {alice: "\(client.publicKey)"}

                """)
        }
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        let allowed = try Self.ctl(["status", "--key-file", client.path], config: config)
        #expect(allowed.0 == 0, "\(allowed.1)")
        let refused = try Self.ctl(["kill", "--reason", "x", "--operator", "eve", "--key-file", stranger.path, "--timeout-ms", "1500"], config: config)
        #expect(refused.0 == 3, "an unlisted key got an answer: \(refused.1)")
        let noKey = try Self.ctl(["status"], config: config)
        #expect(noKey.0 == 2 && noKey.1.contains("--key-file"), "\(noKey.1)")
        // Alice's key cannot act in someone else's name.
        let impersonating = try Self.ctl(["kill", "--reason", "x", "--operator", "bob", "--key-file", client.path], config: config)
        #expect(impersonating.0 == 2 && impersonating.1.contains("the request names operator 'bob', but its key belongs to operator 'alice'"),
                "\(impersonating.1)")
        let stillOn = try Self.ctl(["status", "--json", "--key-file", client.path], config: config)
        #expect(stillOn.1.contains("\"kill_switch\":false"), "a refused client's kill reached the host: \(stillOn.1)")
        // Without --operator the action is journaled under the key's name.
        let killed = try Self.ctl(["kill", "--reason", "drill", "--key-file", client.path], config: config)
        #expect(killed.0 == 0, "\(killed.1)")
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")
        let reader = try JournalReader(path: folder.appendingPathComponent("j.sqlite").path)
        defer { reader.close() }
        let actors = try reader.records(.operatorAction).compactMap { entry -> String? in
            guard case .operatorAction(let a) = entry.record else { return nil }
            return "\(a.action) \(a.actor)"
        }
        #expect(actors == ["KILL alice"])
    }
}
