import Foundation
import Testing

/// `gatehouse promote`, on a journal written by a real replay.
@Suite("gatehouse promote")
struct PromoteCommandTests {
    struct Report: Decodable {
        struct Criterion: Decodable { let name: String; let passed: Bool }
        let strategy: String
        let trades: Int
        let decisions: Int
        let criteria: [Criterion]
    }

    /// Replays the sample data into a journal; returns its path and a config with `promotion` set.
    static func prepare(promotion: String) throws -> (config: String, journal: String) {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("audit.sqlite").path
        let (status, _, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", "tools/data/sample_ticks.csv", "--journal", journal])
        try #require(status == 0, "replay failed: \(stderr)")
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        // Replace the config's own promotion section with the test's criteria.
        if let start = text.range(of: "\npromotion:"), let end = text.range(of: "\nevents:", range: start.upperBound..<text.endIndex) {
            text.replaceSubrange(start.lowerBound..<end.lowerBound, with: "")
        }
        text += "\npromotion: \(promotion)\n"
        let config = folder.appendingPathComponent("gatehouse.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, journal)
    }

    @Test func aShortShadowRecordFailsNamingTheCriteria() throws {
        let (config, journal) = try Self.prepare(promotion: "{min_days: 14, min_trades: 30}")
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["promote", "breakout_all", "--config", config, "--journal", journal, "--json"])
        #expect(status == 1, "stderr: \(stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(stdout.utf8))
        #expect(report.strategy == "breakout_all")
        #expect(report.trades > 0 && report.decisions > 0)
        #expect(Set(report.criteria.filter { !$0.passed }.map(\.name)).isSuperset(of: ["min_days", "min_trades"]))
        let (_, table, _) = try ProcessDriver.run("gatehouse", ["promote", "breakout_all", "--config", config, "--journal", journal])
        #expect(table.contains("NOT PROMOTABLE: fails min_days, min_trades"))
    }

    @Test func aRecordThatMeetsEveryCriterionPasses() throws {
        let criteria = "{min_days: 0, min_trades: 1, min_sharpe: -1000, max_drawdown_pct: 100, max_reject_rate_pct: 100}"
        let (config, journal) = try Self.prepare(promotion: criteria)
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["promote", "breakout_all", "--config", config, "--journal", journal])
        #expect(status == 0, "stderr: \(stderr)")
        #expect(stdout.contains("PROMOTABLE: every criterion passes"))
    }

    @Test func anUnknownStrategyOrAMissingJournalIsAnError() throws {
        let (config, journal) = try Self.prepare(promotion: "{}")
        let unknown = try ProcessDriver.run("gatehouse", ["promote", "nobody", "--config", config, "--journal", journal])
        #expect(unknown.0 == 2)
        #expect(unknown.2.contains("no strategy 'nobody'"))
        let missing = try ProcessDriver.run("gatehouse", ["promote", "breakout_all", "--config", config, "--journal", "/nonexistent/j.sqlite"])
        #expect(missing.0 == 2)
        #expect(missing.2.contains("/nonexistent"))
    }
}
