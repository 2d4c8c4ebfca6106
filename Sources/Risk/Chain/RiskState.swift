/// Everything the chain has learnt from the market and from its own decisions: what a restarted
/// host must get back to decide exactly as it would have without the restart. The limits are not
/// part of it: they come from the configuration of the run that restores it.
///
/// Codable so the host can journal it; equal states give equal decisions on equal inputs.
public struct RiskState: Sendable, Codable, Equatable {
    /// Positions, pending orders, marks, cash, peak, day start, hourly marks, cooldown streaks,
    /// trades today, and the event clock.
    public var book: PortfolioBook
    /// Return history and correlations.
    public var correlations: RollingCorrelation
    /// Kill switch, operator state, halt latch.
    public var controls: AccountControls
    /// Per strategy (index id − 1): closed trades of the decay window, and whether paused.
    public var decayWindows: [DecayWindow]
    public var decayPaused: [Bool]
    /// Per strategy: paused by an operator (nil in states saved before operator pauses existed).
    public var operatorPaused: [Bool]?
    /// UTC day on which the account's daily loss limit was hit (`Int64.min`: never).
    public var accountDailyLossDay: Int64
    /// Per strategy: UTC day on which its daily loss limit was hit.
    public var strategyDailyLossDay: [Int64]
    /// Per (strategy, symbol): orders awaiting the gateway's overdue answer.
    public var unknownOrders: [Int32]
    /// The Firewall's order-rate buckets and recent orders (nil: restored as full buckets and no
    /// orders). Not in this type's own coding: the host's snapshot carries it as its last
    /// property, so snapshots written before it still decode (`EngineState`).
    public var orderFlow: OrderFlow? = nil

    enum CodingKeys: String, CodingKey {
        case book, correlations, controls, decayWindows, decayPaused, operatorPaused, accountDailyLossDay
        case strategyDailyLossDay, unknownOrders
    }
}

/// Why a state cannot be restored into a chain: it was made for a different shape of account.
public struct RiskStateMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

extension RiskChain {
    /// The chain's current state (a copy: arrays are shared until either side changes them).
    public var state: RiskState {
        RiskState(book: book, correlations: correlations, controls: controls, decayWindows: decayWindows,
                  decayPaused: decayPaused, operatorPaused: operatorPaused, accountDailyLossDay: accountDailyLossDay,
                  strategyDailyLossDay: strategyDailyLossDay, unknownOrders: unknownOrders, orderFlow: orderFlow)
    }

    /// Replaces the chain's state with `state`, which must fit this chain: the same number of
    /// strategies and symbols, each strategy with the same mode and allocated capital, and the
    /// same correlation grid and decay window. Nothing changes when it does not fit.
    public mutating func restore(_ state: RiskState) throws(RiskStateMismatch) {
        func mismatch(_ what: String, _ saved: Any, _ configured: Any) -> RiskStateMismatch {
            RiskStateMismatch(description: "\(what) is \(saved) in the saved state and \(configured) in the configuration")
        }
        let saved = state.book
        guard saved.strategyCount == book.strategyCount else { throw mismatch("the number of strategies", saved.strategyCount, book.strategyCount) }
        guard saved.symbolCount == book.symbolCount else { throw mismatch("the number of symbols", saved.symbolCount, book.symbolCount) }
        for index in 0..<book.strategyCount {
            let was = saved.strategies[index], now = book.strategies[index]
            guard was.mode == now.mode else {
                throw mismatch("the mode of strategy \(index + 1)", was.mode == .live ? "live" : "shadow", now.mode == .live ? "live" : "shadow")
            }
            guard was.allocatedCapitalUSD == now.allocatedCapitalUSD else {
                throw mismatch("the allocated capital (USD) of strategy \(index + 1)", was.allocatedCapitalUSD, now.allocatedCapitalUSD)
            }
        }
        let c = state.correlations
        guard c.symbolCount == correlations.symbolCount, c.windowSamples == correlations.windowSamples,
              c.sampleNs == correlations.sampleNs, c.minSamples == correlations.minSamples else {
            throw mismatch("the correlation grid (samples × seconds, minimum)",
                           "\(c.windowSamples) × \(c.sampleNs / 1_000_000_000), \(c.minSamples)",
                           "\(correlations.windowSamples) × \(correlations.sampleNs / 1_000_000_000), \(correlations.minSamples)")
        }
        guard state.decayWindows.count == decayWindows.count, state.decayPaused.count == decayPaused.count,
              state.strategyDailyLossDay.count == strategyDailyLossDay.count else {
            throw mismatch("the number of strategy decay windows", state.decayWindows.count, decayWindows.count)
        }
        if let window = decayWindows.first, let savedWindow = state.decayWindows.first, window.windowNs != savedWindow.windowNs {
            throw mismatch("the decay window (days)", savedWindow.windowNs / 86_400_000_000_000, window.windowNs / 86_400_000_000_000)
        }
        book = state.book
        heldMarkFloorNs = .min
        correlations = state.correlations
        controls = state.controls
        decayWindows = state.decayWindows
        decayPaused = state.decayPaused
        if let paused = state.operatorPaused, paused.count == operatorPaused.count { operatorPaused = paused }
        accountDailyLossDay = state.accountDailyLossDay
        strategyDailyLossDay = state.strategyDailyLossDay
        unknownOrders = state.unknownOrders.count == unknownOrders.count ? state.unknownOrders : unknownOrders
        if let flow = state.orderFlow, flow.fits(strategies: book.strategyCount, limits: limits) {
            orderFlow = flow
        } else {
            orderFlow = OrderFlow(strategies: book.strategyCount, limits: limits)
        }
    }
}
