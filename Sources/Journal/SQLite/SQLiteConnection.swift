import CSQLite

/// A small, safe wrapper over one `sqlite3` connection: open with flags, execute, prepare.
/// Errors carry SQLite's message and the SQL that failed.
///
/// Not thread-safe and not `Sendable`: a connection belongs to one thread at a time (the journal
/// writer hands its connection to the writer thread once, before that thread starts). Opened
/// with `SQLITE_OPEN_NOMUTEX` for that reason.
final class SQLiteConnection {
    /// The database file, as given (the file, not the URI, when opened by URI): errors name it.
    let path: String
    /// The open handle; nil once closed.
    private(set) var handle: OpaquePointer?

    /// Opens `path` with `flags` (`SQLITE_OPEN_READONLY`, or `SQLITE_OPEN_READWRITE` with or without
    /// `SQLITE_OPEN_CREATE`). Extended result codes are on. With `SQLITE_OPEN_URI`, `uri` is what
    /// SQLite opens and `path` only names the file in errors.
    init(path: String, flags: Int32, uri: String? = nil) throws(JournalError) {
        self.path = path
        var db: OpaquePointer?
        let status = sqlite3_open_v2(uri ?? path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            // A handle is returned even on failure (except out of memory) and must be closed.
            sqlite3_close_v2(db)
            throw .sqlite(file: path, code: status, message: message, sql: nil)
        }
        sqlite3_extended_result_codes(db, 1)
        handle = db
    }

    deinit { close() }

    /// Closes the connection. Statements still alive keep it as a zombie until they are
    /// finalized (`sqlite3_close_v2`), so the order of deinits does not matter. Idempotent.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// The error for a failed call with `status`, with SQLite's current message.
    func error(_ status: Int32, sql: String?) -> JournalError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        return .sqlite(file: path, code: status, message: message, sql: sql)
    }

    /// Runs one or more statements that return no rows needed by the caller.
    func exec(_ sql: String) throws(JournalError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        if status != SQLITE_OK { throw error(status, sql: sql) }
    }

    /// Compiles one statement.
    func prepare(_ sql: String) throws(JournalError) -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw error(status, sql: sql)
        }
        return Statement(connection: self, statement: statement, sql: sql)
    }

    /// The first column of the first row of `sql` as an integer (nil for no row or NULL).
    func scalarInt64(_ sql: String) throws(JournalError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.optionalInt64(0)
    }

    /// Every row's first column as text (NULL as ""), e.g. the findings of `PRAGMA quick_check`.
    func column0Texts(_ sql: String) throws(JournalError) -> [String] {
        let statement = try prepare(sql)
        var rows: [String] = []
        while try statement.step() { rows.append(statement.optionalText(0) ?? "") }
        return rows
    }

    /// True when the connection can only read (opened read-only, or SQLite fell back to it
    /// because the file is not writable).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// False while a transaction is open.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
}
