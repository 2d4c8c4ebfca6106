import CSQLite
import Foundation
import Journal
import Testing

/// `kill -9` of a running host, then a restart on the same journal: the host rebuilds exactly the
/// state an uninterrupted run had at the last committed record, and no order is sent twice.
@Suite("Recovery after kill -9")
struct RecoveryTests {
    static let ticks = ProcessDriver.repositoryRoot.appendingPathComponent("tools/data/sample_ticks.csv").path

    /// The default config fed from `endpoint`, journaling to `journal` with a snapshot every
    /// `snapshotEvery` journaled events (and none by wall time, so runs compare exactly).
    static func config(endpoint: String, journal: String, in folder: URL, name: String, snapshotEvery: Int = 10_000) throws -> String {
        let base = try GatehouseCommandTests.config(feedEndpoint: endpoint, in: folder)
        let text = try String(contentsOfFile: base, encoding: .utf8)
            + "\njournal:\n  path: \(journal)\n  snapshot_every_events: \(snapshotEvery)\n  snapshot_interval_seconds: 0\n"
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The state after each whole group of records, keyed by the number of records before it
    /// that are not snapshots: the coordinate two runs of the same ticks share whatever their
    /// snapshot cadence (snapshot rows take sequence numbers too).
    static func statesByRecordCount(_ reader: JournalReader) throws -> [Int: SnapshotRecord] {
        var result: [Int: SnapshotRecord] = [:]
        var records = 0
        for entry in try reader.allRecords() {
            if case .snapshot(let snapshot) = entry.record { result[records] = snapshot } else { records += 1 }
        }
        return result
    }

    /// The number of records that are not snapshots through `seq`, and after the last snapshot.
    static func recordCounts(_ reader: JournalReader, through seq: Int64) throws -> (all: Int, afterLastSnapshot: Int) {
        var all = 0, tail = 0
        for entry in try reader.allRecords() where entry.seq <= seq {
            if case .snapshot = entry.record { tail = 0 } else { all += 1; tail += 1 }
        }
        return (all, tail)
    }

    /// The last committed sequence number of a journal another process is writing; nil while it
    /// cannot be read yet.
    static func lastSeq(_ path: String) -> Int64? {
        guard let reader = try? JournalReader(path: path) else { return nil }
        defer { reader.close() }
        return try? reader.lastSeq()
    }

    /// The bundled ticks published on `endpoint` at 3,000 times real time into the running `host`,
    /// then kill -9 once its `journal` stops growing: every record it made after its last snapshot
    /// is a tail for the next start to re-apply.
    static func feedTicksThenKill(_ host: ProcessDriver, endpoint: String, journal: String) throws {
        let replayer = try ProcessDriver("gatehouse-replay", ["--ticks", ticks, "--bind", endpoint, "--quiet", "--speed", "3000"])
        #expect(try replayer.waitForExit() == 0)
        var last: Int64 = -1
        for _ in 0..<200 {
            usleep(250_000)
            let seq = lastSeq(journal) ?? -1
            if seq == last && seq > 0 { break }
            last = seq
        }
        #expect(kill(host.processID, SIGKILL) == 0)
        _ = try host.waitForExit(seconds: 30)
    }

    /// The ticks after `clockNs`, in a file of their own.
    static func ticks(after clockNs: Int64, in folder: URL) throws -> String {
        let lines = try String(contentsOfFile: ticks, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let rest = lines.filter { line in
            guard !line.hasPrefix("#"), let comma = line.firstIndex(of: ","), let ts = Int64(line[..<comma]) else { return line.hasPrefix("#") }
            return ts > clockNs
        }
        let path = folder.appendingPathComponent("rest.csv").path
        try (rest.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Decision records as (id, strategy, verdict, reason, final quantity), in journal order: what
    /// must be equal between two runs of the same ticks.
    static func decisions(_ reader: JournalReader, through seq: Int64 = .max) throws -> [String] {
        try reader.records(.decision).filter { $0.seq <= seq }.compactMap { entry in
            guard case .decision(let d) = entry.record else { return nil }
            return "\(d.decisionID) \(d.strategy) \(d.verdict) \(d.reason) \(d.finalQuantity)"
        }
    }

    /// `snapshotEvery`: the crashed host's cadence. 1,000 is more events than the run makes, so
    /// its only snapshot is the one it starts from and recovery re-applies everything after it.
    @Test(arguments: [(0.2, 1_000), (0.5, 20), (0.8, 7)])
    func aHostKilledMidRunRestartsFromExactlyItsLastCommittedStateAndSendsNoOrderTwice(fraction: Double, snapshotEvery: Int) throws {
        let folder = try ProcessDriver.temporaryFolder()

        // The uninterrupted run of the same ticks and config, with the state after every group.
        let referencePath = folder.appendingPathComponent("reference.sqlite").path
        let referenceConfig = try Self.config(endpoint: "tcp://127.0.0.1:5556", journal: referencePath, in: folder,
                                              name: "reference.yaml", snapshotEvery: 1)
        let (status, _, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", referenceConfig, "--ticks", Self.ticks])
        try #require(status == 0, "reference replay failed: \(stderr)")
        let reference = try JournalReader(path: referencePath)
        defer { reference.close() }
        let referenceStates = try Self.statesByRecordCount(reference)
        let referenceLast = try reference.lastSeq()
        try #require(referenceStates.count > 10, "the reference run wrote too few states to crash between")

        // The same ticks, paced, into a host that is killed once a share of the records is in.
        let journal = folder.appendingPathComponent("crashed.sqlite").path
        let endpoint = "ipc://\(folder.path)/md.sock"
        let config = try Self.config(endpoint: endpoint, journal: journal, in: folder, name: "crashed.yaml", snapshotEvery: snapshotEvery)
        let replayer = try ProcessDriver("gatehouse-replay", ["--ticks", Self.ticks, "--bind", endpoint, "--quiet", "--speed", "1500"])
        try #require(replayer.waitForStandardError(containing: "waiting for"), "replayer did not start: \(replayer.standardError)")
        let host = try ProcessDriver("gatehouse", ["run", "--config", config, "--until-end-of-stream"])
        // Read the journal only once the host has created it (a reader must not race its creation).
        try #require(host.waitForStandardError(containing: "gatehouse ready"), "never ready: \(host.standardError)")
        // The reference has more snapshot rows than the crashed run: aim at a share of its seqs.
        let threshold = Int64(Double(referenceLast) * fraction * 0.8)
        let deadline = Date().addingTimeInterval(120)
        while (Self.lastSeq(journal) ?? 0) < threshold && Date() < deadline { usleep(2_000) }
        #expect(kill(host.processID, SIGKILL) == 0)
        #expect(try host.waitForExit(seconds: 30) == 128 + SIGKILL, "the host ended before it was killed: \(host.standardError)")
        kill(replayer.processID, SIGKILL)
        _ = try replayer.waitForExit(seconds: 30)

        let crashed = try JournalReader(path: journal)
        defer { crashed.close() }
        let lastSeq = try crashed.lastSeq()
        try #require(lastSeq >= threshold, "killed at \(lastSeq) of \(referenceLast)")
        // Up to there, the crashed run journaled what the uninterrupted run did.
        let crashedDecisions = try Self.decisions(crashed)
        #expect(crashedDecisions == Array(try Self.decisions(reference).prefix(crashedDecisions.count)))
        // Atomic events: the last committed record closes a whole group of the uninterrupted run.
        let counts = try Self.recordCounts(crashed, through: lastSeq)
        let expected = try #require(referenceStates[counts.all], "the uninterrupted run has no whole group ending after record \(counts.all)")
        if snapshotEvery == 1_000 { #expect(counts.afterLastSnapshot > 0, "nothing after the start snapshot to re-apply") }

        // Restart on the same journal with the ticks the crashed host had not seen.
        let state = try? SnapshotState.object(expected)
        let book = (state?["risk"] as? [String: Any])?["book"] as? [String: Any]
        let clockNs = try #require((book?["clockNs"] as? NSNumber)?.int64Value, "no event clock in the state")
        let rest = try Self.ticks(after: clockNs, in: folder)
        let endpoint2 = "ipc://\(folder.path)/md2.sock"
        let config2 = try Self.config(endpoint: endpoint2, journal: journal, in: folder, name: "restarted.yaml", snapshotEvery: snapshotEvery)
        let replayer2 = try ProcessDriver("gatehouse-replay", ["--ticks", rest, "--bind", endpoint2, "--quiet"])
        try #require(replayer2.waitForStandardError(containing: "waiting for"), "replayer did not start: \(replayer2.standardError)")
        let restarted = try ProcessDriver.run("gatehouse", ["run", "--config", config2, "--until-end-of-stream"])
        try #require(restarted.0 == 0, "the restarted host failed: \(restarted.2)")
        #expect(try replayer2.waitForExit() == 0)
        #expect(restarted.2.contains("state recovered from the journal"), "\(restarted.2)")

        // The restarted host rebuilt exactly the uninterrupted run's state at that record (its
        // last snapshot and the records after it, re-applied) before taking any event.
        let recovered = try crashed.records(.snapshot, afterSeq: lastSeq).compactMap { entry -> SnapshotRecord? in
            guard case .snapshot(let snapshot) = entry.record, snapshot.reason == "recovered" else { return nil }
            return snapshot
        }
        #expect(recovered.count == 1)
        #expect(!expected.encoded.isEmpty, "the reference state has no bytes")
        // (The reference is a replay, counting order rates in event time; the host counts them in
        // wall time, with no throttle configured here.)
        #expect(try recovered.first.map(SnapshotState.identityAcrossClocks) == SnapshotState.identityAcrossClocks(expected), "the rebuilt state differs from the uninterrupted run's")

        // No order twice: every client order id is submitted once, and no order fills twice.
        var submitted: [String: Int] = [:]
        for entry in try crashed.records(.order) {
            if case .order(let order) = entry.record, order.status == "submitted" { submitted[order.clientOrderID, default: 0] += 1 }
        }
        #expect(!submitted.isEmpty)
        #expect(submitted.filter { $0.value > 1 }.isEmpty, "orders sent twice: \(submitted.filter { $0.value > 1 })")
        var fillsPerOrder: [UInt64: Int] = [:]
        for entry in try crashed.records(.fill) {
            if case .fill(let fill) = entry.record { fillsPerOrder[fill.orderID, default: 0] += 1 }
        }
        #expect(fillsPerOrder.filter { $0.value > 1 }.isEmpty, "orders filled twice: \(fillsPerOrder.filter { $0.value > 1 })")
        // Two runs: the crashed one never stopped, the restarted one did.
        let runs = try crashed.records(.stateChange).compactMap { entry -> String? in
            if case .stateChange(let change) = entry.record, change.kind == "host" { return change.reason }
            return nil
        }
        #expect(runs == ["HOST_START", "HOST_START", "HOST_STOP"])
    }
}

/// A journal whose state cannot be used: the host refuses to start, says why, and changes nothing.
@Suite("Recovery refusals")
struct RecoveryRefusalTests {
    /// A journal written by a replay of the bundled ticks, and its record count.
    static func recordedJournal(in folder: URL) throws -> (path: String, records: Int64) {
        let path = folder.appendingPathComponent("journal.sqlite").path
        let (status, _, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", RecoveryTests.ticks, "--journal", path])
        try #require(status == 0, "replay failed: \(stderr)")
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        return (path, try reader.lastSeq())
    }

    /// Runs a replay on `journal` with the bundled config changed by `edit`, and
    /// `extraStrategies` (YAML entries) after its strategies.
    static func replay(on journal: String, in folder: URL, edit: (String) -> String = { $0 },
                       extraStrategies: String = "") throws -> (Int32, String) {
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        if !extraStrategies.isEmpty {
            let risk = try #require(text.range(of: "\n# Risk limits"), "the bundled config changed")
            text.insert(contentsOf: "\n" + extraStrategies, at: risk.lowerBound)
        }
        let config = folder.appendingPathComponent("changed.yaml").path
        try edit(text.replacingOccurrences(of: "plugin_dirs: []", with: "plugin_dirs: [\"\(ProcessDriver.buildFolder.path)\"]"))
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", config, "--ticks", RecoveryTests.ticks, "--journal", journal])
        return (status, stderr)
    }

    /// The bundled config's strategies, plus `extra` YAML strategy entries.
    static let idleGold = """
          - name: idle_gold
            plugin: libEMACrossover.so
            symbols: [XAUUSD]
            mode: live
            allocated_capital_usd: 5000
            params: {fast_period: 999, slow_period: 5000}

        """

    /// The state of `journal`'s last snapshot of `reason`, as JSON.
    static func state(_ journal: String, reason: String) throws -> [String: Any] {
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let snapshot = try #require(try reader.records(.snapshot).compactMap { entry -> SnapshotRecord? in
            guard case .snapshot(let snapshot) = entry.record, snapshot.reason == reason else { return nil }
            return snapshot
        }.last, "no \(reason) snapshot")
        return try SnapshotState.object(snapshot)
    }

    /// The state changes of `kind`s written at the last run's start, as "kind subject from->to".
    static func startChanges(_ journal: String) throws -> [String] {
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let changes = try reader.records(.stateChange).compactMap { entry -> StateChangeRecord? in
            guard case .stateChange(let change) = entry.record else { return nil }
            return change
        }
        guard let start = changes.lastIndex(where: { $0.kind == "host" && $0.reason == "HOST_START" }) else { return [] }
        return changes[(start + 1)...].filter { $0.reason == "CONFIG_CHANGE" }.map { "\($0.kind) \($0.subject) \($0.fromState)->\($0.toState)" }
    }

    @Test func strategiesAddedRemovedAndReallocatedBetweenRunsApplyFromTheRestartAndAreJournaled() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        // Run 1: the bundled book and a strategy that never trades (too few bars for its EMA).
        // (Symbols are interned in the order strategies name them: idle_gold goes last, so the
        // symbol list is the same in both runs.)
        let (first, firstErr) = try Self.replay(on: journal, in: folder, extraStrategies: Self.idleGold)
        try #require(first == 0, "the first run failed: \(firstErr)")
        let before = try Self.state(journal, reason: "stop")
        let beforeBook = try #require(before["risk"] as? [String: Any])["book"] as? [String: Any]
        let beforeStrategies = try #require(beforeBook?["strategies"] as? [[String: Any]])
        #expect((before["strategies"] as? [String]) == ["ema_majors", "breakout_all", "idle_gold"])

        // Run 2: idle_gold removed (it is flat), ema_extra added, ema_majors given 5,000 USD more.
        let emaExtra = """
              - name: ema_extra
                plugin: libEMACrossover.so
                symbols: [ETHUSD]
                mode: live
                allocated_capital_usd: 5000

            """
        let (second, secondErr) = try Self.replay(
            on: journal, in: folder,
            edit: { $0.replacingOccurrences(of: "allocated_capital_usd: 20000", with: "allocated_capital_usd: 25000") },
            extraStrategies: emaExtra)
        try #require(second == 0, "the restart with another book failed: \(secondErr.suffix(1500))")
        #expect(try Self.startChanges(journal) == [
            // Removed ones first, then the configured ones in config order.
            "strategy idle_gold CONFIGURED->REMOVED", "allocation ema_majors 20000->25000", "strategy ema_extra ABSENT->ADDED",
        ])
        let recovered = try Self.state(journal, reason: "recovered")
        #expect((recovered["strategies"] as? [String]) == ["ema_majors", "breakout_all", "ema_extra"])
        let book = try #require((recovered["risk"] as? [String: Any])?["book"] as? [String: Any])
        let strategies = try #require(book["strategies"] as? [[String: Any]])
        func number(_ entry: [String: Any], _ key: String) -> Double { (entry[key] as? NSNumber)?.doubleValue ?? .nan }
        // ema_majors: its positions and PnL carried, its peak moved with its capital.
        #expect(number(strategies[0], "allocatedCapitalUSD") == 25_000)
        #expect(number(strategies[0], "openPositions") == number(beforeStrategies[0], "openPositions"))
        #expect(number(strategies[0], "openPositions") > 0)
        #expect(number(strategies[0], "realizedUSD") == number(beforeStrategies[0], "realizedUSD"))
        #expect(number(strategies[0], "peakEquityUSD") == number(beforeStrategies[0], "peakEquityUSD") + 5_000)
        #expect(number(strategies[1], "openPositions") == number(beforeStrategies[1], "openPositions"))
        // ema_extra takes idle_gold's place (strategy 3), flat at its own capital.
        #expect(number(strategies[2], "openPositions") == 0 && number(strategies[2], "peakEquityUSD") == 5_000)
        // The account is the journal's.
        #expect(number(book, "peakEquityUSD") == number(beforeBook ?? [:], "peakEquityUSD"))
    }

    @Test func aStrategyLeftOutOfTheConfigurationWhileItHoldsPositionsIsRefusedNamingIt() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let (journal, records) = try Self.recordedJournal(in: folder)
        let (status, stderr) = try Self.replay(on: journal, in: folder) {
            $0.replacingOccurrences(of: "name: breakout_all", with: "name: breakout_renamed")
        }
        #expect(status != 0)
        #expect(stderr.contains("strategy 'breakout_all' is in the journal's state and not in the configuration, and it still holds a position or an order in 4 symbols"), "\(stderr)")
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(try reader.lastSeq() == records, "a refused start wrote to the journal")
    }

    /// A journal written by a replay of the bundled ticks whose only snapshot left is its start:
    /// every record of the run is its tail. Returns it with the state the run stopped in.
    static func journalWithWholeRunAsTail(in folder: URL) throws -> (path: String, records: Int64, stopState: String) {
        let (journal, records) = try recordedJournal(in: folder)
        let reader = try JournalReader(path: journal)
        let stop = try #require(try reader.lastSnapshot(), "the replay wrote no snapshot")
        #expect(stop.record.reason == "stop")
        reader.close()
        try execute("DELETE FROM snapshots WHERE reason != 'start'", on: journal)
        return (journal, records, SnapshotState.identity(stop.record))
    }

    /// Runs `sql` on the journal file, as someone with the sqlite3 shell would.
    static func execute(_ sql: String, on journal: String) throws {
        var db: OpaquePointer?
        try #require(sqlite3_open(journal, &db) == SQLITE_OK)
        defer { sqlite3_close(db) }
        #expect(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, "\(sql): \(String(cString: sqlite3_errmsg(db)))")
    }

    @Test func aJournalWhoseOnlySnapshotIsItsStartRebuildsTheStateTheRunEndedInFromItsRecords() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let (journal, records, stopState) = try Self.journalWithWholeRunAsTail(in: folder)
        // An empty ticks file: the restarted host rebuilds itself, then stops at once.
        let empty = folder.appendingPathComponent("empty.csv").path
        try "# no ticks\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("changed.yaml").path
        let text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: "plugin_dirs: []", with: "plugin_dirs: [\"\(ProcessDriver.buildFolder.path)\"]")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["replay", "--config", config, "--ticks", empty, "--journal", journal])
        try #require(status == 0, "the restart failed: \(stderr)")
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let recovered = try reader.records(.snapshot, afterSeq: records).compactMap { entry -> SnapshotRecord? in
            guard case .snapshot(let snapshot) = entry.record, snapshot.reason == "recovered" else { return nil }
            return snapshot
        }
        #expect(recovered.count == 1)
        #expect(recovered.first.map(SnapshotState.identity) == stopState, "re-applying the whole run did not give the state it stopped in")
    }

    @Test(arguments: [
        ("a decision the chain would not make again",
         "UPDATE decisions SET final_quantity = final_quantity * 2 WHERE seq = (SELECT min(seq) FROM decisions WHERE verdict != 'REJECT')",
         "(decisions) does not fit the snapshot it follows: decision"),
        ("a tick block that does not decode",
         "UPDATE market_ticks SET ticks = X'00' WHERE seq = (SELECT min(seq) FROM market_ticks)",
         "(market_ticks) does not fit the snapshot it follows: its"),
        ("a tick block in a format this build does not read",
         "UPDATE market_ticks SET format = 'gatehouse-ticks-v9' WHERE seq = (SELECT max(seq) FROM market_ticks)",
         "in format 'gatehouse-ticks-v9' do not decode"),
        ("an operator action, which a snapshot always follows",
         "INSERT INTO operator_actions VALUES ((SELECT max(seq) FROM records) + 1, 1, 1, 'KILL', 'account', 'mallory', 'x', '')",
         "(operator_actions) does not fit the snapshot it follows: a row of operator_actions is never re-applied"),
        ("a fill of an order that is not resting",
         "UPDATE fills SET order_id = 999999 WHERE seq = (SELECT min(seq) FROM fills)",
         "no resting paper order has that id"),
    ])
    func aTailThatDoesNotFitItsSnapshotIsRefusedNamingTheRowAndLeftAsItIs(damage: String, sql: String, expected: String) throws {
        let folder = try ProcessDriver.temporaryFolder()
        let (journal, _, _) = try Self.journalWithWholeRunAsTail(in: folder)
        try Self.execute(sql, on: journal)
        let before = try JournalReader(path: journal)
        let records = try before.lastSeq()
        before.close()
        let (status, stderr) = try Self.replay(on: journal, in: folder)
        #expect(status != 0, "\(damage): the start was not refused")
        #expect(stderr.contains("cannot rebuild the state from the journal \(journal): the journal's record seq"), "\(damage): \(stderr)")
        #expect(stderr.contains(expected), "\(damage): \(stderr)")
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(try reader.lastSeq() == records, "\(damage): a refused start wrote to the journal")
    }

    @Test func anUndecodableStateIsRefusedAndLeftAsItIs() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let (journal, records) = try Self.recordedJournal(in: folder)
        var db: OpaquePointer?
        try #require(sqlite3_open(journal, &db) == SQLITE_OK)
        // The last snapshot cut short: its bytes end inside the state.
        let damage = "UPDATE snapshots SET state_bin = substr(state_bin, 1, length(state_bin) / 2) WHERE seq = (SELECT max(seq) FROM snapshots)"
        #expect(sqlite3_exec(db, damage, nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)
        let (status, stderr) = try Self.replay(on: journal, in: folder)
        #expect(status != 0)
        #expect(stderr.contains("cannot be decoded") && stderr.contains("gatehouse-state-v5+bin"), "\(stderr)")
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(try reader.lastSeq() == records)
        let left = try #require(try reader.lastSnapshot()?.record)
        #expect(left.format == "gatehouse-state-v5+bin" && !left.encoded.isEmpty, "the damaged snapshot was not left as it was")
    }
}

