import CSQLite

/// One prepared statement: bind parameters (1-based), step, read columns (0-based), reset for
/// reuse. Finalized on deinit. Keeps its connection alive.
final class Statement {
    let connection: SQLiteConnection
    let sql: String
    private let statement: OpaquePointer

    init(connection: SQLiteConnection, statement: OpaquePointer, sql: String) {
        self.connection = connection
        self.statement = statement
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    // MARK: Binding

    /// Binds an integer.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(statement, index, value)
    }

    /// Binds an unsigned id as its two's-complement bit pattern (ids up to 2^63-1 read as
    /// themselves in the sqlite3 shell; larger ones read as negative numbers).
    func bind(_ value: UInt64, at index: Int32) {
        sqlite3_bind_int64(statement, index, Int64(bitPattern: value))
    }

    /// Binds a real. SQLite stores NaN as NULL, so a NaN in a NOT NULL column fails the insert.
    func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(statement, index, value)
    }

    /// Binds a bool as 0 or 1.
    func bind(_ value: Bool, at index: Int32) {
        sqlite3_bind_int64(statement, index, value ? 1 : 0)
    }

    /// Binds text; SQLite copies it before returning (`SQLITE_TRANSIENT`).
    func bind(_ value: String, at index: Int32) {
        var value = value
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    _ = sqlite3_bind_text(statement, index, $0, Int32(bytes.count), gatehouse_sqlite_transient())
                }
            } else {
                // A nil pointer would bind NULL; an empty string must stay an empty string.
                _ = sqlite3_bind_text(statement, index, "", 0, gatehouse_sqlite_transient())
            }
        }
    }

    /// Binds a blob; SQLite copies it before returning (`SQLITE_TRANSIENT`). An empty blob stays
    /// an empty blob, never NULL.
    func bind(_ value: [UInt8], at index: Int32) {
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count),
                                  gatehouse_sqlite_transient())
        }
    }

    /// Binds text, or NULL for nil.
    func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { sqlite3_bind_null(statement, index) }
    }

    /// Binds a blob, or NULL for nil.
    func bind(_ value: [UInt8]?, at index: Int32) {
        if let value { bind(value, at: index) } else { sqlite3_bind_null(statement, index) }
    }

    /// Binds a real, or NULL for nil.
    func bind(_ value: Double?, at index: Int32) {
        if let value { bind(value, at: index) } else { sqlite3_bind_null(statement, index) }
    }

    // MARK: Running

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws(JournalError) -> Bool {
        let status = sqlite3_step(statement)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(status, sql: sql)
        }
    }

    /// Runs a statement that returns no rows, then resets it for reuse.
    func run() throws(JournalError) {
        defer { reset() }
        try step()
    }

    /// Makes the statement ready to run again (bindings are kept until rebound).
    func reset() {
        sqlite3_reset(statement)
    }

    // MARK: Columns

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    /// An unsigned id stored by `bind(_: UInt64, at:)`.
    func uint64(_ column: Int32) -> UInt64 { UInt64(bitPattern: int64(column)) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    func bool(_ column: Int32) -> Bool { int64(column) != 0 }

    func text(_ column: Int32) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// A blob column's bytes (empty for NULL or an empty blob).
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
