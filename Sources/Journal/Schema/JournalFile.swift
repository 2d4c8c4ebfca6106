import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks shared by the writer and the reader before they use a journal file: the folder, the
/// file's integrity, identity and schema version, and the migrations.
enum JournalFile {
    /// The folder holding `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The operating system's message for `code`.
    static func message(forErrno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Throws `directoryMissing` unless the folder of `path` exists and is a folder, and with
    /// `writable`, `directoryNotWritable` when the kernel says this process may not create files
    /// in it (permissions, a read-only mount, an immutable folder). Some folders pass this check
    /// yet refuse new files (/proc, /sys for root): creating the lock file catches those.
    static func checkDirectory(of path: String, writable: Bool = false) throws(JournalError) {
        let folder = directory(of: path)
        var info = stat()
        guard stat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .directoryMissing(directory: folder, file: path)
        }
        if writable && access(folder, W_OK | X_OK) != 0 {
            throw .directoryNotWritable(directory: folder, file: path, reason: message(forErrno: errno))
        }
    }

    /// `file:<path>?immutable=1`, with the characters a URI gives meaning to escaped.
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:\(escaped)?immutable=1"
    }

    /// True when something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Makes the journal at `path` and its `-wal` and `-shm` files readable and writable by their
    /// owner alone: with `create`, creates the (empty) database file 0600 first, so SQLite, which
    /// gives the side files the database file's mode, never makes one readable by others. Files
    /// of another owner are left as they are (changing them is not this process's to do).
    static func restrictToOwner(_ path: String, create: Bool) throws(JournalError) {
        if create {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 {
                let code = errno
                // Created meanwhile by someone else: SQLite opens what is there.
                guard code == EEXIST else {
                    throw .directoryNotWritable(directory: directory(of: path), file: path,
                                                reason: "creating \(path): \(message(forErrno: code))")
                }
            } else {
                close(fd)
            }
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o077 != 0 else { continue }
            _ = chmod(file, info.st_mode & 0o700)
        }
    }

    /// True for SQLite's "not a database" and "corrupt" result codes (primary or extended).
    static func isCorruption(_ code: Int32) -> Bool {
        let primary = code & 0xFF
        return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT
    }

    /// Turns SQLite's corruption errors into `.corrupt`, leaving others as they are.
    static func classify(_ error: JournalError) -> JournalError {
        if case .sqlite(let file, let code, let message, _) = error, isCorruption(code) {
            return .corrupt(file: file, message: message)
        }
        return error
    }

    /// Inspects an open journal without writing to it: optionally `PRAGMA quick_check`, then the
    /// application id and schema version. Returns the schema version (0 for an empty file).
    /// Throws `.corrupt`, `.notAJournal` or `.newerSchema`.
    static func inspect(_ connection: SQLiteConnection, checkIntegrity: Bool) throws(JournalError) -> Int32 {
        let path = connection.path
        do throws(JournalError) {
            if checkIntegrity {
                // quick_check: the structural checks of integrity_check without the (slow)
                // index-content cross-check. One row "ok", or up to 100 findings.
                let findings = try connection.column0Texts("PRAGMA quick_check")
                if findings != ["ok"] {
                    throw JournalError.corrupt(file: path, message: findings.prefix(5).joined(separator: "; "))
                }
            }
            let version = Int32(truncatingIfNeeded: try connection.scalarInt64("PRAGMA user_version") ?? 0)
            let application = Int32(truncatingIfNeeded: try connection.scalarInt64("PRAGMA application_id") ?? 0)
            let tables = try connection.scalarInt64("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") ?? 0
            if version == 0 {
                if tables > 0 || application != 0 {
                    throw JournalError.notAJournal(
                        file: path, reason: "an unversioned SQLite database that already holds \(tables) table(s)")
                }
                return 0
            }
            if application != JournalSchema.applicationID {
                throw JournalError.notAJournal(
                    file: path, reason: "application_id is \(application), a Gatehouse journal has \(JournalSchema.applicationID)")
            }
            if version > JournalSchema.latestVersion {
                throw JournalError.newerSchema(file: path, found: version, supported: JournalSchema.latestVersion)
            }
            return version
        } catch {
            throw classify(error)
        }
    }

    /// Runs `body`, again while it fails with SQLITE_BUSY, for up to about a second (200 tries,
    /// 5 ms apart). For the steps that need a lock another connection (an auditor's shell, a
    /// reader) may hold for a moment: the WAL switch and migrations at open, and each commit's
    /// BEGIN. busy_timeout stays 0 so that nothing else waits silently.
    static func retryingBusy<T>(_ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        var attempt = 0
        while true {
            do throws(JournalError) {
                return try body()
            } catch {
                guard case .sqlite(_, let code, _, _) = error, code & 0xFF == SQLITE_BUSY, attempt < 200 else { throw error }
                attempt += 1
                usleep(5_000)
            }
        }
    }

    /// Brings the schema from `version` to the latest, one migration per transaction (each sets
    /// `user_version` in the same transaction, so a crash leaves the file at a whole version).
    static func migrate(_ connection: SQLiteConnection, from version: Int32, context: JournalSchema.Context) throws(JournalError) {
        for migration in JournalSchema.migrations where migration.version > version {
            try connection.exec("BEGIN IMMEDIATE")
            do throws(JournalError) {
                try connection.exec(migration.sql)
                try migration.seed?(connection, context)
                try connection.exec("PRAGMA user_version = \(migration.version)")
                try connection.exec("COMMIT")
            } catch {
                if !connection.isAutocommit { try? connection.exec("ROLLBACK") }
                throw error
            }
        }
    }

    /// The highest `seq` in any record table of a file at `version`, 0 for an empty journal.
    static func lastSeq(_ connection: SQLiteConnection, version: Int32 = JournalSchema.latestVersion) throws(JournalError) -> Int64 {
        // max(seq) of a rowid table is one B-tree descent, so this is cheap on any size.
        // (The multi-argument max() is NULL if any argument is, hence the coalesce.)
        let parts = JournalSchema.recordTables(at: version).map { "coalesce((SELECT max(seq) FROM \($0)), 0)" }.joined(separator: ", ")
        return try connection.scalarInt64("SELECT max(\(parts))") ?? 0
    }
}