/// `gatehouse state`: what a restart would resume from, read from the journal.
@Suite("gatehouse state")
struct StateCommandTests {
    struct Report: Decodable {
        struct Account: Decodable { let equityUSD: Double; let tradingState: String }
        struct Strategy: Decodable { let name: String; let realizedUSD: Double; let openPositions: Int }
        struct Position: Decodable { let strategy: String; let symbol: String; let quantity: Double }
        let snapshotSeq: Int64
        let snapshotReason: String
        let account: Account
        let strategies: [Strategy]
        let positions: [Position]
    }

    @Test func itShowsTheStateTheLastRunEndedIn() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let replay = try ProcessDriver.run(
            "gatehouse", ["replay", "--config", "config/gatehouse.yaml", "--ticks", RecoveryTests.ticks, "--journal", journal])
        try #require(replay.0 == 0, "replay failed: \(replay.2)")
        let summary = try GatehouseCommandTests.decode(replay.1)

        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["state", "--journal", journal, "--json"])
        try #require(status == 0, "state failed: \(stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(stdout.utf8))
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(report.snapshotSeq == (try reader.lastSnapshot())?.seq)
        #expect(report.snapshotReason == "stop")
        #expect(report.account.equityUSD == summary.equityUSD)
        #expect(report.account.tradingState == "ACTIVE")
        for strategy in summary.strategies {
            let shown = try #require(report.strategies.first { $0.name == strategy.name })
            #expect(shown.realizedUSD == strategy.realizedUSD)
            #expect(report.positions.filter { $0.strategy == strategy.name }.count == shown.openPositions)
        }
        // The table names the same figures for a person.
        let table = try ProcessDriver.run("gatehouse", ["state", "--journal", journal])
        #expect(table.0 == 0)
        #expect(table.1.contains("snapshot seq \(report.snapshotSeq) (stop)"))
    }

    @Test func aJournalWithoutAStateIsAnErrorThatSaysSo() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("empty.sqlite").path
        try JournalWriter(path: journal, options: JournalOptions(hostID: "test")).close()
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["state", "--journal", journal])
        #expect(status == 2)
        #expect(stderr.contains("holds no state snapshot"), "\(stderr)")
        let missing = try ProcessDriver.run("gatehouse", ["state", "--journal", folder.appendingPathComponent("none.sqlite").path])
        #expect(missing.0 == 2)
        #expect(missing.2.contains("none.sqlite"), "\(missing.2)")
    }
}
