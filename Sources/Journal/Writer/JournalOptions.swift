#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `JournalWriter` opens and runs.
public struct JournalOptions: Sendable {
    /// Written into `meta.host_id` when the journal is created (kept as is on later opens).
    public var hostID: String
    /// Records accepted but not yet committed, at most (default 65,536). When this many are
    /// waiting, `append` returns `.full`. It also bounds what a process crash can lose.
    public var queueCapacity: Int
    /// Records per transaction, at most (default 4,096). The writer commits everything queued,
    /// in transactions of up to this many records.
    public var batchLimit: Int
    /// How long a record may wait before the writer thread starts committing it, at most, while
    /// records keep coming (default 1 ms). In that state appends never wake the writer thread,
    /// which spares the appending thread a system call per record; the writer wakes on its own
    /// every `maxCommitDelayNs`, or at once for `flush()`, a full batch or a half-full queue.
    /// After about a second without records it sleeps until the next append wakes it. 0: an
    /// append to a writer with nothing to do always wakes it at once.
    public var maxCommitDelayNs: Int
    /// Run `PRAGMA quick_check` on an existing journal before writing to it (default true). It
    /// reads the whole file once at start; a damaged journal is refused instead of extended.
    public var checkIntegrityAtOpen: Bool
    /// The wall clock, ns since the Unix epoch, read once when a journal is created
    /// (`meta.created_wall_ts_ns`). Records carry their own timestamps.
    public var wallClockNs: @Sendable () -> Int64
    /// Called once, on the writer thread, when a write fails after start (disk full, I/O
    /// error), after the thread has rolled back, closed the database and stopped; it may call
    /// `close()`. From then on `append` returns `.failed`. The host should raise an alert, stop
    /// approving new risk and save `unwrittenRecords` elsewhere.
    public var onFailure: (@Sendable (JournalError) -> Void)?
    /// Tests only: caps the database at this many pages beyond those in use at open
    /// (`PRAGMA max_page_count`), so a test can make the "disk" full at a chosen point.
    package var extraPagesForTesting: Int?

    /// Options with the defaults above.
    public init(hostID: String, queueCapacity: Int = 65_536, batchLimit: Int = 4_096, maxCommitDelayNs: Int = 1_000_000,
                checkIntegrityAtOpen: Bool = true,
                wallClockNs: @escaping @Sendable () -> Int64 = JournalOptions.systemWallClockNs,
                onFailure: (@Sendable (JournalError) -> Void)? = nil) {
        self.hostID = hostID
        self.queueCapacity = queueCapacity
        self.batchLimit = batchLimit
        self.maxCommitDelayNs = maxCommitDelayNs
        self.checkIntegrityAtOpen = checkIntegrityAtOpen
        self.wallClockNs = wallClockNs
        self.onFailure = onFailure
    }

    /// `CLOCK_REALTIME` in ns since the Unix epoch.
    public static let systemWallClockNs: @Sendable () -> Int64 = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// What `JournalWriter.append` did with a record.
public enum AppendResult: Sendable, Equatable {
    /// Queued with this sequence number; it will be committed in `seq` order.
    case accepted(seq: Int64)
    /// The queue holds `queueCapacity` uncommitted records: the record was NOT taken and no
    /// sequence number was used. The caller must fail closed (stop approving new risk, raise an
    /// alert) and not drop the record silently.
    case full
    /// The journal can no longer write (a write failed after start, or the writer is closed).
    /// The record was not taken.
    case failed(JournalError)
}
