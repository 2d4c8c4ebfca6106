import CSQLite
import Foundation
import Journal
import TestKit
import Testing

/// `gatehouse ctl promote` against a running host whose journal holds a real shadow record (a
/// replay of the bundled data): refused while a criterion fails or the strategy is not flat,
/// `--force` overrides a criterion but never an open position, a promotion is journaled and
/// published (validated by the Python subscriber), and a restart names the config change it needs.
@Suite("Promotion on a running host")
struct PromoteOnHostEndToEndTests {
    static let strict = "{min_days: 14, min_trades: 10000}"
    static let lenient = "{min_days: 0, min_trades: 1, min_sharpe: -1000, max_drawdown_pct: 100, max_reject_rate_pct: 100}"

    /// A journal with breakout_all's shadow record from a replay of the bundled data.
    /// `keepState: false` removes the replay's state snapshots, so a host started on it begins
    /// flat (as on a journal written before snapshots existed) while the record stays.
    static func journal(in folder: URL, keepState: Bool) throws -> String {
        let journal = folder.appendingPathComponent("audit.sqlite").path
        let (status, _, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv", "--journal", journal])
        try #require(status == 0, "replay failed: \(stderr)")
        if !keepState {
            var db: OpaquePointer?
            try #require(sqlite3_open(journal, &db) == SQLITE_OK)
            #expect(sqlite3_exec(db, "DELETE FROM snapshots", nil, nil, nil) == SQLITE_OK)
            sqlite3_close(db)
        }
        return journal
    }

    /// The operations config on `journal` with the `promotion` criteria given.
    static func config(journal: String, promotion: String, in folder: URL, breakoutMode: String = "shadow") throws -> String {
        try OperationsEndToEndTests.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder) { text in
            var text = text
            if let start = text.range(of: "\npromotion:"), let end = text.range(of: "\nevents:", range: start.upperBound..<text.endIndex) {
                text.replaceSubrange(start.lowerBound..<end.lowerBound, with: "\npromotion: \(promotion)\n")
            }
            return text.replacingOccurrences(of: "mode: shadow", with: "mode: \(breakoutMode)")
        }
    }

    static func start(_ config: String) throws -> ProcessDriver {
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        return host
    }

    static func stop(_ host: ProcessDriver) throws {
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")
    }

    static func promote(_ extra: [String] = [], config: String) throws -> (Int32, String) {
        try OperationsEndToEndTests.ctl(["promote", "breakout_all", "--reason", "shadow record reviewed", "--operator", "carol"] + extra,
                                        config: config)
    }

    @Test func aFlatStrategyGoesLiveOnlyPastItsCriteriaAndARestartNamesTheConfigChange() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = try Self.journal(in: folder, keepState: false)

        // Strict criteria: refused, naming what fails; nothing changes.
        var host = try Self.start(try Self.config(journal: journal, promotion: Self.strict, in: folder))
        var config = try Self.config(journal: journal, promotion: Self.strict, in: folder)
        let refused = try Self.promote(config: config)
        #expect(refused.0 == 1 && refused.1.contains("fails min_days") && refused.1.contains("min_trades"), "\(refused.1)")
        #expect(try OperationsEndToEndTests.ctl(["status", "--json"], config: config).1.contains("\"name\":\"breakout_all\",\"mode\":\"shadow\""))
        try Self.stop(host)

