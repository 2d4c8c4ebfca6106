import CSQLite
import Foundation
import Synchronization
import Testing
@testable import Journal

@Suite("Journal writer queue, group commit and failures")
struct WriterQueueTests {
    let scratch = JournalTestSupport.Scratch()

    @Test func hundredThousandRecordsAppendedUnderLoadAreAllCommittedInOrder() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        let total = 100_000
        var fullRetries = 0
        for i in 1...total {
            while true {
                let result = writer.append(JournalTestSupport.fill(i))
                if result == .accepted(seq: Int64(i)) { break }
                // Back-pressure is allowed, a lost or reordered record is not.
                try #require(result == .full, "append \(i): \(result)")
                fullRetries += 1
                sched_yield()
            }
        }
        try writer.flush()
        #expect(writer.committedSeq == Int64(total))
        #expect(writer.queueDepth == 0)
        #expect(writer.refusedCount == fullRetries)
        // Grouped: far fewer transactions than records.
        #expect(writer.transactionCount >= total / 4_096)
        #expect(writer.transactionCount < total / 2, "\(writer.transactionCount) transactions")
        try writer.close()

        let reader = try JournalReader(path: path)
        let fills = try reader.records(.fill)
        #expect(fills.count == total)
        #expect(fills.map(\.seq) == Array(1...Int64(total)))
        var mismatches = 0
        for (index, entry) in fills.enumerated() where entry.record != JournalTestSupport.fill(index + 1) { mismatches += 1 }
        #expect(mismatches == 0)
    }

    @Test func aHeldWriterCommitsWhatQueuedInTransactionsOfTheBatchLimit() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options(batch: 1_000))
        writer.pauseForTesting()
        for i in 1...10_500 { #expect(writer.append(JournalTestSupport.fill(i)) == .accepted(seq: Int64(i))) }
        #expect(writer.committedSeq == 0)
        #expect(writer.transactionCount == 0)
        writer.resumeForTesting()
        try writer.flush()
        // Everything queued was taken at once and written in 11 transactions of up to 1,000.
        #expect(writer.transactionCount == 11)
        #expect(writer.committedSeq == 10_500)
        try writer.close()
    }

    @Test func aGroupIsCommittedInOneTransactionEvenPastTheBatchLimit() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options(batch: 4))
        writer.pauseForTesting()
        #expect(writer.append(JournalTestSupport.fill(1)) == .accepted(seq: 1))
        #expect(writer.append(group: (2...11).map { JournalTestSupport.fill($0) }) == .accepted(seq: 11))
        #expect(writer.append(JournalTestSupport.fill(12)) == .accepted(seq: 12))
        writer.resumeForTesting()
        try writer.flush()
        // Transactions end only after record 1 or after the group: [1, 2…11] (the batch limit of
        // 4 is reached inside the group, which is kept whole), then [12].
        #expect(writer.transactionCount == 2)
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(try reader.records(.fill).map(\.seq) == Array(1...12))
    }

    @Test func aGroupIsTakenWholeOrRefusedWholeAndMayExceedAnEmptyQueue() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options(capacity: 4, batch: 4))
        writer.pauseForTesting()
        // Larger than the queue, but the queue is empty: taken, alone.
        #expect(writer.append(group: (1...6).map { JournalTestSupport.fill($0) }) == .accepted(seq: 6))
        // The queue is not empty and cannot hold it: refused whole, no sequence number used.
        #expect(writer.append(group: (7...8).map { JournalTestSupport.fill($0) }) == .full)
        #expect(writer.queueDepth == 6)
        writer.resumeForTesting()
        try writer.flush()
        #expect(writer.append(group: (7...8).map { JournalTestSupport.fill($0) }) == .accepted(seq: 8))
        try writer.close()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(try reader.records(.fill).map(\.seq) == Array(1...8))
    }

    @Test func aFullQueueRefusesWithoutUsingASeqAndLosesNothingAccepted() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options(capacity: 16, batch: 4))
        #expect(writer.append(JournalTestSupport.fill(1)) == .accepted(seq: 1))
        try writer.flush()
        writer.pauseForTesting()
        for i in 2...17 { #expect(writer.append(JournalTestSupport.fill(i)) == .accepted(seq: Int64(i))) }
        #expect(writer.queueDepth == 16)
        #expect(writer.append(JournalTestSupport.fill(18)) == .full)
        #expect(writer.append(JournalTestSupport.fill(18)) == .full)
        #expect(writer.refusedCount == 2)
        #expect(writer.committedSeq == 1)

        writer.resumeForTesting()
        try writer.flush()
        #expect(writer.queueDepth == 0)
        // The refused record was not given a seq: the next one gets 18.
        #expect(writer.append(JournalTestSupport.fill(18)) == .accepted(seq: 18))
        try writer.close()

        let fills = try JournalReader(path: path).records(.fill)
        #expect(fills.map(\.seq) == Array(1...18))
        #expect(fills.map(\.record) == (1...18).map(JournalTestSupport.fill))
    }

    @Test func aWriteErrorStopsTheJournalKeepsTheUnwrittenRecordsAndLosesNoCommittedOne() throws {
        let path = try scratch.journalPath()
        let reported = Mutex<[JournalError]>([])
        var options = JournalTestSupport.options(batch: 50)
        // The "disk" fills a few pages after open.
        options.extraPagesForTesting = 6
        let reportedOnce = DispatchSemaphore(value: 0)
        options.onFailure = { error in
            reported.withLock { $0.append(error) }
            reportedOnce.signal()
        }
        let writer = try JournalWriter(path: path, options: options)

        var accepted: Int64 = 0
        var i = 0
        var refusal: AppendResult?
        while refusal == nil && i < 100_000 {
            i += 1
            switch writer.append(JournalTestSupport.fill(i)) {
            case .accepted(let seq): accepted = seq
            case .full: sched_yield(); i -= 1
            case .failed: refusal = writer.append(JournalTestSupport.fill(i))
            }
        }
        let error = JournalTestSupport.journalError { try writer.flush() }
        guard case .sqlite(let file, let code, let message, _) = error else {
            Issue.record("expected an SQLite error, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(code & 0xFF == SQLITE_FULL, "\(message)")
        #expect(writer.failure == error)
        // Reported once, from the writer thread, after it stopped (bounded wait, not a timing check).
        #expect(reportedOnce.wait(timeout: .now() + 60) == .success)
        #expect(reported.withLock { $0 } == [error!])
        if case .failed(let failure) = writer.append(JournalTestSupport.fill(1)) {
            #expect(failure == error)
        } else {
            Issue.record("append after a write error must fail")
        }

        // Accepted = committed + unwritten, in seq order, nothing missing, nothing twice.
        let committed = writer.committedSeq
        #expect(committed > 0)
        let unwritten = writer.unwrittenRecords
        #expect(unwritten.map(\.seq) == Array((committed + 1)...accepted))
        #expect(unwritten.map(\.record) == ((committed + 1)...accepted).map { JournalTestSupport.fill(Int($0)) })
        #expect(JournalTestSupport.journalError { try writer.close() } == error)

        let reader = try JournalReader(path: path)
        #expect(try reader.lastSeq() == committed)
        #expect(try reader.records(.fill).map(\.record) == (1...committed).map { JournalTestSupport.fill(Int($0)) })
    }

    @Test func closeCommitsEverythingIsIdempotentAndLaterAppendsFail() throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
        writer.pauseForTesting()
        for i in 1...1_000 { _ = writer.append(JournalTestSupport.fill(i)) }
        // close() overrides the pause and drains.
        try writer.close()
        try writer.close()
        #expect(writer.committedSeq == 1_000)
        #expect(writer.append(JournalTestSupport.fill(1_001)) == .failed(.closed(file: path)))
        #expect(try JournalReader(path: path).count(.fill) == 1_000)
        // The lock went with it: another writer opens.
        let next = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(next.append(JournalTestSupport.fill(1_001)) == .accepted(seq: 1_001))
        try next.close()
    }

    @Test func aWriterReleasedWithoutCloseStillCommitsEverythingAndReleasesTheLock() throws {
        let path = try scratch.journalPath()
        do {
            let writer = try JournalWriter(path: path, options: JournalTestSupport.options())
            writer.pauseForTesting()
            for i in 1...500 { _ = writer.append(JournalTestSupport.fill(i)) }
        }
        #expect(try JournalReader(path: path).count(.fill) == 500)
        let next = try JournalWriter(path: path, options: JournalTestSupport.options())
        #expect(next.committedSeq == 500)
        try next.close()
    }

    @Test func flushFromSeveralThreadsReturnsOnceTheirRecordsAreCommitted() async throws {
        let path = try scratch.journalPath()
        let writer = try JournalWriter(path: path, options: JournalTestSupport.options(batch: 64))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: Int64 = 0
                    for i in 0..<2_000 {
                        var result = writer.append(JournalTestSupport.fill(worker * 10_000 + i))
                        while result == .full {
                            sched_yield()
                            result = writer.append(JournalTestSupport.fill(worker * 10_000 + i))
                        }
                        guard case .accepted(let seq) = result else { throw JournalError.closed(file: path) }
                        #expect(seq > mine)
                        mine = seq
                        if i % 500 == 499 {
                            try writer.flush()
                            #expect(writer.committedSeq >= mine)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try writer.flush()
        #expect(writer.committedSeq == 8_000)
        try writer.close()
        let reader = try JournalReader(path: path)
        #expect(try reader.records(.fill).map(\.seq) == Array(1...8_000))
    }
}
