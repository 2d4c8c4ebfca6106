import CSQLite
import Journal

/// The baseline: the same rows inserted by a plain loop on the calling thread, straight through
/// the SQLite C API. Same file system, same schema (the journal's own DDL), same pragmas (WAL,
/// `synchronous=NORMAL`), the same prepared INSERTs with text copied by SQLite, and transactions
/// of the same size (`BEGIN IMMEDIATE` … `COMMIT` every `batch` records). What it leaves out is
/// exactly what the writer adds: the queue, the writer thread, the record enum.
enum RawBaseline {
    /// Inserts `records` into a new database at `path`; returns the seconds the inserts took
    /// (opening and schema creation are not timed).
    static func run(_ records: [JournalRecord], path: String, batch: Int) -> Double {
        var db: OpaquePointer?
        check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil), db, "open")
        defer { sqlite3_close_v2(db) }
        exec(db, "PRAGMA journal_mode = WAL")
        exec(db, "PRAGMA synchronous = NORMAL")
        exec(db, "BEGIN IMMEDIATE")
        exec(db, JournalSchema.version1SQL)
        exec(db, "PRAGMA user_version = \(JournalSchema.latestVersion)")
        exec(db, "COMMIT")

        let decision = prepare(db, """
            INSERT INTO decisions (seq, event_ts_ns, wall_ts_ns, decision_id, strategy, strategy_id, client_id,
                symbol, symbol_id, verdict, reason, requested_quantity, final_quantity)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        let stage = prepare(db, """
            INSERT INTO decision_stages (decision_seq, position, stage, code, severity, quantity_in, quantity_out,
                factor, detail)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        let fill = prepare(db, """
            INSERT INTO fills (seq, event_ts_ns, wall_ts_ns, fill_id, order_id, strategy, strategy_id, symbol,
                symbol_id, side, quantity, price, fee_usd, liquidity, mode)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        let begin = prepare(db, "BEGIN IMMEDIATE"), commit = prepare(db, "COMMIT")
        defer { [decision, stage, fill, begin, commit].forEach { sqlite3_finalize($0) } }

        let start = Clock.nowNs()
        var index = 0
        while index < records.count {
            let end = min(index + batch, records.count)
            step(begin, db)
            for i in index..<end {
                let seq = Int64(i + 1)
                switch records[i] {
                case .decision(let r):
                    sqlite3_bind_int64(decision, 1, seq)
                    sqlite3_bind_int64(decision, 2, r.eventTimeNs)
                    sqlite3_bind_int64(decision, 3, r.wallTimeNs)
                    sqlite3_bind_int64(decision, 4, Int64(bitPattern: r.decisionID))
                    bindText(decision, 5, r.strategy)
                    sqlite3_bind_int64(decision, 6, Int64(r.strategyID))
                    sqlite3_bind_int64(decision, 7, Int64(bitPattern: r.clientID))
                    bindText(decision, 8, r.symbol)
                    sqlite3_bind_int64(decision, 9, Int64(r.symbolID))
                    bindText(decision, 10, r.verdict)
                    bindText(decision, 11, r.reason)
                    sqlite3_bind_double(decision, 12, r.requestedQuantity)
                    sqlite3_bind_double(decision, 13, r.finalQuantity)
                    step(decision, db)
                    for (position, row) in r.stages.enumerated() {
                        sqlite3_bind_int64(stage, 1, seq)
                        sqlite3_bind_int64(stage, 2, Int64(position))
                        bindText(stage, 3, row.stage)
                        bindText(stage, 4, row.code)
                        bindText(stage, 5, row.severity)
                        sqlite3_bind_double(stage, 6, row.quantityIn)
                        sqlite3_bind_double(stage, 7, row.quantityOut)
                        sqlite3_bind_double(stage, 8, row.factor)
                        bindText(stage, 9, row.detail)
                        step(stage, db)
                    }
                case .fill(let r):
                    sqlite3_bind_int64(fill, 1, seq)
                    sqlite3_bind_int64(fill, 2, r.eventTimeNs)
                    sqlite3_bind_int64(fill, 3, r.wallTimeNs)
                    sqlite3_bind_int64(fill, 4, Int64(bitPattern: r.fillID))
                    sqlite3_bind_int64(fill, 5, Int64(bitPattern: r.orderID))
                    bindText(fill, 6, r.strategy)
                    sqlite3_bind_int64(fill, 7, Int64(r.strategyID))
                    bindText(fill, 8, r.symbol)
                    sqlite3_bind_int64(fill, 9, Int64(r.symbolID))
                    bindText(fill, 10, r.side)
                    sqlite3_bind_double(fill, 11, r.quantity)
                    sqlite3_bind_double(fill, 12, r.price)
                    sqlite3_bind_double(fill, 13, r.feeUSD)
                    if let liquidity = r.liquidity { bindText(fill, 14, liquidity) } else { sqlite3_bind_null(fill, 14) }
                    bindText(fill, 15, r.mode)
                    step(fill, db)
                default:
                    fatalError("the baseline writes decisions and fills only")
                }
            }
            step(commit, db)
            index = end
        }
        return Double(Clock.nowNs() - start) / 1e9
    }

    private static func bindText(_ statement: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    _ = sqlite3_bind_text(statement, index, $0, Int32(bytes.count), gatehouse_sqlite_transient())
                }
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, gatehouse_sqlite_transient())
            }
        }
    }

    private static func step(_ statement: OpaquePointer?, _ db: OpaquePointer?) {
        let status = sqlite3_step(statement)
        guard status == SQLITE_DONE else { fatal(status, db, "step") }
        sqlite3_reset(statement)
    }

    private static func prepare(_ db: OpaquePointer?, _ sql: String) -> OpaquePointer? {
        var statement: OpaquePointer?
        check(sqlite3_prepare_v2(db, sql, -1, &statement, nil), db, sql)
        return statement
    }

    private static func exec(_ db: OpaquePointer?, _ sql: String) {
        check(sqlite3_exec(db, sql, nil, nil, nil), db, sql)
    }

    private static func check(_ status: Int32, _ db: OpaquePointer?, _ what: String) {
        if status != SQLITE_OK { fatal(status, db, what) }
    }

    private static func fatal(_ status: Int32, _ db: OpaquePointer?, _ what: String) -> Never {
        fatalError("raw baseline: \(what): SQLite \(status): \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "")")
    }
}
