import CSQLite
import Foundation
import Testing
@testable import Journal

@Suite("Journal round trip and schema")
struct RoundTripTests {
    let scratch = JournalTestSupport.Scratch()

    @Test func everyRecordKindReadsBackWithExactFieldsAndGapFreeSeq() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 0)
        var seqs: [Int64] = []
        for record in JournalTestSupport.everyKind {
            guard case .accepted(let seq) = writer.append(record) else {
                Issue.record("append was not accepted")
                return
            }
            seqs.append(seq)
        }
        #expect(seqs == Array(1...Int64(JournalTestSupport.everyKind.count)))
        try writer.flush()
        #expect(writer.committedSeq == Int64(seqs.count))
        #expect(writer.queueDepth == 0)

        // Read while the writer is still open (WAL: readers and the writer work at once).
        let reader = try JournalReader(path: path)
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        let all = try reader.allRecords()
        #expect(all.map(\.seq) == seqs)
        #expect(all.map(\.record) == JournalTestSupport.everyKind)
        #expect(try reader.lastSeq() == Int64(seqs.count))
        for kind in JournalRecord.Kind.allCases {
            let expected = JournalTestSupport.everyKind.filter { $0.kind == kind }
            #expect(try reader.count(kind) == expected.count, "\(kind)")
            #expect(try reader.records(kind).map(\.record) == expected, "\(kind)")
        }
        #expect(try reader.stageRowCount() == 3)
        #expect(try reader.meta() == ["host_id": "test-host", "created_wall_ts_ns": "1700000000123456789"])
        // Paging: after a seq, with a limit.
        #expect(try reader.allRecords(afterSeq: 2, limit: 3).map(\.seq) == [3, 4, 5])
        try writer.close()
    }

    @Test func reopeningContinuesTheSequenceWithoutAGapAndKeepsTheCreationMeta() throws {
        let path = try scratch.journalPath()
        try JournalTestSupport.makeJournal(at: path)
        let count = Int64(JournalTestSupport.everyKind.count)
        // A clean close checkpoints the WAL into the database and removes it.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))

        var options = JournalTestSupport.options("another-host")
        options.wallClockNs = { 42 }
        let writer = try JournalWriter(path: path, options: options)
        #expect(writer.openedSchemaVersion == JournalSchema.latestVersion)
        #expect(writer.committedSeq == count)
        #expect(writer.append(JournalTestSupport.fill(1)) == .accepted(seq: count + 1))
        try writer.close()

        let reader = try JournalReader(path: path)
        #expect(try reader.allRecords().map(\.seq) == Array(1...count + 1))
        #expect(try reader.meta()["host_id"] == "test-host")
        #expect(try reader.meta()["created_wall_ts_ns"] == "1700000000123456789")
    }

    @Test func theSchemaIsStrictWithTypedColumnsAndAuditIndices() throws {
        let path = try scratch.journalPath()
        try JournalTestSupport.makeJournal(at: path)
        let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)

        #expect(try db.scalarInt64("PRAGMA user_version") == Int64(JournalSchema.latestVersion))
        #expect(try db.scalarInt64("PRAGMA application_id") == Int64(JournalSchema.applicationID))
        #expect(try db.column0Texts("PRAGMA journal_mode") == ["wal"])
        let strict = try db.column0Texts("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 1 ORDER BY name")
        #expect(strict == ["breaches", "decision_stages", "decisions", "fills", "intents", "market_ticks", "meta", "operator_actions", "orders", "snapshots", "state_changes"])

        // Every record table starts with seq, event_ts_ns, wall_ts_ns, all INTEGER; seq is the rowid.
        for table in JournalSchema.recordTables(at: JournalSchema.latestVersion) {
            let columns = try db.prepare("SELECT name, type, pk FROM pragma_table_info('\(table)') ORDER BY cid LIMIT 3")
            var rows: [String] = []
            while try columns.step() { rows.append("\(columns.text(0)) \(columns.text(1)) \(columns.int64(2))") }
            #expect(rows == ["seq INTEGER 1", "event_ts_ns INTEGER 0", "wall_ts_ns INTEGER 0"], "\(table)")
        }
        // Values are stored with their declared types (STRICT would refuse anything else).
        let types = try db.prepare("""
            SELECT typeof(quantity), typeof(price), typeof(fee_usd), typeof(fill_id), typeof(liquidity), typeof(strategy)
            FROM fills
            """)
        #expect(try types.step())
        #expect((0..<6).map { types.text($0) } == ["real", "real", "real", "integer", "null", "text"])
        // Ids above Int64.max are kept as their bit pattern.
        #expect(try db.scalarInt64("SELECT fill_id FROM fills") == Int64(bitPattern: UInt64(Int64.max) + 9))

        let indices = try db.column0Texts("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        #expect(indices.contains("decisions_by_strategy"))
        #expect(indices.contains("fills_by_order_id"))
        // The auditor's queries use them.
        func plan(_ sql: String) throws -> String {
            let statement = try db.prepare("EXPLAIN QUERY PLAN " + sql)
            var details: [String] = []
            while try statement.step() { details.append(statement.text(3)) }
            return details.joined(separator: "; ")
        }
        let byOrder = try plan("SELECT * FROM fills WHERE order_id = 41")
        #expect(byOrder.contains("fills_by_order_id"), "\(byOrder)")
        let byStrategy = try plan("SELECT * FROM decisions WHERE strategy = 'ema_majors' ORDER BY seq")
        #expect(byStrategy.contains("decisions_by_strategy") && !byStrategy.contains("TEMP B-TREE"), "\(byStrategy)")

        // The records view lists every record in seq order, one row each.
        #expect(try db.column0Texts("SELECT kind FROM records ORDER BY seq")
                == ["intent", "decision", "order", "fill", "state_change", "state_change", "operator_action", "breach", "market_ticks"])
    }

    @Test func anEmptyFileIsMigratedToTheLatestVersion() throws {
        let path = try scratch.journalPath()
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 0)
        #expect(writer.append(JournalTestSupport.fill(1)) == .accepted(seq: 1))
        try writer.close()
        let reader = try JournalReader(path: path)
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        #expect(try reader.count(.fill) == 1)
        #expect(try reader.meta()["host_id"] == "test-host")
    }

    @Test func anUnversionedDatabaseWithoutTablesIsMigratedToTheLatestVersion() throws {
        let path = try scratch.journalPath()
        do {
            // A real SQLite file at version 0: a header and a WAL flag, no tables.
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            _ = try db.column0Texts("PRAGMA journal_mode = WAL")
            try db.exec("PRAGMA user_version = 0; VACUUM")
        }
        #expect(try FileSnapshot(path).bytes.count > 0)
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 0)
        try writer.close()
        #expect(try JournalReader(path: path).schemaVersion == JournalSchema.latestVersion)
    }

    @Test func aVersion2JournalIsReadAsItIsAndMigratedKeepingItsIntentsAsTheStrategies() throws {
        let path = try scratch.journalPath()
        do {
            // A file as a version 2 host left it, with one intent (no origin column).
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            try db.exec(JournalSchema.version1SQL)
            try db.exec(JournalSchema.version2SQL)
            try db.exec("""
                INSERT INTO meta (key, value) VALUES ('host_id', 'old-host');
                INSERT INTO intents VALUES (1, 10, 11, 7, 'ema', 1, 3, 'BTCUSD', 1, 'BUY', 0.5, 'MARKET', 0, 95, 0);
                PRAGMA user_version = 2;
                """)
        }
        // A reader never migrates: it reads the old file with the column's default.
        let old = try JournalReader(path: path)
        #expect(old.schemaVersion == 2)
        let before = try old.records(.intent).map(\.record)
        old.close()
        guard case .intent(let intent) = try #require(before.first) else { Issue.record("not an intent"); return }
        #expect(intent.origin == IntentRecord.strategyOrigin && intent.clientID == 3 && intent.quantity == 0.5)

        // A writer migrates it; the old row keeps its values and reads as a strategy's.
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 2)
        var unwind = intent
        unwind.clientID = 0
        unwind.origin = IntentRecord.riskUnwindOrigin
        #expect(writer.append(.intent(unwind)) == .accepted(seq: 2))
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        #expect(try reader.records(.intent).map(\.record) == [.intent(intent), .intent(unwind)])
    }

    @Test func aVersion1JournalIsMigratedThroughEveryStepKeepingItsRecords() throws {
        let path = try scratch.journalPath()
        do {
            // A file as a version 1 host left it: a decision with one stage row and a fill, no
            // snapshots, no origin, no tick blocks.
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            try db.exec(JournalSchema.version1SQL)
            try db.exec("""
                INSERT INTO meta (key, value) VALUES ('host_id', 'first-host');
                INSERT INTO decisions VALUES (1, 10, 11, 7, 'ema', 1, 3, 'BTCUSD', 1, 'APPROVE', 'NONE', 0.5, 0.5);
                INSERT INTO decision_stages VALUES (1, 0, 'PortfolioGuard', 'NONE', 'INFO', 0.5, 0.5, 1, '');
                INSERT INTO fills VALUES (2, 12, 13, 1, 7, 'ema', 1, 'BTCUSD', 1, 'buy', 0.5, 60000, 0.3, NULL, 'live');
                PRAGMA user_version = 1;
                """)
        }
        let old = try JournalReader(path: path)
        #expect(old.schemaVersion == 1)
        #expect(try old.lastSnapshot() == nil)
        #expect(try old.count(.snapshot) == 0 && old.count(.marketTicks) == 0)
        #expect(try old.allRecords().map(\.seq) == [1, 2])
        let before = try old.allRecords()
        old.close()

        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 1)
        #expect(writer.append(.marketTicks(JournalTestSupport.tickBlock)) == .accepted(seq: 3))
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        #expect(try reader.meta()["host_id"] == "first-host")
        #expect(Array(try reader.allRecords().prefix(2)) == before)
        #expect(try reader.count(.marketTicks) == 1)
    }

    @Test func aVersion3JournalIsMigratedKeepingItsRecordsAndGainsTheTickTable() throws {
        let path = try scratch.journalPath()
        do {
            // A file as a version 3 host left it: one intent and one snapshot, no market_ticks.
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            try db.exec(JournalSchema.version1SQL)
            try db.exec(JournalSchema.version2SQL)
            try db.exec(JournalSchema.version3SQL)
            try db.exec("""
                INSERT INTO meta (key, value) VALUES ('host_id', 'old-host');
                INSERT INTO intents VALUES (1, 10, 11, 7, 'ema', 1, 3, 'BTCUSD', 1, 'buy', 0.5, 'market', 0, 95, 0, 'strategy');
                INSERT INTO snapshots VALUES (2, 10, 12, 'gatehouse-state-v1+json', 'event', '{}');
                PRAGMA user_version = 3;
                """)
        }
        // A reader reads it as it is: no tick blocks, and the last seq of the tables it has.
        let old = try JournalReader(path: path)
        #expect(old.schemaVersion == 3)
        #expect(try old.count(.marketTicks) == 0)
        #expect(try old.records(.marketTicks).isEmpty)
        #expect(try old.lastSeq() == 2)
        #expect(try old.allRecords().map(\.seq) == [1, 2])
        old.close()

        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 3)
        #expect(writer.append(.marketTicks(JournalTestSupport.tickBlock)) == .accepted(seq: 3))
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        #expect(try reader.records(.intent).count == 1)
        #expect(try reader.lastSnapshot()?.seq == 2)
        #expect(try reader.records(.marketTicks).map(\.record) == [.marketTicks(JournalTestSupport.tickBlock)])
    }

    @Test func aVersion4JournalIsMigratedKeepingItsJSONSnapshotAndLosesTheStageCodeIndex() throws {
        let path = try scratch.journalPath()
        do {
            // A file as a version 4 host left it: a decision with a stage row and a JSON snapshot.
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            for sql in [JournalSchema.version1SQL, JournalSchema.version2SQL, JournalSchema.version3SQL, JournalSchema.version4SQL] {
                try db.exec(sql)
            }
            try db.exec("""
                INSERT INTO meta (key, value) VALUES ('host_id', 'old-host');
                INSERT INTO decisions VALUES (1, 10, 11, 7, 'ema', 1, 3, 'BTCUSD', 1, 'APPROVE', 'NONE', 0.5, 0.5);
                INSERT INTO decision_stages VALUES (1, 0, 'PortfolioGuard', 'NONE', 'INFO', 0.5, 0.5, 1, '');
                INSERT INTO snapshots VALUES (2, 10, 12, 'gatehouse-state-v1+json', 'event', '{"v":1}');
                PRAGMA user_version = 4;
                """)
            #expect(try db.scalarInt64("SELECT count(*) FROM sqlite_master WHERE name = 'decision_stages_by_code'") == 1)
        }
        // A reader reads it as it is: the JSON snapshot in `state`, no bytes.
        let old = try JournalReader(path: path)
        #expect(old.schemaVersion == 4)
        let oldSnapshot = try #require(try old.lastSnapshot()?.record)
        #expect(oldSnapshot.state == "{\"v\":1}" && oldSnapshot.encoded.isEmpty)
        old.close()

        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 4)
        let binary = SnapshotRecord(eventTimeNs: 20, wallTimeNs: 21, format: "gatehouse-state-v3+bin", reason: "periodic", encoded: [0, 1, 2, 255])
        #expect(writer.append(.snapshot(binary)) == .accepted(seq: 3))
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(reader.schemaVersion == JournalSchema.latestVersion)
        #expect(try reader.records(.decision).count == 1)
        #expect(try reader.stageRowCount() == 1)
        let snapshots = try reader.records(.snapshot).map(\.record)
        #expect(snapshots == [.snapshot(oldSnapshot), .snapshot(binary)])
        let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)
        #expect(try db.scalarInt64("SELECT count(*) FROM sqlite_master WHERE name = 'decision_stages_by_code'") == 0)
        #expect(try db.scalarInt64("SELECT count(*) FROM snapshots WHERE state_bin IS NULL") == 1)
    }

    @Test func aStrategysRecordIsReadThroughItsIndicesAlone() throws {
        let path = try scratch.journalPath()
        var other = JournalTestSupport.everyKind
        other = other.map { record in
            switch record {
            case .decision(var d): d.strategy = "breakout"; return .decision(d)
            case .fill(var f): f.strategy = "breakout"; return .fill(f)
            default: return record
            }
        }
        try JournalTestSupport.makeJournal(at: path, JournalTestSupport.everyKind + other)
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        let record = try reader.record(ofStrategy: "ema_majors")
        guard case .decision(var expected) = JournalTestSupport.everyKind[1], case .fill(let fill) = JournalTestSupport.everyKind[3] else {
            Issue.record("the fixture changed")
            return
        }
        expected.stages = []
        #expect(record.decisions == [expected])
        #expect(record.fills == [fill])
        #expect(try reader.record(ofStrategy: "ema_majors", fillMode: "LIVE").fills.isEmpty)
        #expect(try reader.record(ofStrategy: "nobody").decisions.isEmpty)
        // Both reads use the per-strategy indices, not a scan of the tables.
        let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)
        for (table, index) in [("decisions", "decisions_by_strategy"), ("fills", "fills_by_strategy")] {
            let detail = try db.prepare("EXPLAIN QUERY PLAN SELECT * FROM \(table) WHERE strategy = 'x' ORDER BY seq")
            var text = ""
            while try detail.step() { text += detail.text(3) }
            #expect(text.contains(index), "\(table): \(text)")
        }
    }

    @Test func migrationsAreNumberedWithoutGapsFromOne() {
        let versions = JournalSchema.migrations.map(\.version)
        #expect(versions == Array(1...Int32(versions.count)))
        #expect(JournalSchema.latestVersion == versions.last)
    }

    @Test func aReaderRefusesAnUninitialisedFile() throws {
        let path = try scratch.journalPath()
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = JournalTestSupport.journalError { _ = try JournalReader(path: path) }
        guard case .notAJournal(let file, _) = error else {
            Issue.record("expected notAJournal, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(try FileSnapshot(path).bytes.isEmpty)
    }
}

private typealias FileSnapshot = JournalTestSupport.FileSnapshot
