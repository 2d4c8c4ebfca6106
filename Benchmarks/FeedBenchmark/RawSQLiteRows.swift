import CSQLite
import Foundation

/// The SQLite baseline of the book workload: `rows` inserts of a journal-sized row (an id, two
/// timestamps, two names, four numbers, a short code) through one prepared statement, 1,000 per
/// `BEGIN IMMEDIATE … COMMIT`, WAL and `synchronous=NORMAL` as the journal uses. What the disk and
/// SQLite can do on this machine, measured in the same run.
enum RawSQLiteRows {
    struct Result {
        var rows: Int
        var rowsPerSecond: Double
    }

    static func measure(rows: Int, in folder: String) throws -> Result {
        let path = folder + "/raw-baseline.sqlite"
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchmarkFailure("raw SQLite: cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchmarkFailure("raw SQLite: \(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        try exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
        try exec("""
            CREATE TABLE rows (seq INTEGER PRIMARY KEY, event_ts_ns INTEGER NOT NULL, wall_ts_ns INTEGER NOT NULL,
              strategy TEXT NOT NULL, symbol TEXT NOT NULL, quantity REAL NOT NULL, price REAL NOT NULL,
              a REAL NOT NULL, b REAL NOT NULL, code TEXT NOT NULL) STRICT
            """)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &statement, nil) == SQLITE_OK,
              let statement else { throw BenchmarkFailure("raw SQLite: prepare failed") }
        defer { sqlite3_finalize(statement) }
        let start = monotonicNanos()
        var seq: Int64 = 0
        while seq < Int64(rows) {
            try exec("BEGIN IMMEDIATE")
            for _ in 0..<1_000 where seq < Int64(rows) {
                seq += 1
                sqlite3_bind_int64(statement, 1, seq)
                sqlite3_bind_int64(statement, 2, 1_772_460_000_000_000_000 + seq)
                sqlite3_bind_int64(statement, 3, 1_772_460_000_000_000_000 + seq * 3)
                sqlite3_bind_text(statement, 4, "ema_btcusd", -1, gatehouse_sqlite_transient())
                sqlite3_bind_text(statement, 5, "BTCUSD", -1, gatehouse_sqlite_transient())
                sqlite3_bind_double(statement, 6, 0.0123 * Double(seq % 97))
                sqlite3_bind_double(statement, 7, 60_000 + Double(seq % 1_000))
                sqlite3_bind_double(statement, 8, 1)
                sqlite3_bind_double(statement, 9, 0.5)
                sqlite3_bind_text(statement, 10, "NONE", -1, gatehouse_sqlite_transient())
                guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchmarkFailure("raw SQLite: insert failed") }
                sqlite3_reset(statement)
            }
            try exec("COMMIT")
        }
        return Result(rows: rows, rowsPerSecond: Double(rows) / seconds(from: start, to: monotonicNanos()))
    }
}
