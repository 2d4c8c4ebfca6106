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
/// at an overrun (an exceptional path: it logs and publishes anyway).
struct CallbackWatchdog {
    /// Whether overruns pause and loop-time shares refuse: a live host (the event loop sets it
    /// from `RunOptions.enforcesWallTimeIsolation`); off until then, as in a replay.
    var enforces = false
    /// Callback time in the current window, per strategy (index id − 1), ns.
    private(set) var busyNs: [Int64]
    /// Callback time in the last whole window, per strategy, ns.
    private(set) var lastWindowBusyNs: [Int64]
    /// Past its share in this window or the last one: new risk refused.
    private var overShare: [Bool]
    private var windowStartNs: Int64
    /// Overruns since the start, per strategy (metrics, status, run summary).
    private(set) var overruns: [UInt64]
    /// Longest callback since the start, per strategy, ns.
    private(set) var longestNs: [Int64]
    /// Per strategy, the times of its overruns still within the watchdog's window, oldest first.
    private var recentOverrunsNs: [[Int64]]
    /// Start of the callback running now (0: none).
    private var runningStartNs: Int64 = 0
    /// The limits it applies, as plain numbers (read from `RiskLimits` at start and after each
    /// change of the limits: never through the engine's chain on the hot path).
    private(set) var settings: Settings

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

    init(strategies: Int, limits: RiskLimits, nowNs: Int64 = Self.monotonicNs()) {
        settings = Settings(limits, strategies: strategies)
        busyNs = Array(repeating: 0, count: strategies)
        lastWindowBusyNs = Array(repeating: 0, count: strategies)
        overShare = Array(repeating: false, count: strategies)
        overruns = Array(repeating: 0, count: strategies)
        longestNs = Array(repeating: 0, count: strategies)
        recentOverrunsNs = Array(repeating: [], count: strategies)
        windowStartNs = nowNs
    }

    /// Applies changed limits (`gatehouse ctl limits`) from the next callback on.
    mutating func apply(_ limits: RiskLimits) { settings = Settings(limits, strategies: busyNs.count) }

    /// Monotonic time, ns (only differences mean anything).
    @inline(__always)
    static func monotonicNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Marks the start of a callback; returns its start time for `charge`.
    @inline(__always)
    mutating func begin() -> Int64 {
        let now = Self.monotonicNs()
        runningStartNs = now
        return now
    }

    /// Charges strategy `index` for a callback that started at `startNs`: its window's time,
    /// its longest, and the overrun when it took longer than the budget.
    @inline(__always)
    mutating func charge(_ index: Int, startedAt startNs: Int64) -> Overrun? {
        let end = Self.monotonicNs()
        runningStartNs = 0
        let elapsed = end - startNs
        if end - windowStartNs >= settings.windowNs { roll(at: end) }
        busyNs[index] &+= elapsed
        if busyNs[index] > settings.shareNs { overShare[index] = true }
        if elapsed > longestNs[index] { longestNs[index] = elapsed }
        guard elapsed > settings.budgetNs else { return nil }
        return overrun(index, elapsedNs: elapsed, at: end)
    }

    /// The fair-share block for strategy `index` submitting an intent now (in a callback, whose
    /// time so far counts), or nil.
    mutating func loopShareBlock(_ index: Int) -> IsolationBlock? {
        guard enforces, settings.fairShare, settings.shareNs < .max else { return nil }
        let running = runningStartNs > 0 ? Self.monotonicNs() - runningStartNs : 0
        let used = busyNs[index] &+ running
        guard overShare[index] || used > settings.shareNs else { return nil }
        return IsolationBlock(code: .loopTimeShareExceeded, details: (
            Double(max(used, lastWindowBusyNs[index])) / 1e6, Double(settings.shareNs) / 1e6, Double(settings.windowNs) / 1e6, 0))
    }

    /// Starts a new window at `now`: a strategy past its share in the window that ends stays
    /// refused through the new one. After a gap of more than a window without callbacks, the
    /// old window says nothing about now: every strategy starts clear.
    private mutating func roll(at now: Int64) {
        let stale = now - windowStartNs >= 2 * settings.windowNs
        for index in busyNs.indices {
            overShare[index] = !stale && busyNs[index] > settings.shareNs
            lastWindowBusyNs[index] = stale ? 0 : busyNs[index]
            busyNs[index] = 0
        }
        windowStartNs = now
    }

    private mutating func overrun(_ index: Int, elapsedNs: Int64, at now: Int64) -> Overrun {
        overruns[index] &+= 1
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
        Double(lastWindowBusyNs[index]) / Double(settings.windowNs) * 100
    }
}
