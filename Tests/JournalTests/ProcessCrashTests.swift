import Foundation
import TestKit
import Testing
@testable import Journal

/// Record i as the crash child (`gatehouse-bench-journal --crash-child`,
/// Benchmarks/JournalBenchmark/CrashChild.swift) writes it. Kept in step by hand on purpose: the
/// test is the oracle, so it must not share the child's code.
enum CrashRecords {
    static let t0: Int64 = 1_772_409_600_000_000_000

    static func record(_ i: Int64) -> JournalRecord {
        switch i % 3 {
        case 0:
            return .decision(DecisionRecord(
                eventTimeNs: t0 + i, wallTimeNs: t0 + 2 * i, decisionID: UInt64(i), strategy: "crash", strategyID: 7,
                clientID: UInt64(i), symbol: "BTCUSD", symbolID: 3, verdict: "APPROVE", reason: "NONE",
                requestedQuantity: Double(i) / 4, finalQuantity: Double(i) / 4,
                stages: [
                    StageRecord(stage: "PortfolioGuard", code: "NONE", severity: "INFO", quantityIn: Double(i) / 4,
                                quantityOut: Double(i) / 4, factor: 1, detail: ""),
                    StageRecord(stage: "Cooldown", code: "COOLDOWN_SCALED", severity: "RESHAPE", quantityIn: Double(i) / 4,
                                quantityOut: Double(i) / 4, factor: 0.5, detail: "losses=\(i % 5) factor=0.5"),
                ]))
        case 1:
            return .fill(FillRecord(
                eventTimeNs: t0 + i, wallTimeNs: t0 + 2 * i, fillID: UInt64(i), orderID: UInt64(i - 1), strategy: "crash",
                strategyID: 7, symbol: "BTCUSD", symbolID: 3, side: "SELL", quantity: Double(i) / 8, price: 60_000 + Double(i),
                feeUSD: 0.5, liquidity: "TAKER", mode: "LIVE"))
        default:
            return .intent(IntentRecord(
                eventTimeNs: t0 + i, wallTimeNs: t0 + 2 * i, decisionID: UInt64(i), strategy: "crash", strategyID: 7,
                clientID: UInt64(i), symbol: "BTCUSD", symbolID: 3, side: "BUY", quantity: Double(i) / 2,
                orderType: "LIMIT", limitPrice: 59_000 + Double(i), stopLossPrice: 58_000, reduceOnly: false))
        }
    }
}

@Suite("Journal process crash")
struct ProcessCrashTests {
    let scratch = JournalTestSupport.Scratch()

    /// A child host appends and flushes N records, keeps appending and committing, and is
    /// SIGKILLed mid-stream. Everything committed survives, including the N flushed; the journal
    /// has no gap; the stale lock does not block the next host, which continues the sequence.
    @Test func aKilledHostKeepsEverythingCommittedWithoutGaps() throws {
        let binary = JournalTestSupport.buildFolder.appendingPathComponent("gatehouse-bench-journal").path
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) is missing: build with `swift build --build-tests` so the benchmark binary sits beside the tests")
        let path = try scratch.journalPath()
        let flushedCount: Int64 = 5_000

        let child = try ChildProcess(binary, ["--crash-child", path, String(flushedCount)])
        let output = { child.standardOutput }
        // Waits are bounded (not timing assertions): a broken child fails instead of hanging.
        try #require(child.waitForStandardOutput(containing: "flushed \(flushedCount)\n", seconds: 120), "child output: \(output())")
        try #require(child.waitForStandardOutput(containing: "more ", seconds: 120), "child output: \(output())")

        // While it runs, the journal is locked: a second host is refused, naming the child's pid.
        let locked = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        #expect(locked == .lockedByAnotherHost(file: path, lockFile: path + ".lock", pid: child.pid))

        // Crash it mid-stream.
        child.send(SIGKILL)
        let ended = child.wait(seconds: 60)
        #expect(ended == .signalled(SIGKILL), "\(child.standardError)")
        // It never closed: its WAL is still there, holding the commits not yet checkpointed.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))

        let reader = try JournalReader(path: path)
        let last = try reader.lastSeq()
        #expect(last >= flushedCount + 2_000)
        let all = try reader.allRecords()
        // Gap-free: exactly the seqs 1…last, each once.
        #expect(all.count == Int(last))
        #expect(all.map(\.seq) == Array(1...last))
        var wrong: [Int64] = []
        for entry in all where entry.record != CrashRecords.record(entry.seq) { wrong.append(entry.seq) }
        #expect(wrong.isEmpty, "records differing from what the child wrote: \(wrong.prefix(10))")
        reader.close()

        // The next host starts despite the stale lock file and continues the sequence.
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.committedSeq == last)
        #expect(writer.append(CrashRecords.record(last + 1)) == .accepted(seq: last + 1))
        try writer.close()
        #expect(try JournalReader(path: path).lastSeq() == last + 1)
    }
}
