import Foundation
import Testing
@testable import Journal

/// Temporary folders, sample records and file snapshots shared by the journal tests.
enum JournalTestSupport {
    /// A folder removed with everything in it when the test that made it ends: each suite
    /// keeps one in a stored property, and Swift Testing makes a new suite value per test.
    final class Scratch: Sendable {
        let root: URL

        init() {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-journal-tests-\(UUID().uuidString)")
            try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        /// A fresh empty folder inside the scratch folder.
        func folder() throws -> URL {
            let url = root.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }

        /// A journal path in a fresh folder.
        func journalPath(_ name: String = "journal.sqlite") throws -> String {
            try folder().appendingPathComponent(name).path
        }
    }

    static func options(_ hostID: String = "test-host", capacity: Int = 65_536, batch: Int = 4_096) -> JournalOptions {
        JournalOptions(hostID: hostID, queueCapacity: capacity, batchLimit: batch, wallClockNs: { 1_700_000_000_123_456_789 })
    }

    static let t0: Int64 = 1_772_409_600_000_000_000

    /// One record of every kind, with values that catch lossy storage: ids above Int64.max,
    /// fractions that are not exact in binary, empty and non-ASCII text, NULLs.
    static let everyKind: [JournalRecord] = [
        .intent(IntentRecord(
            eventTimeNs: t0, wallTimeNs: t0 + 17, decisionID: 41, strategy: "ema_majors", strategyID: 1,
            clientID: UInt64.max - 2, symbol: "BTCUSD", symbolID: 3, side: "BUY", quantity: 0.1 + 0.2,
            orderType: "LIMIT", limitPrice: 60_000.25, stopLossPrice: 58_800.5, reduceOnly: false,
            origin: IntentRecord.riskUnwindOrigin)),
        .decision(DecisionRecord(
            eventTimeNs: t0 + 1, wallTimeNs: t0 + 18, decisionID: 41, strategy: "ema_majors", strategyID: 1,
            clientID: UInt64.max - 2, symbol: "BTCUSD", symbolID: 3, verdict: "RESHAPE",
            reason: "AGGREGATE_NOTIONAL_RESHAPE", requestedQuantity: 0.3, finalQuantity: 0.2,
            stages: [
                StageRecord(stage: "PortfolioGuard", code: "AGGREGATE_NOTIONAL_RESHAPE", severity: "RESHAPE",
                            quantityIn: 0.3, quantityOut: 0.2, factor: 1,
                            detail: "cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000"),
                StageRecord(stage: "CorrelationSizer", code: "CORRELATION_INSUFFICIENT_DATA", severity: "WARN",
                            quantityIn: 0.2, quantityOut: 0.2, factor: 1, detail: "samples=12 min_samples=30"),
                StageRecord(stage: "Cooldown", code: "NONE", severity: "INFO", quantityIn: 0.2, quantityOut: 0.2,
                            factor: 1, detail: ""),
            ])),
        .order(OrderRecord(
            eventTimeNs: t0 + 2, wallTimeNs: t0 + 19, orderID: 41, decisionID: 41, strategy: "ema_majors", strategyID: 1,
            clientOrderID: "gh-41-ä", symbol: "BTCUSD", symbolID: 3, side: "BUY", quantity: 0.2, orderType: "LIMIT",
            limitPrice: 60_000.25, stopLossPrice: 58_800.5, reduceOnly: true, mode: "LIVE", status: "SUBMITTED")),
        .fill(FillRecord(
            eventTimeNs: t0 + 3, wallTimeNs: t0 + 20, fillID: UInt64(Int64.max) + 9, orderID: 41, strategy: "ema_majors",
            strategyID: 1, symbol: "BTCUSD", symbolID: 3, side: "BUY", quantity: 0.2, price: 60_000.125,
            feeUSD: -0.031, liquidity: nil, mode: "SHADOW")),
        .stateChange(StateChangeRecord(
            eventTimeNs: t0 + 4, wallTimeNs: t0 + 21, kind: StateChangeRecord.tradingState, subject: "account",
            fromState: "ACTIVE", toState: "HALTED", reason: "ACCOUNT_DRAWDOWN_HALT", value: 15.2, limitValue: 15)),
        .stateChange(StateChangeRecord(
            eventTimeNs: t0 + 5, wallTimeNs: t0 + 22, kind: StateChangeRecord.killSwitch, subject: "account",
            fromState: "OFF", toState: "ON", reason: "OPERATOR", value: nil, limitValue: nil)),
        .operatorAction(OperatorActionRecord(
            eventTimeNs: t0 + 6, wallTimeNs: t0 + 23, action: "KILL_SWITCH_ON", subject: "account", actor: "alice",
            reason: "venue outage — flatten nothing, send nothing", detail: "")),
        .breach(BreachRecord(
            eventTimeNs: t0 + 7, wallTimeNs: t0 + 24, rule: "ACCOUNT_DAILY_LOSS", subject: "account", value: 5.01,
            limitValue: 5, detail: "loss_pct=5.01 limit_pct=5")),
        .marketTicks(tickBlock),
    ]

    /// Three ticks of two symbols, one of them back in time, encoded as the host writes them.
    static let tickBlock: MarketTicksRecord = {
        var codec = MarketTickCodec()
        codec.append(symbolID: 1, timeNs: t0 + 8, price: 60_000.125)
        codec.append(symbolID: 300, timeNs: t0 + 1_008, price: 0.1 + 0.2)
        codec.append(symbolID: 1, timeNs: t0 + 9, price: -0.0)
        return MarketTicksRecord(eventTimeNs: codec.lastTimeNs, wallTimeNs: t0 + 25, firstTimeNs: codec.firstTimeNs,
                                 count: codec.count, format: MarketTickCodec.format, ticks: codec.bytes)
    }()

    /// Fill number `i`: fields follow from `i`, so a test can check any record it reads back.
    static func fill(_ i: Int) -> JournalRecord {
        .fill(FillRecord(
            eventTimeNs: t0 + Int64(i) * 1_000, wallTimeNs: t0 + Int64(i) * 1_000 + 7, fillID: UInt64(i),
            orderID: UInt64(i / 3), strategy: "s\(i % 4)", strategyID: UInt32(i % 4 + 1), symbol: "SYM\(i % 7)",
            symbolID: UInt32(i % 7 + 1), side: i % 2 == 0 ? "BUY" : "SELL", quantity: Double(i) * 0.001,
            price: 100 + Double(i) / 64, feeUSD: Double(i % 10) / 100, liquidity: i % 2 == 0 ? "MAKER" : nil, mode: "LIVE"))
    }

    /// What a test compares to prove a file was not touched: its bytes and modification time.
    struct FileSnapshot: Equatable {
        let bytes: Data
        let modified: Date?

        init(_ path: String) throws {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        }
    }

    /// Writes `records` into a new journal at `path` and closes it (a clean close leaves one file).
    static func makeJournal(at path: String, _ records: [JournalRecord] = everyKind) throws {
        let writer = try JournalWriter(path: path, options: options())
        for record in records { #expect(writer.append(record) != .full) }
        try writer.close()
    }

    /// Runs `body` and returns the `JournalError` it threw (nil, and a recorded issue, if none).
    static func journalError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> JournalError? {
        do {
            try body()
            Issue.record("expected a JournalError, nothing was thrown", sourceLocation: sourceLocation)
            return nil
        } catch let error as JournalError {
            return error
        } catch {
            Issue.record("expected a JournalError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The folder holding the test binary, where `swift build` also puts the executables.
    static let buildFolder: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }()

    /// Names in `folder`, sorted.
    static func listing(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
