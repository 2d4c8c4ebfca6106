import Engine
import FeedReplay
import Foundation
import Synchronization
import Testing
@testable import Host
@testable import OfflineTools

/// `Demo.run` (behind `gatehouse demo` and `gatehouse replay`) with a streamed ticks file.
@Suite("Demo replay of a streamed ticks file", .timeLimit(.minutes(2)))
struct DemoReplayTests {
    /// A folder with a config of one fixture strategy on BTCUSD and a ticks file of `lines`
    /// lines: a comment, then BTCUSD trades.
    func prepare(lines: Int) throws -> (folder: URL, config: String, ticks: String) {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"]),
        ])
        let ticks = folder.appendingPathComponent("ticks.csv").path
        try Self.ticksText(lines: lines).write(toFile: ticks, atomically: true, encoding: .utf8)
        return (folder, config, ticks)
    }

    static func ticksText(lines: Int, badLine: Int? = nil) -> String {
        var text = "# ts_ns,symbol,price,size\n"
        for line in 2...lines {
            let timestamp = 1_772_460_000_000_000_000 + Int64(line) * 1_000
            text += "\(timestamp),BTCUSD,\(line == badLine ? "not-a-price" : "\(100 + line % 7).5"),0.25\n"
        }
        return text
    }

    final class Recorded: Sendable {
        let progress = Mutex<[Demo.Progress]>([])
        var all: [Demo.Progress] { progress.withLock { $0 } }
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        /// Sets the flag; whether this call set it.
        func setOnce() -> Bool {
            value.withLock { isSet in
                defer { isSet = true }
                return !isSet
            }
        }
    }

    @Test func everyTickIsReplayedAndTheProgressEndsFinished() async throws {
        let (_, config, ticks) = try prepare(lines: 20_000)
        let recorded = Recorded()
        let report = try await Demo.run(
            Demo.Options(configPath: config, ticksPath: ticks, progress: { progress in recorded.progress.withLock { $0.append(progress) } }),
            logger: TestSupport.logger)
        #expect(report.framesPublished == 19_999)
        #expect(report.summary.feeds.first?.framesAnnounced == 19_999)
        #expect(report.summary.feeds.first?.events == 19_999)
        let progress = recorded.all
        let size = try #require(try FileManager.default.attributesOfItem(atPath: ticks)[.size] as? Int)
        // The check reports the whole file read; every replay report counts against the events it found.
        #expect(progress.contains(Demo.Progress(phase: .checking, done: size, total: size, elapsedSeconds: 0).withElapsed(of: progress)))
        #expect(progress.filter { $0.phase == .replaying }.allSatisfy { $0.total == 19_999 && $0.done <= 19_999 })
        #expect(progress.last?.phase == .finished)
    }

    @Test func aBadLineAnywhereFailsTheRunBeforeTheHostStartsOrTheJournalOpens() async throws {
        let (folder, config, ticks) = try prepare(lines: 10)
        try Self.ticksText(lines: 5_000, badLine: 4_999).write(toFile: ticks, atomically: true, encoding: .utf8)
        let journal = folder.appendingPathComponent("journal.sqlite").path
        await #expect {
            _ = try await Demo.run(Demo.Options(configPath: config, ticksPath: ticks, journalPath: journal), logger: TestSupport.logger)
        } throws: { error in
            "\(error)" == "\(ticks):4999: field 3 'not-a-price' is not a number"
        }
        #expect(!FileManager.default.fileExists(atPath: journal), "the host never started")
    }

    /// The file is checked, then changed before the replay reads it: the replay breaks part-way,
    /// and the host, which would wait for an end of stream forever, is stopped; the run fails
    /// naming the line.
    @Test func aFileThatGoesBadAfterItsCheckStopsTheHostAndFailsNamingTheLine() async throws {
        let (_, config, ticks) = try prepare(lines: 5_000)
        let broken = Self.ticksText(lines: 5_000, badLine: 3_000)
        let replaced = Flag()
        await #expect {
            _ = try await Demo.run(
                Demo.Options(configPath: config, ticksPath: ticks, progress: { progress in
                    // The check's last report comes before the replayer opens the file.
                    if progress.phase == .checking, progress.done == progress.total, replaced.setOnce() {
                        try? broken.write(toFile: ticks, atomically: true, encoding: .utf8)
                    }
                }),
                logger: TestSupport.logger)
        } throws: { error in
            "\(error)" == "\(ticks):3000: field 3 'not-a-price' is not a number"
        }
        #expect(replaced.isSet)
    }
}

extension Demo.Progress {
    /// `self` with the elapsed time of the first report in `reports` of the same phase, done and
    /// total (elapsed time is not for a test to predict).
    func withElapsed(of reports: [Demo.Progress]) -> Demo.Progress {
        var copy = self
        copy.elapsedSeconds = reports.first { $0.phase == phase && $0.done == done && $0.total == total }?.elapsedSeconds ?? -1
        return copy
    }
}
