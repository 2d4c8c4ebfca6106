import Foundation
import Journal
import TestKit
import Testing

/// The callback watchdog in a real `gatehouse run`: a plugin whose `on_market_data` sleeps is
/// paused after its overruns, `ctl status` says so, the pause survives `kill -9` and a restart
/// (it is in the journal's snapshot), and `ctl resume` lifts it.
@Suite("Callback watchdog against a running host")
struct WatchdogEndToEndTests {
    /// The test fixture plugin (Tests/HostTests/Fixtures), built with gcc against the contract
    /// header alone, as a plugin author would.
    static func slowPlugin(in folder: URL) throws -> String {
        let output = folder.appendingPathComponent("libslow.so").path
        let root = ProcessDriver.repositoryRoot
        let result = try ChildProcess.run("/usr/bin/gcc", [
            "-std=c11", "-Wall", "-Werror", "-shared", "-fPIC", "-I", root.appendingPathComponent("Sources/StrategyABI/include").path,
            root.appendingPathComponent("Tests/HostTests/Fixtures/fixture_plugin.c").path, "-o", output,
        ])
        try #require(result.termination.status == 0, "gcc failed: \(result.standardError)")
        return output
    }

    @Test func aSlowStrategyIsPausedKeepsItsPauseAcrossAKillAndIsResumedByAnOperator() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let feed = "ipc://\(folder.path)/md.sock"
        let journal = folder.appendingPathComponent("journal.sqlite").path
        // breakout_all (shadow, all four symbols) runs the fixture instead, sleeping 150 ms in
        // every on_market_data from its third event: past a 100 ms budget; two overruns pause it.
        let plugin = try Self.slowPlugin(in: folder)
        let config = try OperationsEndToEndTests.config(feed: feed, journal: journal, in: folder) { text in
            text.replacingOccurrences(of: "plugin: libBreakout.so", with: "plugin: \(plugin)")
                .replacingOccurrences(of: "      lookback: 20\n", with: "      lookback: 20\n      sleep_ms: 150\n      sleep_from_event: 3\n")
                .replacingOccurrences(of: "risk:\n", with: "risk:\n  firewall: {callback_budget_ms: 100, callback_overruns_to_pause: 2}\n")
        }
        try #require(try String(contentsOfFile: config, encoding: .utf8).contains("callback_overruns_to_pause: 2"), "the config has no risk section to edit")
        // The first 30 ticks of the sample data: the slow plugin sees every one.
        let sample = try String(contentsOfFile: RecoveryTests.ticks, encoding: .utf8).split(separator: "\n")
        let ticks = folder.appendingPathComponent("ticks.csv").path
        try (sample.prefix(32).joined(separator: "\n") + "\n").write(toFile: ticks, atomically: true, encoding: .utf8)

        var host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        let replayer = try ProcessDriver("gatehouse-replay", ["--ticks", ticks, "--bind", feed, "--quiet", "--speed", "3000"])
        #expect(try replayer.waitForExit() == 0)
        func status() -> String { (try? OperationsEndToEndTests.ctl(["status", "--json"], config: config).1) ?? "" }
        let deadline = Date().addingTimeInterval(60)
        while !(status()).contains("PAUSED_BY_CALLBACK_WATCHDOG") && Date() < deadline { usleep(100_000) }
        try #require(status().contains("PAUSED_BY_CALLBACK_WATCHDOG"), "\(status())\n\(host.standardError)")
        #expect(host.standardError.contains("callback overran the watchdog's budget"))
        // Killed once the pause is committed (it is journaled with the state after it).
        func pauseCommitted() -> Bool {
            guard let reader = try? JournalReader(path: journal) else { return false }
            defer { reader.close() }
            return ((try? reader.records(.stateChange)) ?? []).contains { entry in
                guard case .stateChange(let change) = entry.record else { return false }
                return change.reason == "CALLBACK_OVERRUN"
            }
        }
        while !pauseCommitted() && Date() < deadline { usleep(50_000) }
        kill(host.processID, SIGKILL)
        _ = try host.waitForExit()

        host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not restart: \(host.standardError)")
        #expect(status().contains("PAUSED_BY_CALLBACK_WATCHDOG"), "the restart lost the pause: \(status())")
        let resumed = try OperationsEndToEndTests.ctl(["resume", "breakout_all", "--reason", "plugin fixed", "--operator", "alice"], config: config)
        #expect(resumed.0 == 0 && resumed.1.contains("paused by the callback watchdog"), "\(resumed.1)")
        #expect(!(status()).contains("PAUSED_BY_CALLBACK_WATCHDOG"))
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")

        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let watchdog = try reader.records(.stateChange).compactMap { entry -> String? in
            guard case .stateChange(let change) = entry.record, change.kind == "WATCHDOG" else { return nil }
            return "\(change.subject) \(change.fromState)->\(change.toState) \(change.reason)"
        }
        #expect(Array(watchdog.prefix(2)) == ["breakout_all 0->1 on_market_data", "breakout_all 1->2 on_market_data"], "\(watchdog)")
        #expect(try reader.operatorActions { "\($0.action) \($0.subject) \($0.actor)" } == ["RESUME breakout_all alice done"])
    }
}
