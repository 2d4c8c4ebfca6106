import Engine
import CSQLite
import Foundation
import Testing

/// The system SQLite the journal will use: linked, new enough for STRICT tables, WAL on a real file.
@Suite("SQLite system library")
struct SQLiteLibraryTests {
    @Test func theLinkedSQLiteSupportsStrictTablesInWALMode() throws {
        #expect(sqlite3_libversion_number() >= 3_037_000, "STRICT tables need SQLite 3.37")
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("probe.sqlite").path
        var db: OpaquePointer?
        try #require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK)
        defer { sqlite3_close_v2(db) }
        #expect(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER NOT NULL) STRICT;", nil, nil, nil) == SQLITE_OK)
        var statement: OpaquePointer?
        try #require(sqlite3_prepare_v2(db, "INSERT INTO t (x) VALUES (?)", -1, &statement, nil) == SQLITE_OK)
        sqlite3_bind_text(statement, 1, "not an integer", -1, gatehouse_sqlite_transient())
        // A STRICT table refuses a value of the wrong type instead of storing it.
        #expect(sqlite3_step(statement) == SQLITE_CONSTRAINT)
        sqlite3_finalize(statement)
    }
}
