import CSQLite
import Foundation
import Synchronization

/// The journal's single writer: one SQLite file in WAL mode (`synchronous=NORMAL`), one writer
/// thread fed by a bounded queue, group commits.
///
/// - `append(_:)` never blocks and never drops: it queues the record with the next sequence
///   number, or returns `.full` (the queue holds `queueCapacity` uncommitted records) or
///   `.failed` (a write failed earlier, or the writer is closed) without taking it.
/// - The writer thread takes everything queued and commits it in transactions of up to
///   `batchLimit` records (`BEGIN IMMEDIATE`, one reused prepared insert per table, `COMMIT`),
///   within about `maxCommitDelayNs` (1 ms) of the append.
/// - A write error after start stops the journal: the failed transaction is rolled back, nothing
///   more is accepted, the error is kept (`failure`, `onFailure`) and the records not written
///   stay available (`unwrittenRecords`).
/// - One host per file: `<journal>.lock` is held with `flock` for the writer's lifetime.
///
/// Thread-safe: `append`, `flush` and the counters may be called from any thread.
public final class JournalWriter: Sendable {
    /// The journal file.
    public let path: String
    /// The schema version the file had when opened (0 when it was created by this open).
    public let openedSchemaVersion: Int32
    private let core: WriterCore
    private let lock: JournalLock

