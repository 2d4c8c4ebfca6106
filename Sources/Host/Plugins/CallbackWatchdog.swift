import Risk

#if canImport(Glibc)
import Glibc
#endif

/// Times every plugin callback in wall time (CLOCK_MONOTONIC) and keeps, per strategy, what
/// strategy isolation needs (docs/risk-chain.md, "Strategy isolation"):
///
/// - the **callback watchdog**: a callback longer than `risk.firewall.callback_budget_ms` is an
///   overrun (`charge` returns it for the plugin host to log, count and publish);
///   `callback_overruns_to_pause` of them within `callback_overrun_window_seconds` pause the
///   strategy (`Overrun.pauses`);
/// - the **loop-time share**: each strategy's callback time over windows of
///   `loop_share_window_seconds`. A strategy past its share of the window (`loop_share_pct`, by
///   default 100 / the number of strategies) has its new risk refused for the rest of that
///   window and all of the next (`loopShareBlock`).
///
/// A callback's time includes what its calls into the host did (the chain deciding its intents),
/// so a strategy pays for the work it makes. Pauses and refusals are a live host's only
/// (`enforces`): a replay must decide the same on a fast machine and a slow one, so there the
/// watchdog only measures and reports.
///
/// Touched only on the event-loop thread. Two clock reads per callback, nothing allocated but
/// at an overrun (an exceptional path: it logs and publishes anyway). A class whose counters live
/// in memory of its own (`Counters`, one row per strategy): the plugin host holds it in a `let`,
/// so timing a callback makes no exclusivity check and no copy-on-write check, only the two clock
/// reads and a few loads and stores (BENCHMARKS.md, "Strategy isolation").
final class CallbackWatchdog {
    /// Whether overruns pause and loop-time shares refuse: a live host (the event loop sets it
    /// from `RunOptions.enforcesWallTimeIsolation`); off until then, as in a replay.
    var enforces: Bool {
        get { hot.pointee.enforces }
        set { hot.pointee.enforces = newValue }
    }
    /// The limits it applies, as plain numbers (read from `RiskLimits` at start and after each
    /// change of the limits: never through the engine's chain on the hot path).
    var settings: Settings { hot.pointee.settings }
    /// One strategy's figures.
    private struct Counters {
        /// Callback time in the current window, and in the last whole window, ns.
        var busyNs: Int64 = 0
        var lastWindowBusyNs: Int64 = 0
        /// Past its share in this window or the last one: new risk refused.
        var overShare = false
        /// Overruns since the start (metrics, status, run summary).
        var overruns: UInt64 = 0
        /// Longest callback since the start, ns.
        var longestNs: Int64 = 0
    }
    /// What the hot path reads and changes besides the counters, kept beside them for the same reason.
    private struct Hot {
        var settings: Settings
        var enforces = false
        var windowStartNs: Int64
        /// Start of the callback running now (0: none).
        var runningStartNs: Int64 = 0
    }
    private let strategies: Int
    /// Per strategy (index id − 1).
    private let counters: UnsafeMutablePointer<Counters>
    private let hot: UnsafeMutablePointer<Hot>
    /// Per strategy, the times of its overruns still within the watchdog's window, oldest first
    /// (touched at an overrun only).
    private var recentOverrunsNs: [[Int64]]

    /// `risk.firewall`'s isolation keys in the units the watchdog counts in.
    struct Settings: Equatable {
        var fairShare: Bool
        /// A strategy's share of a window, ns (`.max`: none to exceed).
        var shareNs: Int64
        var windowNs: Int64
        var budgetNs: Int64
        var overrunsToPause: Int
        var overrunWindowNs: Int64

        init(_ limits: RiskLimits, strategies: Int) {
            fairShare = limits.fairShare
            windowNs = Int64(limits.loopShareWindowSeconds * 1e9)
            let pct = limits.loopSharePct ?? 100 / Double(max(1, strategies))
            shareNs = pct >= 100 ? .max : Int64(Double(windowNs) * pct / 100)
            budgetNs = Int64(limits.callbackBudgetMs * 1e6)
            overrunsToPause = limits.callbackOverrunsToPause
            overrunWindowNs = Int64(limits.callbackOverrunWindowSeconds * 1e9)
        }
    }

    /// An overrun, for the plugin host to report.
    struct Overrun {
        var elapsedNs: Int64
        /// Overruns of the strategy within the window, this one included.
        var inWindow: Int
        /// Whether this one pauses the strategy.
        var pauses: Bool
    }

