import Foundation
import Testing
@testable import Journal

#if canImport(Glibc)
import Glibc
#endif

/// The journal holds every decision and order: it, its -wal and -shm files and its lock file are
/// readable and writable by their owner alone, and an older journal opened
/// again is narrowed to that.
@Suite("Journal file modes")
struct FileModeTests {
    let scratch = JournalTestSupport.Scratch()

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    /// Under the process's umask (not changed here: it is process-wide and tests run in parallel;
    /// under the usual 022 SQLite alone would make these files 0644).
    @Test func aNewJournalAndItsSideFilesAreOwnerOnly() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.append(.marketTicks(JournalTestSupport.tickBlock)) == .accepted(seq: 1))
        try writer.flush()
        for file in [path, path + "-wal", path + "-shm", path + ".lock"] {
            #expect(Self.mode(file) == 0o600, "\(file) is \(Self.mode(file).map { String($0, radix: 8) } ?? "missing")")
        }
        try writer.close()
    }

    @Test func anOlderJournalReadableByOthersIsNarrowedWhenOpened() throws {
        let path = try scratch.journalPath()
        try JournalWriter(path: path, options: JournalTestSupport.options()).close()
        for file in [path, path + ".lock"] where Self.mode(file) != nil { chmod(file, 0o644) }
        #expect(Self.mode(path) == 0o644)
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        defer { try? writer.close() }
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(path + ".lock") == 0o600)
        if Self.mode(path + "-wal") != nil { #expect(Self.mode(path + "-wal") == 0o600) }
    }
}