    /// Opens (or creates) the journal at `path` and starts the writer thread.
    ///
    /// Refuses, before writing anything, a missing or unwritable folder, a corrupt file, a file
    /// that is not a journal, a journal from a newer schema, and a journal another host holds.
    /// Creates the schema in a new or empty file; migrates an older one, one transaction per step.
    public init(path: String, options: JournalOptions) throws(JournalError) {
        precondition(options.queueCapacity >= 1 && options.batchLimit >= 1)
        self.path = path
        try JournalFile.checkDirectory(of: path, writable: true)
        // The claim comes first: whatever follows (checks, creation, migrations) happens for one
        // host at a time.
        let lock = try JournalLock.acquire(journal: path)
        let existed = JournalFile.exists(path)
        // Owner only: the journal, its -wal and -shm (SQLite gives them the database file's mode)
        // and the lock file hold every decision and order. A new file is created 0600; an older
        // one, and side files a crashed run left, are narrowed to it.
        try JournalFile.restrictToOwner(path, create: !existed)
        // The file itself, whatever name it is reached by: a link to another host's journal is refused.
        let identity = try lock.claimDatabase(path)
        var version: Int32 = 0
        if existed {
            // Inspect through a read-only connection, so a refused file is not written to. With
            // no -wal file the database file holds every commit and, under our lock, nobody
            // changes it: read it as immutable, which also creates no -wal/-shm beside it. With a
            // -wal file (the last host crashed) a normal read-only open reads the WAL too.
            let hasWAL = JournalFile.exists(path + "-wal")
            let inspection: SQLiteConnection
            do throws(JournalError) {
                inspection = hasWAL
                    ? try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)
                    : try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                           uri: JournalFile.immutableURI(path))
            } catch {
                throw JournalFile.classify(error)
            }
            version = try JournalFile.inspect(inspection, checkIntegrity: options.checkIntegrityAtOpen)
            inspection.close()
        }
        let connection: SQLiteConnection
        do throws(JournalError) {
            connection = try SQLiteConnection(
                path: path, flags: SQLITE_OPEN_READWRITE | (existed ? 0 : SQLITE_OPEN_CREATE))
        } catch {
            throw JournalFile.classify(error)
        }
        if connection.isReadOnly { throw .fileNotWritable(file: path) }
        let nextSeq: Int64
        do throws(JournalError) {
            // Never wait on another connection's lock: our own lock file keeps other hosts out,
            // and waiting would hide a problem. (The writer retries BEGIN briefly; see
            // WriterConnection.)
            sqlite3_busy_timeout(connection.handle, 0)
            // A reader (an auditor's shell, a JournalReader) may hold a read lock on a journal
            // that is being created or migrated: the WAL switch and each migration wait for it
            // for about a second, then fail naming SQLITE_BUSY.
            let mode = try JournalFile.retryingBusy { () throws(JournalError) in try connection.column0Texts("PRAGMA journal_mode = WAL") }
            guard mode == ["wal"] else {
                throw JournalError.sqlite(file: path, code: SQLITE_ERROR,
                                          message: "journal_mode is \(mode.first ?? "?") instead of wal",
                                          sql: "PRAGMA journal_mode = WAL")
            }
            // WAL + NORMAL: a commit is durable against a process crash at once, against a power
            // cut from the next checkpoint's fsync (docs/journal.md).
            try connection.exec("PRAGMA synchronous = NORMAL")
            let context = JournalSchema.Context(hostID: options.hostID, wallTimeNs: options.wallClockNs())
            try JournalFile.retryingBusy { () throws(JournalError) in
                // From the version the file is at now: a retry must not redo a step that committed.
                let current = Int32(try connection.scalarInt64("PRAGMA user_version") ?? 0)
                try JournalFile.migrate(connection, from: max(version, current), context: context)
            }
            if let extra = options.extraPagesForTesting {
                let pages = try connection.scalarInt64("PRAGMA page_count") ?? 0
                _ = try connection.column0Texts("PRAGMA max_page_count = \(pages + Int64(extra))")
            }
            nextSeq = try JournalFile.lastSeq(connection) + 1
        } catch {
            throw JournalFile.classify(error)
        }
        let writerConnection = try WriterConnection(connection: connection)
        openedSchemaVersion = version
        self.lock = lock
        core = WriterCore(path: path, identity: identity, options: options, nextSeq: nextSeq)
        core.start(writerConnection)
    }

    deinit {
        core.shutdown()
        lock.release()
    }

    /// Queues `record`; never blocks. `.accepted(seq)` means it will be committed with that
    /// sequence number (unless a later write error stops the journal, which `failure` reports).
    /// On `.full` or `.failed` the record was not taken and the caller must fail closed.
    public func append(_ record: JournalRecord) -> AppendResult {
        core.append(record)
    }

    /// Appends `records` as one group, committed in a single transaction: after a crash the file
    /// holds all of them or none. Taken whole or refused whole (`full`, no sequence number used);
    /// a group larger than the queue is taken when the queue is empty. Returns the last record's
    /// sequence number. Thread-safe.
    public func append(group records: [JournalRecord]) -> AppendResult {
        core.append(group: records)
    }

    /// The highest sequence number committed to the WAL (0 when none). Everything up to it
    /// survives a process crash.
    public var committedSeq: Int64 { core.committed.load(ordering: .acquiring) }

    /// Records accepted but not yet committed.
    public var queueDepth: Int { core.queueDepth }

    /// Transactions committed since open (each holds up to `batchLimit` records).
    public var transactionCount: Int { core.transactions.load(ordering: .relaxed) }

    /// Appends refused with `.full` since open.
    public var refusedCount: Int { core.refused.load(ordering: .relaxed) }

    /// The write error that stopped the journal, nil while it is healthy.
    public var failure: JournalError? { core.failure }

    /// After a write failure: the records accepted but not written (the failed transaction's and
    /// everything queued after it), in `seq` order, so the host can save them elsewhere.
    public var unwrittenRecords: [JournalEntry] { core.unwrittenRecords }

    /// Blocks until every record accepted before the call is committed. Throws the write error
    /// if the journal failed first. (While paused for testing it waits for the resume.)
    public func flush() throws(JournalError) {
        try core.flush()
    }

    /// Commits everything accepted, stops the writer thread, closes the database (checkpointing
    /// the WAL into it) and releases the lock. Idempotent; later appends return `.failed(.closed)`.
    /// Throws the write error if the journal failed at any point.
    public func close() throws(JournalError) {
        core.shutdown()
        lock.release()
        if let failure = core.failure { throw failure }
    }

    /// Tests only: returns once the writer thread has finished its current batch and stopped
    /// taking records; appends still queue (up to the capacity). Undo with `resumeForTesting()`.
    package func pauseForTesting() { core.pause() }

    /// Tests only: lets a paused writer thread continue.
    package func resumeForTesting() { core.resume() }
}
