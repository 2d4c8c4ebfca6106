import CSQLite
import Foundation
import TestKit
import Testing
@testable import Journal

/// Bad input at start: each gives a clear error naming the file, and nothing already recorded is
/// lost or changed.
@Suite("Journal open errors")
struct OpenErrorTests {
    let scratch = JournalTestSupport.Scratch()

    private typealias Snapshot = JournalTestSupport.FileSnapshot

    /// A closed journal holding every kind of record, in a fresh folder.
    private func recordedJournal() throws -> String {
        let path = try scratch.journalPath()
        try JournalTestSupport.makeJournal(at: path)
        return path
    }

    /// The journal still reads back exactly as written.
    private func expectIntact(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reader = try JournalReader(path: path)
        #expect(try reader.allRecords().map(\.record) == JournalTestSupport.everyKind, sourceLocation: sourceLocation)
    }

    @Test func aJournalFromANewerSchemaIsRefusedWithoutTouchingIt() throws {
        let path = try recordedJournal()
        do {
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE)
            try db.exec("PRAGMA user_version = 99")
        }
        let folder = JournalFile.directory(of: path)
        let before = try Snapshot(path)
        let listing = JournalTestSupport.listing(folder)

        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        #expect(error == .newerSchema(file: path, found: 99, supported: JournalSchema.latestVersion))
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains(path) && text.contains("schema version 99") && text.contains("(\(JournalSchema.latestVersion))"), "\(text)")
        #expect(try Snapshot(path) == before)
        // The writer created nothing beside it either (its lock file was already there).
        #expect(JournalTestSupport.listing(folder) == listing)

        // A reader refuses it too (it may leave SQLite's empty -wal/-shm beside the file, but
        // never changes the database).
        #expect(JournalTestSupport.journalError { _ = try JournalReader(path: path) } == error)
        #expect(try Snapshot(path) == before)
        // And the lock was released: the refusal left nothing held.
        let lock = try JournalLock.acquire(journal: path)
        lock.release()
    }

    @Test func aJournalWithADamagedHeaderIsRefusedWithSQLitesMessageAndLeftUntouched() throws {
        let valid = try recordedJournal()
        let path = JournalFile.directory(of: valid) + "/damaged.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: valid))
        bytes.replaceSubrange(0..<100, with: Data((0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = try Snapshot(path)

        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .corrupt(let file, let message) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(message.contains("file is not a database"), "\(message)")
        #expect(String(describing: error!).contains(path))
        #expect(JournalTestSupport.journalError { _ = try JournalReader(path: path) } == error)
        #expect(try Snapshot(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        // The original is unharmed.
        try expectIntact(valid)
    }

    @Test func aJournalWithADamagedPageFailsTheQuickCheckAndIsLeftUntouched() throws {
        let path = try scratch.journalPath()
        try JournalTestSupport.makeJournal(at: path, (1...2_000).map(JournalTestSupport.fill))
        let pageSize: Int
        do {
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY)
            pageSize = Int(try db.scalarInt64("PRAGMA page_size") ?? 4096)
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Overwrite the middle of the file (B-tree pages of the fills table or its indices).
        let page = bytes.count / pageSize / 2
        bytes.replaceSubrange(page * pageSize..<(page + 1) * pageSize, with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = try Snapshot(path)

        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .corrupt(let file, let message) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(!message.isEmpty)
        guard case .corrupt = JournalTestSupport.journalError({ _ = try JournalReader(path: path) }) else {
            Issue.record("the reader must refuse it too")
            return
        }
        #expect(try Snapshot(path) == before)
    }

    @Test func anotherApplicationsDatabaseIsRefusedAsNotAJournal() throws {
        let path = try scratch.journalPath("other.sqlite")
        do {
            let db = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            try db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x')")
        }
        let before = try Snapshot(path)
        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .notAJournal(let file, let reason) = error else {
            Issue.record("expected notAJournal, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(reason.contains("1 table"), "\(reason)")
        #expect(try Snapshot(path) == before)
    }

    @Test func aSecondWriterIsRefusedNamingThePidWhileTheFirstKeepsWorking() throws {
        let path = try scratch.journalPath()
        let first = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(first.append(JournalTestSupport.fill(1)) == .accepted(seq: 1))
        try first.flush()

        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        #expect(error == .lockedByAnotherHost(file: path, lockFile: path + ".lock", pid: getpid()))
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains("locked by another running host") && text.contains("pid \(getpid())") && text.contains(path), "\(text)")

        // The first writer is unaffected.
        #expect(first.append(JournalTestSupport.fill(2)) == .accepted(seq: 2))
        try first.flush()
        #expect(first.committedSeq == 2)
        try first.close()
        #expect(try JournalReader(path: path).records(.fill).map(\.record) == [JournalTestSupport.fill(1), JournalTestSupport.fill(2)])
    }

    @Test func aMissingFolderIsRefusedNamingTheFolderAndCreatesNothing() throws {
        let parent = try scratch.folder().path
        let folder = parent + "/not-there"
        let path = folder + "/journal.sqlite"
        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        #expect(error == .directoryMissing(directory: folder, file: path))
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains(folder) && text.contains("does not exist"), "\(text)")
        #expect(JournalTestSupport.journalError { _ = try JournalReader(path: path) } == error)
        #expect(JournalTestSupport.listing(parent).isEmpty)
    }

    @Test func aRegularFileWhereTheFolderShouldBeIsRefusedAsAMissingFolder() throws {
        let parent = try scratch.folder().path
        let notAFolder = parent + "/plain-file"
        #expect(FileManager.default.createFile(atPath: notAFolder, contents: Data("x".utf8)))
        let path = notAFolder + "/journal.sqlite"
        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        #expect(error == .directoryMissing(directory: notAFolder, file: path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: notAFolder)) == Data("x".utf8))
    }

    /// A folder nobody can create files in, even root: /sys (sysfs refuses new files with EACCES
    /// whatever the caller's privileges).
    @Test func aFolderWhereNoFileCanBeCreatedIsRefusedAsNotWritable() throws {
        try #require(FileManager.default.fileExists(atPath: "/sys"), "needs Linux sysfs")
        let path = "/sys/gatehouse-journal-\(UUID().uuidString).sqlite"
        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .directoryNotWritable(let folder, let file, let reason) = error else {
            Issue.record("expected directoryNotWritable, got \(String(describing: error))")
            return
        }
        #expect(folder == "/sys" && file == path)
        #expect(reason.contains(path + ".lock"), "\(reason)")
        #expect(String(describing: error!).contains("cannot create files in the folder /sys"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A recorded journal whose folder became read-only. As a regular user, chmod 0555 does it;
    /// root ignores permission bits, so as root the folder is made immutable (`chattr +i`, which
    /// stops root too) and made mutable again afterwards.
    @Test func aRecordedJournalInAReadOnlyFolderIsRefusedForWritingAndStillReadable() throws {
        let path = try recordedJournal()
        let folder = JournalFile.directory(of: path)
        let before = try Snapshot(path)
        let asRoot = geteuid() == 0
        if asRoot {
            let (status, output) = try run("/usr/bin/chattr", ["+i", folder])
            try #require(status == 0, "chattr +i failed (file system without immutable flags?): \(output)")
        } else {
            try #require(chmod(folder, 0o555) == 0)
        }
        defer {
            if asRoot { _ = try? run("/usr/bin/chattr", ["-i", folder]) } else { chmod(folder, 0o755) }
        }
        // The folder really refuses new files now.
        #expect(!FileManager.default.createFile(atPath: folder + "/probe", contents: Data()))

        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .directoryNotWritable(let reported, let file, _) = error else {
            Issue.record("expected directoryNotWritable, got \(String(describing: error))")
            return
        }
        #expect(reported == folder && file == path)
        #expect(String(describing: error!).contains("cannot create files in the folder \(folder)"))
        #expect(try Snapshot(path) == before)
        // An auditor can still read it (no -wal exists, so it is read as immutable).
        try expectIntact(path)
        // Nothing was added beside it (the lock file is the one the first writer left).
        #expect(JournalTestSupport.listing(folder) == ["journal.sqlite", "journal.sqlite.lock"])
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let result = try ChildProcess.run(executable, arguments, seconds: 60)
        try #require(!result.killed, "\(executable) did not finish")
        return (result.termination.status, result.standardOutput + result.standardError)
    }

    /// A raw connection holding a read transaction on `path` (as an auditor's shell might).
    final class ReadLock: @unchecked Sendable {
        // @unchecked: released once, by one thread, after the test thread stops using it.
        private var db: OpaquePointer?
        init(_ path: String) throws {
            try #require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
            try #require(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master;", nil, nil, nil) == SQLITE_OK)
        }
        func release() {
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
            sqlite3_close(db)
            db = nil
        }
        deinit { if db != nil { release() } }
    }

    @Test func aReaderHoldingANewJournalForAMomentDelaysTheWriterInsteadOfFailingIt() throws {
        let path = try scratch.journalPath()
        #expect(FileManager.default.createFile(atPath: path, contents: nil))  // created, not yet initialised
        let lock = try ReadLock(path)
        let released = Thread { usleep(200_000); lock.release() }
        released.start()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(writer.openedSchemaVersion == 0)
        try writer.close()
        #expect(try JournalReader(path: path).lastSeq() == 0)
    }

    @Test func aReaderHoldingANewJournalTooLongFailsTheOpenNamingTheLock() throws {
        let path = try scratch.journalPath()
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let lock = try ReadLock(path)
        defer { lock.release() }
        let error = JournalTestSupport.journalError { _ = try JournalWriter(path: path, options: JournalTestSupport.options()) }
        guard case .sqlite(_, let code, _, _) = error else {
            Issue.record("expected an SQLite error, got \(String(describing: error))")
            return
        }
        #expect(code & 0xFF == SQLITE_BUSY)
    }

    @Test func aPathWithURICharactersOpensReopensAndReads() throws {
        let folder = try scratch.folder().appendingPathComponent("odd ?name#%20x")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.path + "/journal?.sqlite"
        try JournalTestSupport.makeJournal(at: path)
        // The second open inspects the closed file through an immutable URI.
        try JournalTestSupport.makeJournal(at: path, [JournalTestSupport.fill(1)])
        let reader = try JournalReader(path: path)
        #expect(try reader.lastSeq() == Int64(JournalTestSupport.everyKind.count + 1))
    }

    @Test func aStaleLockFileFromAHostThatIsGoneDoesNotBlockAStart() throws {
        let path = try recordedJournal()
        // A previous host that died leaves its lock file (with its pid) behind; the kernel
        // released its lock when it died.
        try Data("999999\n".utf8).write(to: URL(fileURLWithPath: path + ".lock"))
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(try String(contentsOfFile: path + ".lock", encoding: .utf8) == "\(getpid())\n")
        try writer.close()
    }
}
