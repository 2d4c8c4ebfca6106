import FeedReplay
import Synchronization
import Testing

@Suite("Progress line")
struct ProgressLineTests {
    @Test func aReplayWithAKnownTotalShowsBarPercentCountsRateAndTimeLeft() {
        let line = ProgressLine.render(label: "replay", done: 412_345, total: 1_000_000, elapsedSeconds: 87.7)
        // 41.2 % done in 87.7 s: 4,702 ticks/s, and 87.7 × 0.587655 / 0.412345 = 124.98 s → 2:05 left.
        #expect(line == "replay [######          ]   41.2 %  412,345/1,000,000 ticks  4,702 ticks/s  2:05 left")
    }

    @Test func theShareCanComeFromBytesWhileTicksAreCounted() {
        let line = ProgressLine.render(label: "replay", done: 30_000, total: nil, fraction: 0.25, elapsedSeconds: 3)
        #expect(line == "replay [####            ]   25.0 %  30,000 ticks  10,000 ticks/s  0:09 left")
    }

    @Test func bytesShowInMegabytes() {
        let line = ProgressLine.render(label: "checking", done: 58_100_000, total: 120_000_000, unit: .bytes, elapsedSeconds: 0.5)
        #expect(line == "checking [#######         ]   48.4 %  58.1/120.0 MB  116.2 MB/s  0:01 left")
    }

    @Test func withoutATotalOnlyCountsAndRateShow() {
        #expect(ProgressLine.render(label: "replay", done: 1_234_567, total: nil, elapsedSeconds: 2) == "replay  1,234,567 ticks  617,284 ticks/s")
    }

    @Test func theStartAndTheEndAreWellFormed() {
        #expect(ProgressLine.render(label: "replay", done: 0, total: 500, elapsedSeconds: 0)
            == "replay [                ]    0.0 %  0/500 ticks  --:-- left")
        #expect(ProgressLine.render(label: "replay", done: 500, total: 500, elapsedSeconds: 10)
            == "replay [################]  100.0 %  500/500 ticks  50 ticks/s  0:00 left")
        // More than the total (an end-of-stream frame counted, say) stays at a full bar.
        #expect(ProgressLine.render(label: "r", done: 501, total: 500, elapsedSeconds: 1).hasPrefix("r [################]  100.0 %"))
        #expect(ProgressLine.render(label: "r", done: 0, total: 0, elapsedSeconds: 1).hasPrefix("r [################]  100.0 %"))
    }

    @Test func timeLeftIsMinutesAndSecondsThenHours() {
        #expect(ProgressLine.clock(0) == "0:00")
        #expect(ProgressLine.clock(59) == "0:59")
        #expect(ProgressLine.clock(61) == "1:01")
        #expect(ProgressLine.clock(3_599) == "59:59")
        #expect(ProgressLine.clock(3_600) == "1:00:00")
        #expect(ProgressLine.clock(36_061) == "10:01:01")
        #expect(ProgressLine.timeLeft(share: 0.5, elapsedSeconds: 100) == "1:40")
        #expect(ProgressLine.timeLeft(share: 0, elapsedSeconds: 100) == "--:--")
        #expect(ProgressLine.timeLeft(share: .nan, elapsedSeconds: 100) == "--:--")
        #expect(ProgressLine.timeLeft(share: 1e-9, elapsedSeconds: 100) == "--:--")
    }

    @Test func numbersAreGroupedAndFixedWithoutALocale() {
        #expect(ProgressLine.grouped(0) == "0")
        #expect(ProgressLine.grouped(999) == "999")
        #expect(ProgressLine.grouped(1_000) == "1,000")
        #expect(ProgressLine.grouped(-1_234_567) == "-1,234,567")
        #expect(ProgressLine.fixed(41.234, decimals: 1) == "41.2")
        #expect(ProgressLine.fixed(0.05, decimals: 1) == "0.1")
        #expect(ProgressLine.fixed(1_234.56, decimals: 1) == "1,234.6")
        #expect(ProgressLine.fixed(-0.25, decimals: 1) == "-0.3" || ProgressLine.fixed(-0.25, decimals: 1) == "-0.2")
        #expect(ProgressLine.fixed(7, decimals: 0) == "7")
    }
}

@Suite("Terminal progress")
struct TerminalProgressTests {
    final class Captured: Sendable {
        let writes = Mutex<[String]>([])
        var all: [String] { writes.withLock { $0 } }
    }

    func progress(enabled: Bool = true, columns: Int = 80, start: ContinuousClock.Instant, into captured: Captured) -> TerminalProgress {
        TerminalProgress(
            enabled: enabled, columns: columns, start: start, showAfter: .seconds(1), minimumInterval: .milliseconds(200),
            output: { text in captured.writes.withLock { $0.append(text) } })
    }

    @Test func nothingIsDrawnWhenNotATerminal() {
        let start = ContinuousClock.now, captured = Captured()
        let terminal = progress(enabled: false, start: start, into: captured)
        var rendered = 0
        for step in 0..<50 { terminal.update(now: start + .milliseconds(100 * step)) { rendered += 1; return "x" } }
        terminal.finish()
        #expect(captured.all.isEmpty)
        #expect(rendered == 0, "the line is not even rendered")
    }

    @Test func aLineAppearsAfterASecondAtMostFiveTimesASecondAndIsClearedAtTheEnd() {
        let start = ContinuousClock.now, captured = Captured()
        let terminal = progress(start: start, into: captured)
        // Every 50 ms for 3 s: nothing in the first second, then one draw per 200 ms.
        for step in 0...60 { terminal.update(now: start + .milliseconds(50 * step)) { "step \(step)" } }
        terminal.finish()
        terminal.update(now: start + .seconds(10)) { "after the end" }
        let writes = captured.all
        #expect(writes.first == "\rstep 20\u{1B}[K")
        #expect(writes.dropLast().map { $0 } == stride(from: 20, through: 60, by: 4).map { "\rstep \($0)\u{1B}[K" })
        #expect(writes.last == "\r\u{1B}[K")
    }

    @Test func aShortRunDrawsNothingAndClearsNothing() {
        let start = ContinuousClock.now, captured = Captured()
        let terminal = progress(start: start, into: captured)
        terminal.update(now: start + .milliseconds(900)) { "early" }
        terminal.finish()
        #expect(captured.all.isEmpty)
    }

    @Test func aLogLineGoesOutAboveTheProgressLineWhichIsDrawnAgainBelowIt() {
        let start = ContinuousClock.now, captured = Captured()
        let terminal = progress(start: start, into: captured)
        terminal.interrupt { captured.writes.withLock { $0.append("log 1\n") } }
        terminal.update(now: start + .seconds(2)) { "50 %" }
        terminal.interrupt { captured.writes.withLock { $0.append("log 2\n") } }
        terminal.finish()
        terminal.interrupt { captured.writes.withLock { $0.append("log 3\n") } }
        #expect(captured.all == [
            "log 1\n",                                  // nothing drawn yet: nothing to clear
            "\r50 %\u{1B}[K",
            "\r\u{1B}[K", "log 2\n", "\r50 %\u{1B}[K",     // cleared, logged, drawn again
            "\r\u{1B}[K",                               // finished
            "log 3\n",
        ])
    }

    @Test func linesAreCutToTheTerminalWidth() {
        let start = ContinuousClock.now, captured = Captured()
        let terminal = progress(columns: 30, start: start, into: captured)
        terminal.update(now: start + .seconds(2)) { String(repeating: "y", count: 100) }
        #expect(captured.all == ["\r" + String(repeating: "y", count: 29) + "\u{1B}[K"])
    }
}
