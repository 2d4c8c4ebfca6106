/// A limit the alerts watch: which rule, on what.
public struct WatchedLimit: Sendable, Equatable {
    /// What a limit applies to.
    public enum Subject: Sendable, Equatable {
        case account
        case strategy(UInt32)
        case symbol(UInt32)
        case cluster(Int)
    }

    /// The rule, by its config key under `risk` (e.g. `account.drawdown_halt_pct`).
    public enum Rule: String, Sendable, CaseIterable {
        case accountDrawdownHalt = "account.drawdown_halt_pct"
        case rolling24hDrawdown = "account.rolling_24h_drawdown_pct"
        case accountDailyLoss = "account.daily_loss_pct"
        case grossExposure = "account.max_gross_pct_of_equity"
        case symbolExposure = "account.max_symbol_pct_of_equity"
        case clusterExposure = "clusters.max_pct_of_equity"
        case strategyDrawdown = "strategy.drawdown_pct"
        case strategyDailyLoss = "strategy.daily_loss_pct"
        /// Not watched each event: a gateway fill priced outside the band around the mark, alerted
        /// once per refused fill (value: its distance from the mark, percent; limit: the band).
        case gatewayFillBand = "execution.gateway.fill_band_pct"
    }

    public var rule: Rule
    public var subject: Subject

    public init(rule: Rule, subject: Subject) {
        self.rule = rule
        self.subject = subject
    }
}

/// A watched limit whose alert level changed (`RiskChain.updateAlertLevels`).
public struct AlertCrossing: Sendable, Equatable {
    /// Index into `RiskChain.watchedLimits`.
    public var slot: Int
    public var from: AlertLevel
    public var to: AlertLevel
    /// Usage, percent of the limit.
    public var usagePct: Double
    /// The measured value and the limit, in the rule's unit (see `usage(of:)`).
    public var value: Double
    public var limit: Double
}

extension RiskChain {
    /// Every limit the alerts watch over `book` and the clusters, in a fixed order: the
    /// account's, then each symbol's, each cluster's, and each strategy's.
    static func watchedLimits(book: PortfolioBook, clusterCount: Int) -> [WatchedLimit] {
        var limits: [WatchedLimit] = [
            .init(rule: .accountDrawdownHalt, subject: .account),
            .init(rule: .rolling24hDrawdown, subject: .account),
            .init(rule: .accountDailyLoss, subject: .account),
            .init(rule: .grossExposure, subject: .account),
        ]
        for symbol in 0..<book.symbolCount {
            limits.append(.init(rule: .symbolExposure, subject: .symbol(UInt32(symbol + 1))))
        }
        for cluster in 0..<clusterCount { limits.append(.init(rule: .clusterExposure, subject: .cluster(cluster))) }
        for strategy in 0..<book.strategyCount {
            limits.append(.init(rule: .strategyDrawdown, subject: .strategy(UInt32(strategy + 1))))
            limits.append(.init(rule: .strategyDailyLoss, subject: .strategy(UInt32(strategy + 1))))
        }
        return limits
    }

