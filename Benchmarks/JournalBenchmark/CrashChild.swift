import Foundation
import Journal

/// `--crash-child <journal> <n>`: the process the journal tests kill. Not a benchmark.
///
/// Appends records 1…n, flushes, prints `flushed` (so everything up to n is committed), then
/// keeps appending and committing forever; once 2,000 more are committed it prints `more`. The
/// test SIGKILLs it at some point after that, with records in the queue and possibly a
/// transaction half written, and checks what survives. Record i is
/// `JournalTests.CrashRecords.record(i)`, kept in step by hand (the test is the oracle).
enum CrashChild {
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

    /// One line on standard output, unbuffered (the test waits for it).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func run(path: String, count: Int64) -> Never {
        let writer: JournalWriter
        do {
            writer = try JournalWriter(path: path, options: JournalOptions(hostID: "crash-child", queueCapacity: 8_192, batchLimit: 512))
        } catch {
            fail("\(error)")
        }
        var i = writer.committedSeq + 1
        let first = i
        func appendNext() {
            switch writer.append(record(i)) {
            case .accepted(let seq):
                precondition(seq == i, "seq \(seq) for record \(i)")
                i += 1
            case .full: usleep(100)
            case .failed(let error): fail("\(error)")
            }
        }
        while i < first + count { appendNext() }
        do { try writer.flush() } catch { fail("\(error)") }
        say("flushed \(writer.committedSeq)")
        var announced = false
        while true {
            appendNext()
            if !announced && writer.committedSeq >= first + count + 2_000 {
                announced = true
                say("more \(writer.committedSeq)")
            }
        }
    }
}
