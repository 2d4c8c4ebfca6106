import CSQLite

/// Reads a journal without changing it: opened `SQLITE_OPEN_READONLY`, checked with
/// `PRAGMA quick_check` and its schema version at open. May run beside a live writer (WAL lets
/// readers and the writer work at once; a reader sees what was committed when each read starts).
///
/// Not thread-safe: use one reader per thread.
public final class JournalReader {
    /// The journal file.
    public let path: String
    /// The file's schema version.
    public let schemaVersion: Int32
    private let connection: SQLiteConnection

    /// Opens the journal at `path` for reading. Throws `.directoryMissing`, `.corrupt` (not a
    /// database, or `quick_check` found damage), `.notAJournal` (including a file no writer has
    /// initialised yet) or `.newerSchema`; nothing is written in any case.
    public init(path: String) throws(JournalError) {
        self.path = path
        try JournalFile.checkDirectory(of: path)
        guard JournalFile.exists(path) else {
            throw .fileSystem(file: path, operation: "opening the journal", message: "no such file")
        }
        var connection: SQLiteConnection
        var version: Int32
        do throws(JournalError) {
            connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)
            version = try JournalFile.inspect(connection, checkIntegrity: true)
        } catch {
            // A WAL journal in a folder nobody can write to (an archive, read-only media): SQLite
            // cannot create the -shm file a WAL reader needs. Without a -wal file no writer can be
            // running there and the database file holds every commit, so it is safe to read it
            // as immutable. With a -wal file that would hide its commits: refuse instead.
            guard case .sqlite(_, let code, _, _) = error, code & 0xFF == SQLITE_CANTOPEN,
                  !JournalFile.exists(path + "-wal") else {
                throw JournalFile.classify(error)
            }
            do throws(JournalError) {
                connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                                  uri: JournalFile.immutableURI(path))
                version = try JournalFile.inspect(connection, checkIntegrity: true)
            } catch {
                throw JournalFile.classify(error)
            }
        }
        self.connection = connection
        if version == 0 {
            throw .notAJournal(file: path, reason: "schema version 0: no journal writer has initialised it yet")
        }
        schemaVersion = version
    }

    /// Closes the connection (also done on deinit).
    public func close() { connection.close() }

    /// The `meta` table: `host_id`, `created_wall_ts_ns`.
    public func meta() throws(JournalError) -> [String: String] {
        let statement = try prepare("SELECT key, value FROM meta")
        var result: [String: String] = [:]
        while try statement.step() { result[statement.text(0)] = statement.text(1) }
        return result
    }

    /// The number of records of `kind`.
    public func count(_ kind: JournalRecord.Kind) throws(JournalError) -> Int {
        guard kind.sinceVersion <= schemaVersion else { return 0 }
        return Int(try scalar("SELECT count(*) FROM \(kind.table)"))
    }

    /// The number of rows in `decision_stages` (all decisions' traces together).
    public func stageRowCount() throws(JournalError) -> Int {
        Int(try scalar("SELECT count(*) FROM decision_stages"))
    }

    /// The highest decision id and fill id journaled (0 when none). A host that reopens the journal
    /// continues after them, so ids stay unique across runs. Ids are small positive integers.
    public func highestIDs() throws(JournalError) -> (decision: UInt64, fill: UInt64) {
        let decision = try scalar("SELECT coalesce(max(decision_id), 0) FROM decisions")
        let fill = try scalar("SELECT coalesce(max(fill_id), 0) FROM fills")
        return (UInt64(max(0, decision)), UInt64(max(0, fill)))
    }

    /// The highest sequence number in the journal, 0 when it holds no record.
    public func lastSeq() throws(JournalError) -> Int64 {
        do throws(JournalError) {
            return try JournalFile.lastSeq(connection, version: schemaVersion)
        } catch {
            throw JournalFile.classify(error)
        }
    }

    /// The last state snapshot in the journal (highest `seq`), nil when it holds none.
    public func lastSnapshot() throws(JournalError) -> (seq: Int64, record: SnapshotRecord)? {
        guard JournalRecord.Kind.snapshot.sinceVersion <= schemaVersion else { return nil }
        let statement = try prepare("SELECT \(RecordDecoding.columns(.snapshot, schemaVersion: schemaVersion)) FROM snapshots ORDER BY seq DESC LIMIT 1")
        do throws(JournalError) {
            guard try statement.step() else { return nil }
        } catch {
            throw JournalFile.classify(error)
        }
        let entry = RecordDecoding.decode(.snapshot, statement)
        guard case .snapshot(let record) = entry.record else { return nil }
        return (entry.seq, record)
    }

    /// Records of `kind` with `seq > afterSeq`, in `seq` order, at most `limit`.
    public func records(_ kind: JournalRecord.Kind, afterSeq: Int64 = 0, limit: Int = Int.max) throws(JournalError) -> [JournalEntry] {
        guard kind.sinceVersion <= schemaVersion else { return [] }
        let statement = try prepare(RecordDecoding.select(kind, schemaVersion: schemaVersion))
        statement.bind(afterSeq, at: 1)
        statement.bind(Int64(limit), at: 2)
        var entries: [JournalEntry] = []
        while try statement.step() { entries.append(RecordDecoding.decode(kind, statement)) }
        if kind == .decision, let first = entries.first?.seq, let last = entries.last?.seq {
            try attachStages(to: &entries, from: first, through: last)
        }
        return entries
    }

    /// The decisions (without their stages) and fills of one strategy, in `seq` order, read through
    /// the `decisions_by_strategy` and `fills_by_strategy` indices: what a strategy's record
    /// needs (promotion), without reading the rest of the journal. `fillMode`: only fills of that
    /// mode (`live` or `shadow`), or all when nil.
    public func record(ofStrategy strategy: String, fillMode: String? = nil) throws(JournalError) -> (decisions: [DecisionRecord], fills: [FillRecord]) {
        var decisions: [DecisionRecord] = []
        var fills: [FillRecord] = []
        for kind in [JournalRecord.Kind.decision, .fill] {
            let statement = try prepare(
                "SELECT \(RecordDecoding.columns(kind, schemaVersion: schemaVersion)) FROM \(kind.table) WHERE strategy = ?1 ORDER BY seq")
            statement.bind(strategy, at: 1)
            do throws(JournalError) {
                while try statement.step() {
                    switch RecordDecoding.decode(kind, statement).record {
                    case .decision(let decision): decisions.append(decision)
                    case .fill(let fill) where fillMode == nil || fill.mode == fillMode: fills.append(fill)
                    default: break
                    }
                }
            } catch {
                throw JournalFile.classify(error)
            }
        }
        return (decisions, fills)
    }

    /// Records of every kind with `seq > afterSeq`, merged in `seq` order, at most `limit`: the
    /// journal as it was appended (for recovery and audits).
    public func allRecords(afterSeq: Int64 = 0, limit: Int = Int.max) throws(JournalError) -> [JournalEntry] {
        var merged: [JournalEntry] = []
        for kind in JournalRecord.Kind.allCases {
            merged += try records(kind, afterSeq: afterSeq, limit: limit)
        }
        merged.sort { $0.seq < $1.seq }
        if merged.count > limit { merged.removeLast(merged.count - limit) }
        return merged
    }

    private func attachStages(to entries: inout [JournalEntry], from first: Int64, through last: Int64) throws(JournalError) {
        let statement = try prepare("""
            SELECT decision_seq, stage, code, severity, quantity_in, quantity_out, factor, detail
            FROM decision_stages WHERE decision_seq BETWEEN ?1 AND ?2 ORDER BY decision_seq, position
            """)
        statement.bind(first, at: 1)
        statement.bind(last, at: 2)
        var index = 0
        while try statement.step() {
            let seq = statement.int64(0)
            while index < entries.count && entries[index].seq < seq { index += 1 }
            guard index < entries.count, entries[index].seq == seq, case .decision(var decision) = entries[index].record else {
                continue
            }
            decision.stages.append(StageRecord(
                stage: statement.text(1), code: statement.text(2), severity: statement.text(3),
                quantityIn: statement.double(4), quantityOut: statement.double(5), factor: statement.double(6),
                detail: statement.text(7)))
            entries[index].record = .decision(decision)
        }
    }

    private func prepare(_ sql: String) throws(JournalError) -> Statement {
        do throws(JournalError) {
            return try connection.prepare(sql)
        } catch {
            throw JournalFile.classify(error)
        }
    }

    private func scalar(_ sql: String) throws(JournalError) -> Int64 {
        let statement = try prepare(sql)
        do throws(JournalError) {
            return try statement.step() ? statement.int64(0) : 0
        } catch {
            throw JournalFile.classify(error)
        }
    }
}