        // Lenient criteria: promoted, with the Python subscriber validating what is published.
        config = try Self.config(journal: journal, promotion: Self.lenient, in: folder)
        host = try Self.start(config)
        let ready = folder.appendingPathComponent("ready").path, summaryPath = folder.appendingPathComponent("summary.json").path
        let subscriber = try ChildProcess(OperationsEndToEndTests.python, [
            OperationsEndToEndTests.subscriber, "--endpoint", "ipc://\(folder.path)/events.sock", "--until-host-stop",
            "--ready-file", ready, "--summary", summaryPath, "--idle-timeout", "60",
        ], workingDirectory: ProcessDriver.repositoryRoot.path)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: ready), "the subscriber received nothing: \(subscriber.standardError)")
        let promoted = try Self.promote(config: config)
        #expect(promoted.0 == 0, "\(promoted.1)")
        #expect(promoted.1.contains("breakout_all is live (every criterion passes)"), "\(promoted.1)")
        #expect(promoted.1.contains("set `mode: live` for breakout_all (strategies[1])"), "\(promoted.1)")
        let status = try OperationsEndToEndTests.ctl(["status", "--json"], config: config)
        #expect(status.1.contains("\"name\":\"breakout_all\",\"mode\":\"live\""), "\(status.1)")
        let again = try Self.promote(config: config)
        #expect(again.0 == 1 && again.1.contains("already live"), "\(again.1)")
        try Self.stop(host)
        let (termination, killed) = subscriber.waitOrKill(seconds: 60)
        #expect(!killed && termination.status == 0, "subscriber: \(subscriber.standardError)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        #expect(summary["invalid_count"] as? Int == 0, "\(summary["invalid"] ?? "")")
        #expect((summary["by_kind"] as? [String: Int])?["promotion"] == 2)

        let reader = try JournalReader(path: journal)
        let actions = try reader.operatorActions { "\($0.action) \($0.subject) \($0.actor)" }
        #expect(actions == ["PROMOTE breakout_all carol refused", "PROMOTE breakout_all carol done", "PROMOTE breakout_all carol refused"])
        let modes = try reader.records(.stateChange).compactMap { entry -> String? in
            guard case .stateChange(let c) = entry.record, c.kind == StateChangeRecord.mode else { return nil }
            return "\(c.subject) \(c.fromState)->\(c.toState) \(c.reason)"
        }
        #expect(modes == ["breakout_all SHADOW->LIVE OPERATOR"])
        reader.close()

        // The config still says shadow: the restart is refused with the change to make.
        let (restart, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config])
        #expect(restart == 1)
        #expect(stderr.contains("strategy 'breakout_all' is live in the journal's state"), "\(stderr)")
        #expect(stderr.contains("set `mode: live` for breakout_all (strategies[1])"), "\(stderr)")
        // Made, the host resumes with breakout_all live.
        config = try Self.config(journal: journal, promotion: Self.lenient, in: folder, breakoutMode: "live")
        host = try Self.start(config)
        #expect(try OperationsEndToEndTests.ctl(["status", "--json"], config: config).1.contains("\"name\":\"breakout_all\",\"mode\":\"live\""))
        try Self.stop(host)
    }

    @Test func aStrategyThatIsNotFlatIsNotPromotedEvenWhenForced() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = try Self.journal(in: folder, keepState: true)
        let config = try Self.config(journal: journal, promotion: Self.lenient, in: folder)
        let host = try Self.start(config)
        for extra in [[], ["--force"]] {
            let (status, text) = try Self.promote(extra, config: config)
            #expect(status == 1 && text.contains("breakout_all is not flat"), "\(text)")
        }
        let live = try OperationsEndToEndTests.ctl(["promote", "ema_majors", "--reason", "r", "--operator", "carol"], config: config)
        #expect(live.0 == 1 && live.1.contains("ema_majors is already live"), "\(live.1)")
        let unknown = try OperationsEndToEndTests.ctl(["promote", "--reason", "r", "--operator", "carol"], config: config)
        #expect(unknown.0 == 2 && unknown.1.contains("promote needs a strategy"), "\(unknown.1)")
        try Self.stop(host)
    }

    @Test func forceGoesPastAFailedCriterionAndSaysSo() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = try Self.journal(in: folder, keepState: false)
        let config = try Self.config(journal: journal, promotion: Self.strict, in: folder)
        let host = try Self.start(config)
        let (status, text) = try Self.promote(["--force"], config: config)
        #expect(status == 0 && text.contains("breakout_all is live (forced past min_days, min_trades"), "\(text)")
        try Self.stop(host)
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let forced = try reader.records(.operatorAction).compactMap { entry -> String? in
            guard case .operatorAction(let a) = entry.record else { return nil }
            return a.detail
        }
        #expect(forced.count == 1 && forced[0].hasPrefix("outcome=done forced=true"), "\(forced)")
    }
}
