import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// The queue between the appending threads and the writer thread, and the writer thread's loop.
///
/// All shared state is in one `Mutex`; the committed sequence number and the counters are also
/// atomics so they read without the lock.
///
/// Waking a sleeping thread is a system call that costs microseconds (about 7 µs on a small VM),
/// which an append on the event loop should not pay for every record. So the writer thread,
/// once the queue is empty, first *polls*: it sleeps at most `maxCommitDelayNs` and looks again,
/// and appends do not wake it (unless half the queue or a full batch is waiting). Only after
/// about a second with nothing to write does it go *idle*, sleeping until the next append wakes
/// it. `flush`, `pause`, `resume` and `shutdown` always wake it.
final class WriterCore: Sendable {
    struct FlushWaiter {
        let target: Int64
        let semaphore: DispatchSemaphore
    }

    struct State {
        /// Accepted records not yet taken by the writer thread, in `seq` order.
        var incoming: [JournalEntry] = []
        /// Parallel to `incoming`: whether a transaction may end after that entry (false inside a
        /// group appended with `append(group:)`, so a group is never split across commits).
        var incomingMayEnd: [Bool] = []
        /// The sequence number the next accepted record gets.
        var nextSeq: Int64
        /// The highest committed sequence number (the atomic `committed` mirrors it).
        var committedSeq: Int64
        /// What the writer thread is doing; `wakeWriter()` says whether to signal `wake`.
        var sleep = Sleep.awake
        var pauseRequested = false
        var pauseAcknowledged = false
        var closing = false
        /// The writer thread has ended (closed or failed) and closed the database.
        var finished = false
        var failure: JournalError?
        var unwritten: [JournalEntry] = []
        var flushWaiters: [FlushWaiter] = []

        /// Marks the writer awake; true when the caller must signal `wake` (it was asleep).
        mutating func wakeWriter() -> Bool {
            if sleep == .awake { return false }
            sleep = .awake
            return true
        }

        /// After an append: wake an idle writer at once, a polling one only once enough waits
        /// (`threshold` uncommitted records). True when the caller must signal it.
        mutating func wakeAfterAppend(threshold: Int64) -> Bool {
            switch sleep {
            case .awake: false
            case .polling: nextSeq - 1 - committedSeq >= threshold && wakeWriter()
            case .idle: wakeWriter()
            }
        }
    }

    enum Sleep {
        /// Working, or about to look at the queue.
        case awake
        /// Asleep for at most `maxCommitDelayNs`; appends let it be.
        case polling
        /// Asleep until signalled; the next append wakes it.
        case idle
    }

    let path: String
    let capacity: Int
    let batchLimit: Int
    /// An append wakes a polling writer when this many records wait.
    let wakeThreshold: Int64
    let pollIntervalNs: Int
    /// Empty polls in a row before the writer goes idle (about one second).
    let pollsBeforeIdle: Int
    let onFailure: (@Sendable (JournalError) -> Void)?
    let state: Mutex<State>
    let committed: Atomic<Int64>
    let refused = Atomic<Int>(0)
    let transactions = Atomic<Int>(0)
    /// Wakes the writer thread.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled by the writer thread when it has parked for a pause.
    private let pauseAcknowledged = DispatchSemaphore(value: 0)
    /// Signalled once when the writer thread has ended; each waiter passes it on.
    private let finished = DispatchSemaphore(value: 0)

    /// The database file the journal was opened on: before each transaction the writer checks
    /// that its path still names it, so a journal deleted or replaced under a running host stops
    /// the journal (and the host refuses new risk) instead of writing to a file nobody can read.
    private let identity: FileIdentity

    init(path: String, identity: FileIdentity, options: JournalOptions, nextSeq: Int64) {
        self.path = path
        self.identity = identity
        capacity = options.queueCapacity
        batchLimit = options.batchLimit
        wakeThreshold = Int64(max(1, min(options.queueCapacity / 2, options.batchLimit)))
        pollIntervalNs = max(0, options.maxCommitDelayNs)
        pollsBeforeIdle = pollIntervalNs > 0 ? max(1, 1_000_000_000 / pollIntervalNs) : 0
        onFailure = options.onFailure
        var initial = State(nextSeq: nextSeq, committedSeq: nextSeq - 1)
        // Room for a full queue from the start, so a burst never copies a growing buffer while
        // holding the lock (untouched pages cost no memory until used).
        initial.incoming.reserveCapacity(options.queueCapacity)
        initial.incomingMayEnd.reserveCapacity(options.queueCapacity)
        state = Mutex(initial)
        committed = Atomic(nextSeq - 1)
    }

    /// Starts the writer thread, which owns `connection` from now on.
    func start(_ connection: WriterConnection) {
        let thread = Thread { [self] in
            nameWriterThread()
            run(connection)
        }
        thread.name = "gh-journal-sql"
        thread.start()
    }

