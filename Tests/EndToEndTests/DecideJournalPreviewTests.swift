import Foundation
import Journal
import Testing

/// `gatehouse decide --journal <file> --limits <file>` (docs/what-if.md, "Previewing limits on a
/// journal"): a replay's journal, re-decided under proposed limits, decision by decision.
@Suite("Decide: previewing limits on a journal")
struct DecideJournalPreviewTests {
    static let config = ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml").path

    /// A journal of the bundled ticks under the bundled config, in `folder`.
    static func journal(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("journal.sqlite").path
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["replay", "--config", config, "--ticks", RecoveryTests.ticks, "--journal", path])
        try #require(status == 0, "replay failed: \(stderr)")
        return path
    }

    /// Runs the preview; its exit status, its report as JSON (nil when none) and its standard error.
    static func preview(_ journal: String, limits: String, config: String = Self.config) throws -> (Int32, [String: Any]?, String) {
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["decide", "--config", config, "--journal", journal, "--limits", limits])
        let report = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        return (status, report, stderr)
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func tighterLimitsListTheDecisionsTheyWouldHaveChangedAndTheConfigsOwnChangeNone() throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try Self.journal(in: folder)
        let reader = try JournalReader(path: journal)
        let decisionCount = try reader.count(.decision)
        let lastSeq = try reader.lastSeq()
        reader.close()
        let original = try String(contentsOfFile: Self.config, encoding: .utf8)

        // The config's own limits: every decision re-made exactly as journaled.
        let same = try Self.preview(journal, limits: Self.config)
        let unchanged = try #require(same.1, "no report: \(same.2)")
        #expect(same.0 == 0)
        #expect(unchanged["decisions"] as? Int == decisionCount && unchanged["decisions_checked"] as? Int == decisionCount)
        #expect(unchanged["decisions_changed"] as? Int == 0 && (unchanged["limit_changes"] as? [Any])?.isEmpty == true, "\(unchanged)")

        // Three trades a day instead of twenty.
        let tight = try Self.write(original.replacingOccurrences(of: "    max_trades_per_day: 20", with: "    max_trades_per_day: 3"), "tight.yaml", in: folder)
        let (status, tightReport, stderr) = try Self.preview(journal, limits: tight)
        let report = try #require(tightReport, "no report: \(stderr)")
        #expect(status == 0)
        #expect(report["decisions_checked"] as? Int == decisionCount, "\(report)")
        let limitChanges = try #require(report["limit_changes"] as? [[String: Any]])
        #expect(limitChanges.count == 1 && limitChanges[0]["key"] as? String == "risk.strategy.max_trades_per_day"
                && limitChanges[0]["from"] as? String == "20" && limitChanges[0]["to"] as? String == "3")
        let changed = try #require(report["changed"] as? [[String: Any]])
        #expect(!changed.isEmpty && report["decisions_changed"] as? Int == changed.count)
        for entry in changed {
            let journaled = try #require(entry["journaled"] as? [String: Any]), proposed = try #require(entry["proposed"] as? [String: Any])
            // Only the trade count moved: each changed decision now meets the limit of 3,
            // refused whole or cut to the position it reduces.
            #expect(journaled["verdict"] as? String != "REJECT", "\(entry)")
            #expect(proposed["reason"] as? String == "MAX_TRADES_PER_DAY", "\(entry)")
            let reasons = proposed["reasons"] as? [String] ?? []
            #expect(reasons.contains { $0.hasPrefix("MAX_TRADES_PER_DAY: trades=") && $0.hasSuffix(" limit=3") }, "\(entry)")
            let before = (journaled["final_quantity"] as? NSNumber)?.doubleValue ?? .nan
            let after = (proposed["final_quantity"] as? NSNumber)?.doubleValue ?? .nan
            #expect(after < before, "\(entry)")
        }
        let counted = (report["changes"] as? [String: Int] ?? [:]).values.reduce(0, +)
        #expect(counted == changed.count)

        // The journal is only read.
        let after = try JournalReader(path: journal)
        defer { after.close() }
        #expect(try after.lastSeq() == lastSeq)
    }

    @Test func badLimitsAJournalThatIsNotThereAndMissingOptionsAreRefusedNamingThem() throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try Self.journal(in: folder)
        let original = try String(contentsOfFile: Self.config, encoding: .utf8)
        let cases: [(String, String)] = [
            (original.replacingOccurrences(of: "    max_position_pct: 25", with: "    max_positon_pct: 20"), "risk.strategy.max_positon_pct"),
            (original.replacingOccurrences(of: "    window_samples: 120", with: "    window_samples: 100"), "risk.correlation.window_samples"),
            ("risk:\n  account:\n    drawdown_halt_pct: -1\n", "risk.account.drawdown_halt_pct"),
            (original.replacingOccurrences(of: "allocated_capital_usd: 20000", with: "allocated_capital_usd: 30000"), "strategies[0].allocated_capital_usd"),
        ]
        for (index, (text, key)) in cases.enumerated() {
            let file = try Self.write(text, "bad\(index).yaml", in: folder)
            let (status, report, stderr) = try Self.preview(journal, limits: file)
            #expect(status == 2 && report == nil && stderr.contains(key), "\(key): \(stderr)")
        }
        let missing = try Self.preview(folder.appendingPathComponent("nosuch.sqlite").path, limits: Self.config)
        #expect(missing.0 == 2 && missing.2.contains("nosuch.sqlite: no such file"), "\(missing.2)")
        let noLimits = try ProcessDriver.run("gatehouse", ["decide", "--config", Self.config, "--journal", journal])
        #expect(noLimits.0 != 0 && noLimits.2.contains("--journal needs --limits"), "\(noLimits.2)")
        let both = try ProcessDriver.run("gatehouse", ["decide", "--config", Self.config, "--journal", journal, "--input", "x.json", "--limits", Self.config])
        #expect(both.0 != 0 && both.2.contains("do not go together"), "\(both.2)")
    }
}