    init(strategies: Int, limits: RiskLimits, nowNs: Int64 = CallbackWatchdog.monotonicNs()) {
        self.strategies = strategies
        counters = .allocate(capacity: max(1, strategies))
        counters.initialize(repeating: Counters(), count: max(1, strategies))
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot(settings: Settings(limits, strategies: strategies), windowStartNs: nowNs))
        recentOverrunsNs = Array(repeating: [], count: strategies)
    }

    deinit {
        counters.deallocate()
        hot.deallocate()
    }

    /// Applies changed limits (`gatehouse ctl limits`) from the next callback on.
    func apply(_ limits: RiskLimits) { hot.pointee.settings = Settings(limits, strategies: strategies) }

    /// Monotonic time, ns (only differences mean anything).
    @inline(__always)
    static func monotonicNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Marks the start of a callback; returns its start time for `charge`.
    @inline(__always)
    func begin() -> Int64 {
        let now = Self.monotonicNs()
        hot.pointee.runningStartNs = now
        return now
    }

    /// Charges strategy `index` for a callback that started at `startNs`: its window's time,
    /// its longest, and the overrun when it took longer than the budget.
    @inline(__always)
    func charge(_ index: Int, startedAt startNs: Int64) -> Overrun? {
        let end = Self.monotonicNs()
        hot.pointee.runningStartNs = 0
        let elapsed = end - startNs
        if end - hot.pointee.windowStartNs >= settings.windowNs { roll(at: end) }
        let row = counters + index
        row.pointee.busyNs &+= elapsed
        if row.pointee.busyNs > settings.shareNs { row.pointee.overShare = true }
        if elapsed > row.pointee.longestNs { row.pointee.longestNs = elapsed }
        guard elapsed > settings.budgetNs else { return nil }
        return overrun(index, elapsedNs: elapsed, at: end)
    }

    /// The fair-share block for strategy `index` submitting an intent now (in a callback, whose
    /// time so far counts), or nil.
    func loopShareBlock(_ index: Int) -> IsolationBlock? {
        guard enforces, settings.fairShare, settings.shareNs < .max else { return nil }
        let runningStart = hot.pointee.runningStartNs
        let running = runningStart > 0 ? Self.monotonicNs() - runningStart : 0
        let row = counters[index]
        let used = row.busyNs &+ running
        guard row.overShare || used > settings.shareNs else { return nil }
        return IsolationBlock(code: .loopTimeShareExceeded, details: (
            Double(max(used, row.lastWindowBusyNs)) / 1e6, Double(settings.shareNs) / 1e6, Double(settings.windowNs) / 1e6, 0))
    }

    /// Overruns of strategy `index` since the start (metrics, status, run summary).
    func overruns(_ index: Int) -> UInt64 { counters[index].overruns }

    /// The longest callback of strategy `index` since the start, ns.
    func longestNs(_ index: Int) -> Int64 { counters[index].longestNs }

    /// Starts a new window at `now`: a strategy past its share in the window that ends stays
    /// refused through the new one. After a gap of more than a window without callbacks, the
    /// old window says nothing about now: every strategy starts clear.
    private func roll(at now: Int64) {
        let stale = now - hot.pointee.windowStartNs >= 2 * settings.windowNs
        for index in 0..<strategies {
            let row = counters + index
            row.pointee.overShare = !stale && row.pointee.busyNs > settings.shareNs
            row.pointee.lastWindowBusyNs = stale ? 0 : row.pointee.busyNs
            row.pointee.busyNs = 0
        }
        hot.pointee.windowStartNs = now
    }

    private func overrun(_ index: Int, elapsedNs: Int64, at now: Int64) -> Overrun {
        counters[index].overruns &+= 1
        let windowNs = settings.overrunWindowNs
        recentOverrunsNs[index].removeAll { now - $0 > windowNs }
        recentOverrunsNs[index].append(now)
        let inWindow = recentOverrunsNs[index].count
        let pauses = enforces && settings.overrunsToPause > 0 && inWindow >= settings.overrunsToPause
        if pauses { recentOverrunsNs[index].removeAll() }
        return Overrun(elapsedNs: elapsedNs, inWindow: inWindow, pauses: pauses)
    }

    /// The share of the last whole window strategy `index`'s callbacks took, percent.
    func lastWindowSharePct(_ index: Int) -> Double {
        Double(counters[index].lastWindowBusyNs) / Double(settings.windowNs) * 100
    }
}