    // MARK: Appending side

    func append(_ record: JournalRecord) -> AppendResult {
        let (result, signal) = state.withLock { s -> (AppendResult, Bool) in
            if let failure = s.failure { return (.failed(failure), false) }
            if s.closing { return (.failed(.closed(file: path)), false) }
            if s.nextSeq - 1 - s.committedSeq >= Int64(capacity) { return (.full, false) }
            let seq = s.nextSeq
            s.nextSeq += 1
            s.incoming.append(JournalEntry(seq: seq, record: record))
            s.incomingMayEnd.append(true)
            return (.accepted(seq: seq), s.wakeAfterAppend(threshold: wakeThreshold))
        }
        if signal { wake.signal() }
        if case .full = result { refused.add(1, ordering: .relaxed) }
        return result
    }

    /// Appends `records` as one group: they get consecutive sequence numbers and are committed in
    /// one transaction, so a crash keeps all of them or none. Taken whole or not at all: refused
    /// (`full`) when the queue cannot hold the group, unless the queue is empty (a group larger
    /// than the queue still goes through, alone). Returns the last record's sequence number.
    func append(group records: [JournalRecord]) -> AppendResult {
        guard !records.isEmpty else { return .accepted(seq: state.withLock { $0.nextSeq - 1 }) }
        let (result, signal) = state.withLock { s -> (AppendResult, Bool) in
            if let failure = s.failure { return (.failed(failure), false) }
            if s.closing { return (.failed(.closed(file: path)), false) }
            let queued = s.nextSeq - 1 - s.committedSeq
            if queued > 0 && queued + Int64(records.count) > Int64(capacity) { return (.full, false) }
            for (index, record) in records.enumerated() {
                s.incoming.append(JournalEntry(seq: s.nextSeq, record: record))
                s.incomingMayEnd.append(index == records.count - 1)
                s.nextSeq += 1
            }
            return (.accepted(seq: s.nextSeq - 1), s.wakeAfterAppend(threshold: wakeThreshold))
        }
        if signal { wake.signal() }
        if case .full = result { refused.add(1, ordering: .relaxed) }
        return result
    }

    var queueDepth: Int {
        state.withLock { Int($0.nextSeq - 1 - $0.committedSeq) }
    }

    var failure: JournalError? { state.withLock { $0.failure } }

    var unwrittenRecords: [JournalEntry] { state.withLock { $0.unwritten } }

    func flush() throws(JournalError) {
        enum Plan { case done, fail(JournalError), wait(DispatchSemaphore, Int64, Bool) }
        let plan = state.withLock { s -> Plan in
            if let failure = s.failure { return .fail(failure) }
            let target = s.nextSeq - 1
            if s.committedSeq >= target { return .done }
            if s.finished { return .fail(.closed(file: path)) }
            let semaphore = DispatchSemaphore(value: 0)
            s.flushWaiters.append(FlushWaiter(target: target, semaphore: semaphore))
            return .wait(semaphore, target, s.wakeWriter())
        }
        switch plan {
        case .done: return
        case .fail(let error): throw error
        case .wait(let semaphore, let target, let signal):
            if signal { wake.signal() }
            semaphore.wait()
            let outcome = state.withLock { s -> JournalError? in
                s.committedSeq >= target ? nil : (s.failure ?? .closed(file: path))
            }
            if let outcome { throw outcome }
        }
    }

    /// Asks the writer thread to commit everything and end, and waits until it has closed the
    /// database. Idempotent and safe to call from several threads.
    func shutdown() {
        let signal = state.withLock { s -> Bool in
            s.closing = true
            s.pauseRequested = false
            return s.wakeWriter()
        }
        if signal { wake.signal() }
        finished.wait()
        finished.signal()
    }

    func pause() {
        let (signal, wait) = state.withLock { s -> (Bool, Bool) in
            guard !s.finished, !s.closing, s.failure == nil, !s.pauseRequested else { return (false, false) }
            s.pauseRequested = true
            return (s.wakeWriter(), true)
        }
        if signal { wake.signal() }
        if wait { pauseAcknowledged.wait() }
    }

    func resume() {
        let signal = state.withLock { s -> Bool in
            s.pauseRequested = false
            s.pauseAcknowledged = false
            return s.wakeWriter()
        }
        if signal { wake.signal() }
    }

    // MARK: Writer thread

    private enum Step { case write, poll, idle(acknowledgePause: Bool), exit }