    /// Feeds every watched limit's usage to its alert level and appends each level that changed
    /// to `crossings` (seed 002: yellow 50 %, orange 75 %, red 100 %, with hysteresis). Run after
    /// every event; allocates nothing unless a level changes.
    ///
    /// One call walks every limit with the chain borrowed once, in slot order, with the same
    /// arithmetic as `usage(of:)` (the tests hold the two equal). Reading the usages one
    /// `usage(of:)` call at a time through the host's stored chain made Swift copy the whole
    /// chain per call (60 % of the feed path's time); a switch per slot, and each strategy's
    /// equity computed twice, still took a fifth of the event loop's time with a journal on
    /// (perf, book workload; BENCHMARKS.md).
    public mutating func updateAlertLevels(into crossings: inout [AlertCrossing]) {
        // The slots in `watchedLimits` order (account 4, symbols, clusters, strategies × 2),
        // each value computed as `usage(of:)` does, the account's equity and each strategy's once.
        let equity = book.equityUSD
        var slot = 0
        @inline(__always) func feed(_ value: Double, _ limit: Double) {
            let usagePct = limit > 0 ? value / limit * 100 : 0
            if let (from, to) = alertLevels.update(slot: slot, usagePct: usagePct) {
                crossings.append(AlertCrossing(slot: slot, from: from, to: to, usagePct: usagePct, value: value, limit: limit))
            }
            slot += 1
        }
        feed(book.drawdownPct, limits.drawdownHaltPct)
        feed(book.rolling24hDrawdownPct, limits.rolling24hDrawdownPct)
        feed(book.dailyLossPct, limits.accountDailyLossPct)
        var grossCap = limits.maxGrossPctOfEquity / 100 * equity
        if let absolute = limits.maxGrossUSD { grossCap = min(grossCap, absolute) }
        feed(book.liveGrossUSD, grossCap)
        let symbolCap = limits.maxSymbolPctOfEquity / 100 * equity
        for symbol in 1...max(1, book.symbolCount) where book.symbolCount > 0 {
            feed(book.liveGrossUSD(symbol: UInt32(symbol)), symbolCap)
        }
        for cluster in clusterMembers.indices {
            var used = 0.0
            for member in clusterMembers[cluster] { used += book.liveGrossUSD(symbol: member) }
            feed(used, clusterCapsPct[cluster] / 100 * equity)
        }
        for index in 0..<book.strategyCount {
            let id = UInt32(index + 1)
            let strategyEquity = book.equityUSD(strategy: id)
            feed(book.strategyDrawdownPct(id, equity: strategyEquity), limits.strategyDrawdownPct)
            feed(book.strategyDailyLossPct(id, equity: strategyEquity), limits.strategyDailyLossPct)
        }
        assert(slot == watchedLimits.count, "updateAlertLevels walked \(slot) slots of \(watchedLimits.count)")
    }

    /// How much of `watched` is used now: the measured value and the limit it is held against, in
    /// the rule's unit (percent for drawdowns and losses, USD for exposures). Allocates nothing.
    public func usage(of watched: WatchedLimit) -> (value: Double, limit: Double) {
        let equity = book.equityUSD
        switch (watched.rule, watched.subject) {
        case (.accountDrawdownHalt, _):
            return (book.drawdownPct, limits.drawdownHaltPct)
        case (.rolling24hDrawdown, _):
            return (book.rolling24hDrawdownPct, limits.rolling24hDrawdownPct)
        case (.accountDailyLoss, _):
            return (book.dailyLossPct, limits.accountDailyLossPct)
        case (.grossExposure, _):
            var cap = limits.maxGrossPctOfEquity / 100 * equity
            if let absolute = limits.maxGrossUSD { cap = min(cap, absolute) }
            return (book.liveGrossUSD, cap)
        case (.symbolExposure, .symbol(let symbol)):
            return (book.liveGrossUSD(symbol: symbol), limits.maxSymbolPctOfEquity / 100 * equity)
        case (.clusterExposure, .cluster(let cluster)):
            var used = 0.0
            for member in clusterMembers[cluster] { used += book.liveGrossUSD(symbol: member) }
            return (used, clusterCapsPct[cluster] / 100 * equity)
        case (.strategyDrawdown, .strategy(let id)):
            return (book.strategyDrawdownPct(id, equity: book.equityUSD(strategy: id)), limits.strategyDrawdownPct)
        case (.strategyDailyLoss, .strategy(let id)):
            return (book.strategyDailyLossPct(id, equity: book.equityUSD(strategy: id)), limits.strategyDailyLossPct)
        default:
            return (0, 0)
        }
    }

    /// The unwind of a portfolio drawdown breach over the live strategies (names by id − 1): the
    /// cap is `drawdown_halt_pct` of peak equity, the locked loss is the drawdown of the equity
    /// without open positions. See `UnwindPlan`.
    public func unwindPlan(strategyNames: [String]) -> UnwindPlan {
        var candidates: [UnwindPlan.Candidate] = []
        for index in 0..<book.strategyCount where book.strategies[index].mode == .live {
            let id = UInt32(index + 1)
            var gross = 0.0
            for symbol in book.strategyHeldSymbols[index] {
                gross += abs(book.position(strategy: id, symbol: symbol)) * book.mark(symbol)
            }
            candidates.append(.init(strategyID: id, name: strategyNames[index],
                                    unrealizedUSD: book.unrealizedUSD(strategy: id), grossUSD: gross))
        }
        let peak = book.peakEquityUSD
        let withoutOpen = book.startingEquityUSD + book.liveRealizedUSD
        return UnwindPlan(candidates: candidates, capUSD: limits.drawdownHaltPct / 100 * peak,
                          lockedLossUSD: max(0, peak - withoutOpen))
    }
}
