import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Draws a progress line on standard error, in place (`\r`), while long work runs — only when
/// standard error is a terminal, so logs, pipes and tests never see it.
///
/// Nothing is drawn in the first `showAfter` (a short replay does not flicker), then at most one
/// line per `minimumInterval` (a redraw costs a `write(2)`); `finish()` clears the line so the
/// output after it starts clean, and `interrupt` lets a log line through above it. Lines are cut
/// to the terminal's width, since a wrapped line cannot be redrawn in place. Safe to call from
/// any thread: every write happens under one lock.
public final class TerminalProgress: Sendable {
    private let enabled: Bool
    private let start: ContinuousClock.Instant
    private let showAfter: Duration
    private let minimumInterval: Duration
    private let columns: Int
    private let output: @Sendable (String) -> Void
    private let state = Mutex<State>(State())

    private struct State {
        var lastDrawn: ContinuousClock.Instant?
        /// The line on the screen now, if any.
        var shown: String?
        var finished = false
    }

    /// Whether standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress line on standard error, drawn only if it is a terminal.
    public convenience init(showAfter: Duration = .seconds(1), minimumInterval: Duration = .milliseconds(200)) {
        let enabled = Self.standardErrorIsTerminal
        self.init(
            enabled: enabled, columns: enabled ? Self.standardErrorColumns() : 80, start: .now, showAfter: showAfter,
            minimumInterval: minimumInterval, output: Self.writeStandardError)
    }

    /// A progress line on standard error if it is a terminal, else `nil` (nothing to draw, and
    /// callers can skip the work of reporting progress at all).
    public static func onStandardError(showAfter: Duration = .seconds(1), minimumInterval: Duration = .milliseconds(200)) -> TerminalProgress? {
        standardErrorIsTerminal ? TerminalProgress(showAfter: showAfter, minimumInterval: minimumInterval) : nil
    }

    /// A progress line written to `output` (tests), or nowhere if not `enabled`.
    /// - Parameters:
    ///   - columns: the terminal's width; lines are cut to one less.
    ///   - start: the moment the work started (what `showAfter` counts from).
    package init(
        enabled: Bool, columns: Int, start: ContinuousClock.Instant, showAfter: Duration, minimumInterval: Duration,
        output: @escaping @Sendable (String) -> Void
    ) {
        self.enabled = enabled
        self.columns = max(columns, 20)
        self.start = start
        self.showAfter = showAfter
        self.minimumInterval = minimumInterval
        self.output = output
    }

    /// Draws `line()` if it is time to; `line` is not called otherwise (it need not be cheap).
    public func update(now: ContinuousClock.Instant = .now, _ line: () -> String) {
        guard enabled else { return }
        state.withLock { state in
            guard !state.finished, now - start >= showAfter else { return }
            if let last = state.lastDrawn, now - last < minimumInterval { return }
            state.lastDrawn = now
            let text = String(line().prefix(columns - 1))
            state.shown = text
            // ESC [ K erases what a longer earlier line left to the right.
            output("\r" + text + "\u{1B}[K")
        }
    }

    /// Runs `write` (which writes whole lines to standard error, a log line say) with the progress
    /// line out of its way: cleared before, drawn again after, so the log line is not appended
    /// to it and the progress stays at the bottom.
    public func interrupt(_ write: () -> Void) {
        guard enabled else { return write() }
        state.withLock { state in
            if state.shown != nil { output("\r\u{1B}[K") }
            write()
            if let shown = state.shown { output("\r" + shown + "\u{1B}[K") }
        }
    }

    /// Clears the line if one was drawn; later `update`s draw nothing.
    public func finish() {
        state.withLock { state in
            if state.shown != nil { output("\r\u{1B}[K") }
            state.shown = nil
            state.finished = true
        }
    }

    private static func standardErrorColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
