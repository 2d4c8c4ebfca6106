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
///
/// A second claim is taken on the database file itself (`claimDatabase`), by its identity: a hard
/// or symbolic link to a running host's journal has another `.lock` name but the same inode, and
/// is refused by it. (Linux keeps `flock` and SQLite's `fcntl` locks apart, so it does not
/// disturb SQLite's own locking.)
final class JournalLock: Sendable {
    /// The lock file's path.
    let path: String
    /// The open descriptor, -1 once released.
    private let descriptor: Atomic<Int32>
    /// The database file's descriptor holding its identity claim (-1: not claimed, or released).
    private let database = Atomic<Int32>(-1)

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

    /// Claims the database file at `journal` by its identity (device and inode), or throws
    /// `lockedByAnotherHost` naming it when another host holds it under another name. Returns the
    /// identity, which the writer checks the path against from then on.
    func claimDatabase(_ journal: String) throws(JournalError) -> FileIdentity {
        let fd = open(journal, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw .fileSystem(file: journal, operation: "opening the database to claim it", message: JournalFile.message(forErrno: errno))
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .lockedByAnotherHost(file: journal, lockFile: journal, pid: nil) }
            throw .fileSystem(file: journal, operation: "locking \(journal)", message: JournalFile.message(forErrno: code))
        }
        var info = stat()
        fstat(fd, &info)
        database.store(fd, ordering: .releasing)
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Releases both claims (closing the descriptors drops them). Idempotent. The database's is
    /// released only after SQLite has closed the file (POSIX locks of a process go with any of
    /// its descriptors to the file).
    func release() {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { close(fd) }
        let db = database.exchange(-1, ordering: .acquiringAndReleasing)
        if db >= 0 { close(db) }
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

/// Which file a path names: its device and inode.
struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    /// The identity of what `path` names now (nil: nothing there).
    static func of(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
