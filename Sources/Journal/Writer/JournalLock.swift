import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive claim of one host on a journal: `flock(LOCK_EX | LOCK_NB)` on `<journal>.lock`,
/// held for the writer's lifetime, with the holder's pid written into the file so a second host
/// can say who holds it.
///
/// The kernel drops the lock when the holder exits, however it exits (a SIGKILL included), so a
/// stale lock file never blocks a restart. The file itself is left in place: unlinking a lock
/// file while another process may be opening it would let two hosts hold "the" lock at once.
/// `flock` locks are per open file description, so a second writer in the same process is refused
/// too. Local file systems only (flock over NFS is not reliable).
final class JournalLock: Sendable {
    /// The lock file's path.
    let path: String
    /// The open descriptor, -1 once released.
    private let descriptor: Atomic<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Atomic(descriptor)
    }

    deinit { release() }

    /// The lock file of the journal at `journal`.
    static func lockPath(forJournal journal: String) -> String { journal + ".lock" }

    /// Takes the lock of the journal at `journal`, or throws `lockedByAnotherHost` at once (never
    /// waits). The journal's folder must exist.
    static func acquire(journal: String) throws(JournalError) -> JournalLock {
        let path = lockPath(forJournal: journal)
        let existed = JournalFile.exists(path)
        // Owner only, like the journal itself: it names the holding process.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            let message = JournalFile.message(forErrno: code)
            // ENOENT although the folder exists: a pseudo file system such as /proc.
            let cannotCreate = code == EACCES || code == EPERM || code == EROFS || code == ENOENT
            if cannotCreate && !existed {
                throw .directoryNotWritable(directory: JournalFile.directory(of: journal), file: journal,
                                            reason: "creating \(path): \(message)")
            }
            throw .fileSystem(file: journal, operation: "opening the lock file \(path)", message: message)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK {
                let pid = readPID(fd)
                close(fd)
                throw .lockedByAnotherHost(file: journal, lockFile: path, pid: pid)
            }
            close(fd)
            throw .fileSystem(file: journal, operation: "locking \(path)", message: JournalFile.message(forErrno: code))
        }
        // A lock file left by an older build may be readable by others: owner only from now on.
        _ = fchmod(fd, 0o600)
        // Ours now: record who holds it. A failure here leaves the lock valid, just unlabelled.
        let label = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = label.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return JournalLock(path: path, descriptor: fd)
    }

    /// Releases the lock (closing the descriptor drops it). Idempotent.
    func release() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { close(fd) }
    }

    /// The pid the holder wrote, nil if the file is empty or unreadable (the holder may be
    /// between taking the lock and writing it).
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: "\n ")
        return Int32(text)
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
