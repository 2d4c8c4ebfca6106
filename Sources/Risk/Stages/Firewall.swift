/// The Firewall (issue 12): the order checks a pre-trade risk gateway makes before any budget,
/// first in the chain. Two kinds:
///
/// - **Refusals of the whole intent**, reducing part included: a price or a size no real order
///   has. A limit price off the symbol's tick grid (`PRICE_OFF_TICK`) or further than the price
///   band from the mark (`PRICE_OUTSIDE_BAND`); a quantity or notional above the symbol's maximum
///   (`ORDER_QUANTITY_ABOVE_MAX`, `ORDER_NOTIONAL_ABOVE_MAX`) or a notional above the strategy's
///   share of its capital (`ORDER_NOTIONAL_ABOVE_STRATEGY_MAX`). A typo is refused, never shrunk
///   into an order (`orderRefusal`). So is the same order sent again within the duplicate
///   window (`DUPLICATE_ORDER`).
/// - **The order-rate throttles** on the risk-increasing part (`throttle`, `OrderFlow.swift`).
/// - **Blocks of the risk-increasing part**, exits still pass: a restricted symbol
///   (`RESTRICTED_SYMBOL`) and a stale portfolio, a held symbol whose mark is older than
///   `stale_portfolio_after_seconds` (`STALE_PORTFOLIO`) (`firewall`).
///
/// - **Strategy isolation** (`StrategyIsolation.swift`): the callback watchdog's pause
///   (`CALLBACK_OVERRUN`) and the fair shares the host measures (`AUDIT_QUEUE_SHARE_EXCEEDED`,
///   `LOOP_TIME_SHARE_EXCEEDED`), blocks of the risk-increasing part too.
///
/// Lot rounding, the last step of every decision, is `roundToLot` (RiskChain.decide).
extension RiskChain {
    /// Why the whole intent is refused, with its details, or nil. `price` is the intent's budget
    /// price (the mark, or a higher limit price), the one its notional is valued at. Inlined into
    /// `decide`: called there as a method, the chain (about a kilobyte) was copied for the call.
    @inline(__always)
    func orderRefusal(_ intent: OrderIntent, mark: Double, budgetPrice price: Double, at ns: Int64)
        -> (code: ReasonCode, details: (Double, Double, Double, Double))? {
        let s = Int(intent.symbolID) - 1
        if intent.orderType == .limit {
            let tick = tickSize[s]
            if tick > 0 && !InstrumentRules.isMultiple(intent.limitPrice, of: tick) {
                return (.priceOffTick, (intent.limitPrice, tick, 0, 0))
            }
            if let band = limits.priceBandPct {
                let distancePct = abs(intent.limitPrice - mark) / mark * 100
                if distancePct > band { return (.priceOutsideBand, (intent.limitPrice, mark, distancePct, band)) }
            }
        }
        // The venue's limit binds every order; the duplicate and notional checks guard against a
        // strategy's typo, which a reduce-only intent cannot turn into risk (it is trimmed to the
        // position it shrinks): the host's own breach unwind sends equal reduce-only chunks.
        if intent.quantity > maxOrderQuantity[s] {
            return (.orderQuantityAboveMax, (intent.quantity, maxOrderQuantity[s], 0, 0))
        }
        if intent.reduceOnly { return nil }
        if let window = duplicateWindowNs, let previous = orderFlow.duplicate(of: intent, windowNs: window, at: ns) {
            return (.duplicateOrder, (Double(ns - previous.atNs) / 1e9, Double(window) / 1e9, Double(previous.decisionID), 0))
        }
        let notional = intent.quantity * price
        if notional > maxOrderNotionalUSD[s] {
            return (.orderNotionalAboveMax, (notional, maxOrderNotionalUSD[s], 0, 0))
        }
        let strategyCap = limits.maxOrderPctOfCapital / 100 * book.strategy(intent.strategyID).allocatedCapitalUSD
        if notional > strategyCap {
            return (.orderNotionalAboveStrategyMax, (notional, strategyCap, limits.maxOrderPctOfCapital, 0))
        }
        return nil
    }

    /// The blocks of the risk-increasing part: a restricted symbol, then a stale portfolio.
    mutating func firewall(_ work: inout Work, at ns: Int64) {
        guard work.increasing > 0 else { return }
        let intent = work.intent
        if restricted[Int(intent.symbolID) - 1] {
            return block(&work, .restrictedSymbol, stage: .firewall)
        }
        if orderFlow.executionLatched[Int(intent.strategyID) - 1] {
            return block(&work, .repeatedExecutions, stage: .firewall,
                         details: (Double(limits.repeatedFills ?? 0), limits.repeatedFillsWindowSeconds ?? 0, 0, 0))
        }
        // The intent's own symbol stale: PortfolioGuard's STALE_MARKET_DATA names it better.
        if Double(ns - book.markTime(intent.symbolID)) / 1e9 > limits.staleAfterSeconds { return }
        let limitNs = stalePortfolioAfterNs
        let isShadow = book.strategy(intent.strategyID).mode == .shadow
        // Every live held mark at or after the floor, the floor within the limit: none is stale.
        // Else one pass over the live held symbols (which also raises the floor to their oldest
        // mark), and a shadow strategy's own ones each time.
        if heldMarkFloorNs >= ns - limitNs && !isShadow { return }
        var stale = 0, oldest: UInt32 = 0, oldestTime = Int64.max
        func look(_ symbol: UInt32) {
            let time = book.markTime(symbol)
            if ns - time > limitNs {
                stale += 1
                if time < oldestTime { oldestTime = time; oldest = symbol }
            }
        }
        if heldMarkFloorNs < ns - limitNs {
            var floor = Int64.max
            for symbol in book.heldSymbols {
                floor = min(floor, book.markTime(symbol))
                look(symbol)
            }
            heldMarkFloorNs = floor
        }
        if isShadow {
            for symbol in book.strategyHeldSymbols[Int(intent.strategyID) - 1] where !book.isHeldLive(symbol) { look(symbol) }
        }
        if stale > 0 {
            block(&work, .stalePortfolio, stage: .firewall,
                  details: (Double(stale), Double(ns - oldestTime) / 1e9, Double(limitNs) / 1e9, Double(oldest)))
        }
    }

    /// `final` (units) rounded down to the symbol's lot (unchanged without one): never above it.
    func roundToLot(_ final: Double, symbol: UInt32) -> Double {
        let lot = lotSize[Int(symbol) - 1]
        return lot > 0 ? InstrumentRules.roundDown(final, toLot: lot) : final
    }
}
