import Foundation
import Testing
@testable import Journal

#if canImport(Glibc)
import Glibc
#endif

/// One host per journal by the file's identity, not its name, and a journal that disappears
/// under a running host stops the journal instead of going unnoticed.
@Suite("Journal identity")
struct JournalIdentityTests {
    let scratch = JournalTestSupport.Scratch()

    @Test(arguments: ["hard", "symbolic"])
    func aLinkToARunningHostsJournalIsRefused(link: String) throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        defer { try? writer.close() }
        let other = try scratch.journalPath("other.sqlite")
        if link == "hard" { #expect(Glibc.link(path, other) == 0) } else { #expect(symlink(path, other) == 0) }
        do {
            _ = try JournalWriter(path: other, options: JournalTestSupport.options())
            Issue.record("a second host opened the journal through a \(link) link")
        } catch {
            #expect(error == .lockedByAnotherHost(file: other, lockFile: other, pid: nil))
            #expect(error.description.contains("under another name (a hard or symbolic link"), "\(error)")
        }
        // The first host keeps journaling.
        #expect(writer.append(.marketTicks(JournalTestSupport.tickBlock)) == .accepted(seq: 1))
        try writer.flush()
    }

    @Test func aJournalDeletedUnderARunningHostStopsTheJournalNamingWhy() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        defer { try? writer.close() }
        #expect(writer.append(.marketTicks(JournalTestSupport.tickBlock)) == .accepted(seq: 1))
        try writer.flush()
        #expect(unlink(path) == 0)
        _ = writer.append(.marketTicks(JournalTestSupport.tickBlock))
        do {
            try writer.flush()
            Issue.record("a record was reported written to a deleted journal")
        } catch {
            #expect(error.description.contains("deleted or replaced while the host ran"), "\(error)")
        }
        // Nothing more is taken.
        if case .accepted = writer.append(.marketTicks(JournalTestSupport.tickBlock)) { Issue.record("an append was accepted after the failure") }
    }

    @Test func theSameHostReopeningItsJournalAfterACloseIsNotRefused() throws {
        let path = try scratch.journalPath()
        try JournalWriter(path: path, options: JournalTestSupport.options()).close()
        let again = try JournalWriter(path: path, options: JournalTestSupport.options())
        try again.close()
    }
}
