extension PortfolioBook {
    /// The book for another set of strategies over the same symbols, when a restart's
    /// configuration adds, removes or re-allocates strategies: strategy `j + 1` of the result is
    /// `layout[j]`, carried over from this book's strategy index `sources[j]` (its positions,
    /// pending orders, realized PnL, peak, day start, trades today, losing streak), or new and flat
    /// at its allocated capital when `sources[j]` is nil.
    ///
    /// A carried strategy whose allocation changed keeps its drawdown and daily loss: its peak and
    /// day-start equity move by the same amount as its allocation. A strategy left out must be flat
    /// (the caller checks, `isFlat`): it then adds nothing to any live aggregate, and its realized
    /// PnL stays in the account's cash. The account (equity, peak, day start, hourly marks) and
    /// every per-symbol figure are kept as they are.
    public func reshaped(to layout: [(mode: BookMode, allocatedCapitalUSD: Double)], from sources: [Int?]) -> PortfolioBook {
        precondition(layout.count == sources.count, "one source per strategy of the layout")
        var book = self
        book.strategyCount = layout.count
        book.positions = Array(repeating: Position(), count: max(1, layout.count * symbolCount))
        book.strategies = []
        book.strategyHeldSymbols = []
        for (j, source) in sources.enumerated() {
            let capital = layout[j].allocatedCapitalUSD
            guard let i = source else {
                book.strategies.append(Strategy(mode: layout[j].mode, allocatedCapitalUSD: capital,
                                                peakEquityUSD: capital, dayStartEquityUSD: capital))
                book.strategyHeldSymbols.append([])
                continue
            }
            var entry = strategies[i]
            let change = capital - entry.allocatedCapitalUSD
            entry.allocatedCapitalUSD = capital
            entry.peakEquityUSD += change
            entry.dayStartEquityUSD += change
            book.strategies.append(entry)
            book.strategyHeldSymbols.append(strategyHeldSymbols[i])
            for symbol in 0..<symbolCount {
                book.positions[j * symbolCount + symbol] = positions[i * symbolCount + symbol]
            }
        }
        return book
    }
}

extension RiskChain {
    /// `state`, saved for other strategies, reshaped to this chain's strategies (same symbols):
    /// strategy `j + 1` here takes what `state` held for its strategy index `sources[j]`, or
    /// starts as this chain starts it when nil (flat, no closed trades, not paused). Every
    /// strategy of `state` that no source names must be flat and have no order awaiting the
    /// gateway (the caller checks). See `PortfolioBook.reshaped(to:from:)`.
    public func reshaping(_ state: RiskState, from sources: [Int?]) -> RiskState {
        precondition(sources.count == book.strategyCount, "one source per configured strategy")
        var result = state
        let layout = book.strategies.map { (mode: $0.mode, allocatedCapitalUSD: $0.allocatedCapitalUSD) }
        result.book = state.book.reshaped(to: layout, from: sources)
        result.decayWindows = sources.enumerated().map { j, i in i.map { state.decayWindows[$0] } ?? decayWindows[j] }
        result.decayPaused = sources.map { i in i.map { state.decayPaused[$0] } ?? false }
        result.operatorPaused = state.operatorPaused.map { paused in sources.map { i in i.map { paused[$0] } ?? false } }
        result.strategyDailyLossDay = sources.map { i in i.map { state.strategyDailyLossDay[$0] } ?? .min }
        let symbols = book.symbolCount
        var unknown = Array(repeating: Int32(0), count: max(1, sources.count * symbols))
        if state.unknownOrders.count == state.book.strategyCount * symbols {
            for (j, source) in sources.enumerated() {
                guard let i = source else { continue }
                for symbol in 0..<symbols { unknown[j * symbols + symbol] = state.unknownOrders[i * symbols + symbol] }
            }
        }
        result.unknownOrders = unknown
        return result
    }
}
