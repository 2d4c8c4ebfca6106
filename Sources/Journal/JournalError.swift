/// Everything that can go wrong opening, writing or reading a journal. Every case names the
/// journal file, and `description` says what an operator can do about it.
///
/// Errors found at open (`JournalWriter.init`, `JournalReader.init`) are raised before anything
/// is written: the database file is never modified by a refused open.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder that should hold the journal does not exist, or is not a folder.
    case directoryMissing(directory: String, file: String)
    /// The journal's folder exists but no file can be created in it (permissions, a read-only
    /// file system, a pseudo file system). `reason` is the operating system's message.
    case directoryNotWritable(directory: String, file: String, reason: String)
    /// The journal file exists but cannot be opened for writing (its permissions, or the file
    /// system, only allow reading).
    case fileNotWritable(file: String)
    /// The file is not an SQLite database, or SQLite found it damaged. `message` is SQLite's own
    /// (`file is not a database`, or the findings of `PRAGMA quick_check`).
    case corrupt(file: String, message: String)
    /// The file is an SQLite database but not a Gatehouse journal (another application's file,
    /// or an unversioned database that already holds tables).
    case notAJournal(file: String, reason: String)
    /// The journal was written by a newer Gatehouse: its schema version `found` is above the
    /// highest this build knows, `supported`.
    case newerSchema(file: String, found: Int32, supported: Int32)
    /// Another running host holds the journal's lock file. `pid` is the process id the holder
    /// wrote into the lock file, nil when it could not be read.
    case lockedByAnotherHost(file: String, lockFile: String, pid: Int32?)
    /// SQLite refused an operation. `code` is the extended result code, `message` is
    /// `sqlite3_errmsg`, `sql` the statement (nil when the failure was not in a statement).
    case sqlite(file: String, code: Int32, message: String, sql: String?)
    /// A file-system call on the journal or its lock file failed (`operation` names it,
    /// `message` is the operating system's message).
    case fileSystem(file: String, operation: String, message: String)
    /// The writer was closed; nothing more can be appended.
    case closed(file: String)

    /// The journal file the error is about.
    public var file: String {
        switch self {
        case .directoryMissing(_, let file), .directoryNotWritable(_, let file, _), .fileNotWritable(let file),
             .corrupt(let file, _), .notAJournal(let file, _), .newerSchema(let file, _, _),
             .lockedByAnotherHost(let file, _, _), .sqlite(let file, _, _, _), .fileSystem(let file, _, _),
             .closed(let file):
            file
        }
    }

    public var description: String {
        switch self {
        case .directoryMissing(let directory, let file):
            "journal \(file): the folder \(directory) does not exist or is not a folder; create it (or fix journal path) and start again"
        case .directoryNotWritable(let directory, let file, let reason):
            "journal \(file): cannot create files in the folder \(directory) (\(reason)); the journal needs it writable for the database, its -wal and -shm files and its .lock file"
        case .fileNotWritable(let file):
            "journal \(file): the file exists but is read-only; give the host write access to it (nothing was written)"
        case .corrupt(let file, let message):
            "journal \(file): not a valid SQLite database or damaged (SQLite: \(message)); the file was left untouched: move it aside and keep it for inspection, or restore it from a backup"
        case .notAJournal(let file, let reason):
            "journal \(file): not a Gatehouse journal (\(reason)); the file was left untouched: point the host at another path"
        case .newerSchema(let file, let found, let supported):
            "journal \(file): schema version \(found) is newer than this build supports (\(supported)); the file was left untouched: run a Gatehouse that knows version \(found), or use a new journal path"
        case .lockedByAnotherHost(let file, let lockFile, let pid):
            lockFile == file
                ? "journal \(file): the database is held by another running host under another name (a hard or symbolic link to its journal); stop that host first or use another journal"
                : "journal \(file): locked by another running host (\(pid.map { "pid \($0)" } ?? "pid unknown"), lock file \(lockFile)); stop that host first or use another journal path"
        case .sqlite(let file, let code, let message, let sql):
            "journal \(file): SQLite error \(code): \(message)" + (sql.map { " (in: \($0))" } ?? "")
        case .fileSystem(let file, let operation, let message):
            "journal \(file): \(operation) failed: \(message)"
        case .closed(let file):
            "journal \(file): the writer is closed"
        }
    }
}
