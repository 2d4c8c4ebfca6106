import Foundation
import Journal
import Testing

/// Limits an operator set with `gatehouse ctl limits` across a restart (docs/control.md,
/// "Limits across a restart"): the journal's tail is re-decided under them, they stay in force
/// while the config is the one they replaced, and an edited config's limits take over.
@Suite("Operator limits across a restart")
struct LimitsRecoveryTests {
    /// The decisions made after the journal's last snapshot, as "verdict reason".
    static func tailDecisions(_ journal: String) throws -> [String] {
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        var tail: [String] = []
        for entry in try reader.allRecords() {
            switch entry.record {
            case .snapshot: tail = []
            case .decision(let decision): tail.append("\(decision.verdict) \(decision.reason)")
            default: break
            }
        }
        return tail
    }

    /// `gatehouse run` on `config`, once its loop runs; its log must say `logged`.
    static func start(_ config: String, logging logged: String) throws -> ProcessDriver {
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "the restart failed: \(host.standardError)")
        #expect(host.standardError.contains(logged), "\(host.standardError)")
        return host
    }

    /// Asks the host of `config` for `file`'s limits (it must answer that none changed) and for
    /// its status (it must name `source` as where the limits come from), then stops it.
    static func checkLimits(of host: ProcessDriver, config: String, file: String, source: String) throws {
        let again = try OperationsEndToEndTests.ctl(["limits", "--file", file, "--reason", "check", "--operator", "carol"], config: config)
        #expect(again.0 == 0 && again.1.contains("no limit changed"), "\(again.1)")
        let status = try OperationsEndToEndTests.ctl(["status", "--json"], config: config)
        #expect(status.1.contains("\"limits_source\":\"\(source)\""), "\(status.1)")
        kill(host.processID, SIGTERM)
        #expect(try host.waitForExit(seconds: 60) == 0, "\(host.standardError)")
    }

    @Test func aTailDecidedUnderAnOperatorsLimitsRecoversAfterKill9AndTheLimitsStayUntilTheConfigIsEdited() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let endpoint = "ipc://\(folder.path)/md.sock"
        // No snapshot but the operator action's: every decision after it is the tail.
        let config = try RecoveryTests.config(endpoint: endpoint, journal: journal, in: folder, name: "host.yaml", snapshotEvery: 10_000_000)
        let original = try String(contentsOfFile: config, encoding: .utf8)
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        // Three trades a day instead of twenty: the book's later entries are refused.
        let tighter = folder.appendingPathComponent("tighter.yaml").path
        try original.replacingOccurrences(of: "    max_trades_per_day: 20", with: "    max_trades_per_day: 3")
            .write(toFile: tighter, atomically: true, encoding: .utf8)
        let changed = try OperationsEndToEndTests.ctl(["limits", "--file", tighter, "--reason", "quiet day", "--operator", "carol"], config: config)
        try #require(changed.0 == 0 && changed.1.contains("risk.strategy.max_trades_per_day 20 → 3"), "\(changed.1)")
        #expect(changed.1.contains("stay in force across restarts"), "\(changed.1)")

        // The ticks, then kill -9 once the journal stops growing.
        try RecoveryTests.feedTicksThenKill(host, endpoint: endpoint, journal: journal)
        let tail = try Self.tailDecisions(journal)
        // The tail holds refusals the config's own limits would not have made.
        #expect(tail.contains("REJECT MAX_TRADES_PER_DAY"), "\(tail)")

        // A restart with the config unedited re-decides the tail under the operator's limits and
        // keeps them: the same change again changes nothing.
        let restarted = try Self.start(config, logging: "the limits an operator set stay in force")
        #expect(restarted.standardError.contains("state recovered from the journal"), "\(restarted.standardError)")
        try Self.checkLimits(of: restarted, config: config, file: tighter, source: "operator")
        #expect(try RecoveryRefusalTests.startChanges(journal) == [])

        // A restart whose config was edited: the config's limits take over, journaled.
        try original.replacingOccurrences(of: "    max_trades_per_day: 20", with: "    max_trades_per_day: 8")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let edited = try Self.start(config, logging: "the config's limits are in force")
        try Self.checkLimits(of: edited, config: config, file: config, source: "config")
        #expect(try RecoveryRefusalTests.startChanges(journal) == ["LIMIT risk.strategy.max_trades_per_day 3->8"])

        // The preview of the operator's limits on this journal: every decision was made under
        // them (each stretch restored with the limits in force then), so none would change.
        let preview = try ProcessDriver.run("gatehouse", ["decide", "--config", config, "--journal", journal, "--limits", tighter])
        let report = try #require(try? JSONSerialization.jsonObject(with: Data(preview.1.utf8)) as? [String: Any], "\(preview.2)")
        #expect(report["decisions_checked"] as? Int == tail.count && report["decisions_changed"] as? Int == 0, "\(report)")
    }
}