    private func run(_ connection: WriterConnection) {
        var batch: [JournalEntry] = []
        batch.reserveCapacity(capacity)
        var batchMayEnd: [Bool] = []
        batchMayEnd.reserveCapacity(capacity)
        var emptyPolls = 0
        loop: while true {
            let step = state.withLock { s -> Step in
                s.sleep = .awake
                if s.failure != nil { return .exit }
                if s.pauseRequested && !s.closing {
                    let first = !s.pauseAcknowledged
                    s.pauseAcknowledged = true
                    s.sleep = .idle
                    return .idle(acknowledgePause: first)
                }
                if !s.incoming.isEmpty {
                    // Take everything queued in O(1); the appenders get the emptied buffer back,
                    // capacity kept, so steady state allocates nothing.
                    swap(&s.incoming, &batch)
                    swap(&s.incomingMayEnd, &batchMayEnd)
                    return .write
                }
                if s.closing { return .exit }
                if emptyPolls < pollsBeforeIdle {
                    s.sleep = .polling
                    return .poll
                }
                s.sleep = .idle
                return .idle(acknowledgePause: false)
            }
            switch step {
            case .poll:
                // A signal (flush, a full batch waiting, shutdown) ends the sleep early; a stale
                // signal from a wake that raced with the timeout only costs one extra look.
                if wake.wait(timeout: .now() + .nanoseconds(pollIntervalNs)) == .timedOut { emptyPolls += 1 }
            case .idle(let acknowledgePause):
                if acknowledgePause { pauseAcknowledged.signal() }
                wake.wait()
                emptyPolls = 0
            case .write:
                emptyPolls = 0
                if !write(batch, mayEnd: batchMayEnd, connection) { break loop }
                batch.removeAll(keepingCapacity: true)
                batchMayEnd.removeAll(keepingCapacity: true)
            case .exit:
                break loop
            }
        }
        connection.close()
        let (waiters, pausing) = state.withLock { s -> ([FlushWaiter], Bool) in
            s.finished = true
            let waiters = s.flushWaiters
            s.flushWaiters = []
            // A pause asked for just before a failure must not wait for an acknowledgement forever.
            let pausing = s.pauseRequested && !s.pauseAcknowledged
            s.pauseAcknowledged = true
            return (waiters, pausing)
        }
        for waiter in waiters { waiter.semaphore.signal() }
        if pausing { pauseAcknowledged.signal() }
        finished.signal()
        // Reported last, once the thread is done with the database, so the handler may call
        // close() (or anything else) without waiting on this thread.
        if let failure = state.withLock({ $0.failure }) { onFailure?(failure) }
    }

    /// Commits `batch` in transactions of up to `batchLimit` records, longer only to keep a group
    /// whole (a transaction ends only where `mayEnd` allows). False after a failure.
    private func write(_ batch: [JournalEntry], mayEnd: [Bool], _ connection: WriterConnection) -> Bool {
        var start = batch.startIndex
        while start < batch.endIndex {
            var end = min(start + batchLimit, batch.endIndex)
            while end < batch.endIndex && !mayEnd[end - 1] { end += 1 }
            do throws(JournalError) {
                guard FileIdentity.of(path) == identity else {
                    throw .fileSystem(file: path, operation: "checking the journal is still at its path",
                                      message: "the file was deleted or replaced while the host ran; nothing more is recorded, and the host refuses new risk until it is restarted on a journal")
                }
                try connection.commit(batch[start..<end])
            } catch {
                fail(error, unwritten: batch[start...])
                return false
            }
            let last = batch[end - 1].seq
            committed.store(last, ordering: .releasing)
            transactions.add(1, ordering: .relaxed)
            let ready = state.withLock { s -> [FlushWaiter] in
                s.committedSeq = last
                guard !s.flushWaiters.isEmpty else { return [] }
                let ready = s.flushWaiters.filter { $0.target <= last }
                s.flushWaiters.removeAll { $0.target <= last }
                return ready
            }
            for waiter in ready { waiter.semaphore.signal() }
            start = end
        }
        return true
    }

    /// Stops the journal: keeps the error and the records not written, refuses further appends,
    /// wakes flushers. (`run` reports it to `onFailure` once the database is closed.)
    private func fail(_ error: JournalError, unwritten: ArraySlice<JournalEntry>) {
        let waiters = state.withLock { s -> [FlushWaiter] in
            s.failure = error
            s.unwritten = Array(unwritten) + s.incoming
            s.incoming = []
            s.incomingMayEnd = []
            let waiters = s.flushWaiters
            s.flushWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.semaphore.signal() }
    }
}

/// Names the writer thread for the OS (`ps -L`): Foundation's `Thread.name` does not reach the
/// kernel on Linux, which keeps at most 15 bytes of a name.
private func nameWriterThread() {
    _ = setThreadName(pthread_self(), "gh-journal-sql")
}

/// glibc's `pthread_setname_np`, which this module's C imports do not declare (it needs
/// `_GNU_SOURCE`).
@_silgen_name("pthread_setname_np")
private func setThreadName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
