import Foundation
import Journal
import Testing

/// The order-rate throttles' clock end to end (docs/risk-chain.md, "The Firewall"): a live host
/// counts wall time, a replay of the same ticks counts event time, and a live journal's tail is
/// re-decided after kill -9 at the wall times journaled with its decisions.
@Suite("Order-rate throttles in wall time")
struct OrderRateClockEndToEndTests {
    /// The bundled config with one intent a second per strategy (burst 1), journaling to `journal`.
    static func config(endpoint: String, journal: String, in folder: URL, name: String) throws -> String {
        let path = try RecoveryTests.config(endpoint: endpoint, journal: journal, in: folder, name: name, snapshotEvery: 10_000_000)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\nrisk:\n", with: "\nrisk:\n  firewall:\n    max_intents_per_second: 1\n    intent_burst: 1\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func reasons(_ journal: String) throws -> [String: Int] {
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        var counts: [String: Int] = [:]
        for entry in try reader.records(.decision) {
            if case .decision(let decision) = entry.record { counts[decision.reason, default: 0] += 1 }
        }
        return counts
    }

    @Test func aLiveHostThrottlesInWallTimeAReplayInEventTimeAndKill9RecoveryReDecidesAtTheJournaledWallTimes() throws {
        let folder = try ProcessDriver.temporaryFolder()
        // The replay: most of the book's intents are minutes apart in event time.
        let replayJournal = folder.appendingPathComponent("replay.sqlite").path
        let replayConfig = try Self.config(endpoint: "tcp://127.0.0.1:5556", journal: replayJournal, in: folder, name: "replay.yaml")
        let replayed = try ProcessDriver.run("gatehouse", ["replay", "--config", replayConfig, "--ticks", RecoveryTests.ticks])
        try #require(replayed.0 == 0, "replay failed: \(replayed.2)")
        let replayReasons = try Self.reasons(replayJournal)
        #expect((replayReasons["NONE"] ?? 0) > 0, "\(replayReasons)")

        // The same ticks into a live host at 3,000 times real time: the same intents come
        // milliseconds apart in wall time, and many more are throttled.
        let journal = folder.appendingPathComponent("live.sqlite").path
        let endpoint = "ipc://\(folder.path)/md.sock"
        let config = try Self.config(endpoint: endpoint, journal: journal, in: folder, name: "live.yaml")
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        try RecoveryTests.feedTicksThenKill(host, endpoint: endpoint, journal: journal)
        let liveReasons = try Self.reasons(journal)
        #expect((liveReasons["ORDER_RATE_EXCEEDED"] ?? 0) > (replayReasons["ORDER_RATE_EXCEEDED"] ?? 0), "live \(liveReasons), replay \(replayReasons)")

        // Every decision is in the tail (no snapshot after the start's): the restart re-decides
        // them at their journaled wall times and rebuilds the state.
        let restarted = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(restarted.waitForStandardError(containing: "event loop running"), "the restart failed: \(restarted.standardError.suffix(1500))")
        #expect(restarted.standardError.contains("state recovered from the journal"), "\(restarted.standardError)")
        kill(restarted.processID, SIGTERM)
        #expect(try restarted.waitForExit(seconds: 60) == 0, "\(restarted.standardError)")
    }
}
