/// The fixed chain every intent passes, in order: Firewall → PortfolioGuard → CorrelationSizer →
/// Cooldown → DecayDetector, then the minimum order size and the lot rounding. Pure and deterministic: no I/O, no clock read (time is passed in), no globals;
/// the same calls in the same order give the same decisions.
///
/// Quantities: an intent splits into a *reducing* part (up to the filled position it shrinks, less
/// what the strategy's pending orders on the same side already take away) and a
/// *risk-increasing* part (the rest). Every limit acts on
/// the risk-increasing part only; the reducing part passes everything except the kill switch, so a
/// halted account can still get out. Each stage sees the quantity the previous one let through;
/// factors compound.
///
/// Cost: one decision is O(1) in the number of strategies, O(symbols the strategy holds) for its
/// equity, and O(symbols held) for the correlation (one matrix row against the exposure vector); state is kept as running
/// aggregates and the trace buffer is reused, so a decision allocates nothing in steady state.
public struct RiskChain: Sendable {
    /// The limits in force: set at start, replaced between two events by `replaceLimits`.
    public internal(set) var limits: RiskLimits
    /// Positions, marks, equity and their aggregates.
    public internal(set) var book: PortfolioBook
    /// Return correlations between symbols.
    public internal(set) var correlations: RollingCorrelation
    /// Kill switch, operator state and latches.
    public internal(set) var controls = AccountControls()
    /// Per strategy (index id − 1): closed trades of the decay window, and whether paused.
    public internal(set) var decayWindows: [DecayWindow]
    public internal(set) var decayPaused: [Bool]
    /// Per strategy (index id − 1): paused by an operator (`STRATEGY_PAUSED`) until resumed.
    public internal(set) var operatorPaused: [Bool]
    /// What each stage did to the last decided intent (reused buffer).
    public internal(set) var trace: [StageNote] = []
    /// Whether the last decision let an intent through against a resting live order of the
    /// host's, which the caller must now cancel (self-trade prevention, `decide`'s `resting`).
    public internal(set) var selfTradeCancelDue = false
    /// State changes made by the chain since the caller last cleared them.
    public internal(set) var stateChanges: [StateChange] = []
    /// UTC day on which the account's daily loss limit was hit (new risk stays refused that day).
    public internal(set) var accountDailyLossDay: Int64 = .min
    /// Per strategy (index id − 1): UTC day on which its daily loss limit was hit.
    public internal(set) var strategyDailyLossDay: [Int64]
    /// Per (strategy, symbol), as the book indexes positions: orders whose state the gateway has
    /// not told in time. New risk there is refused while > 0 (`ORDER_STATE_UNKNOWN`).
    public internal(set) var unknownOrders: [Int32]

    /// Every limit the alerts watch, in a fixed order (slot = index).
    public let watchedLimits: [WatchedLimit]
    /// The alert level of each watched limit (`updateAlertLevels`). Not part of `RiskState`: a
    /// restarted host starts green and alerts again on what is still high.
    public internal(set) var alertLevels: LimitAlerts

    /// Symbol names by id − 1, as given.
    public let symbolNames: [String]
    // Derived from `limits` per symbol (index id − 1) by `deriveFromLimits`, again at each
    // `replaceLimits`, so a decision reads arrays, never the limits' dictionaries.
    var minOrderQuantity: [Double] = []       // 0 = use the notional minimum
    // The Firewall's rules, from `limits.instruments`.
    var tickSize: [Double] = []               // 0 = no grid
    var lotSize: [Double] = []                // 0 = no rounding
    var maxOrderQuantity: [Double] = []       // +∞ = none
    var maxOrderNotionalUSD: [Double] = []    // +∞ = none
    var restricted: [Bool] = []
    var stalePortfolioAfterNs: Int64 = 0
    var duplicateWindowNs: Int64?
    var repeatedFillsWindowNs: Int64?
    /// At or below the mark time of every symbol the live book holds (`.min`: not known), so the
    /// stale-portfolio check costs O(1) while every held mark is fresh and scans the held symbols
    /// only once this floor is older than the limit (`firewall`). Lowered wherever a symbol may
    /// become held or a mark move back; not part of `RiskState` (a restored chain rescans).
    var heldMarkFloorNs: Int64 = .min
    /// Order-rate buckets and each strategy's last orders sent (`OrderFlow`).
    public internal(set) var orderFlow: OrderFlow
    let clusterMembers: [[UInt32]]
    /// Each cluster's cap (`limits.clusters`, in order): the one part of a cluster that may change.
    var clusterCapsPct: [Double] = []
    let symbolClusters: [[Int]]           // per symbol, indices into clusterMembers

    /// A chain over `symbols` (id k is `symbols[k-1]`) and `strategies` (id k is `strategies[k-1]`),
    /// starting from `startingEquityUSD` of account equity. `limits` must be valid.
    public init(limits: RiskLimits, symbols: [String], strategies: [(mode: BookMode, allocatedCapitalUSD: Double)],
                startingEquityUSD: Double) {
        precondition(limits.validationFailure() == nil, "invalid risk limits: \(limits.validationFailure()!)")
        self.limits = limits
        self.symbolNames = symbols
        book = PortfolioBook(startingEquityUSD: startingEquityUSD, strategies: strategies, symbolCount: symbols.count)
        correlations = RollingCorrelation(
            symbolCount: symbols.count, windowSamples: limits.correlationWindowSamples,
            sampleSeconds: limits.correlationSampleSeconds, minSamples: limits.correlationMinSamples)
        decayWindows = Array(repeating: DecayWindow(windowDays: limits.decayWindowDays), count: strategies.count)
        decayPaused = Array(repeating: false, count: strategies.count)
        operatorPaused = Array(repeating: false, count: strategies.count)
        strategyDailyLossDay = Array(repeating: .min, count: strategies.count)
        unknownOrders = Array(repeating: 0, count: max(1, strategies.count * symbols.count))
        orderFlow = OrderFlow(strategies: strategies.count, limits: limits)
        var ids: [String: UInt32] = [:]
        for (index, name) in symbols.enumerated() { ids[name] = UInt32(index + 1) }
        var members: [[UInt32]] = []
        var bySymbol = Array(repeating: [Int](), count: symbols.count)
        for cluster in limits.clusters {
            let memberIDs = cluster.symbols.compactMap { ids[$0] }
            for id in memberIDs { bySymbol[Int(id) - 1].append(members.count) }
            members.append(memberIDs)
        }
        clusterMembers = members
        symbolClusters = bySymbol
        watchedLimits = Self.watchedLimits(book: book, clusterCount: members.count)
        alertLevels = LimitAlerts(slots: watchedLimits.count, hysteresisPct: limits.alertHysteresisPct)
        deriveFromLimits()
        trace.reserveCapacity(16)
        stateChanges.reserveCapacity(16)
    }

    // MARK: Market data and fills

    /// A new mark for `symbol` at event time `ns`: samples correlations on the grid, revalues the
    /// book and latches HALTED if the account drawdown reached the halt level.
    public mutating func updateMark(symbol: UInt32, price: Double, at ns: Int64) {
        correlations.advance(to: ns, marks: book.marks)
        book.updateMark(symbol: symbol, price: price, at: ns)
        heldMarkFloorNs = min(heldMarkFloorNs, ns)
        checkDrawdownLatch(at: ns)
    }

    /// A fill: updates the book, and on a closed round trip the cooldown streak and the decay window.
    @discardableResult
    public mutating func applyFill(
        strategy: UInt32, symbol: UInt32, side: Side, quantity: Double, price: Double, feeUSD: Double, at ns: Int64
    ) -> ClosedTrade? {
        let closed = book.applyFill(strategy: strategy, symbol: symbol, side: side, quantity: quantity,
                                    price: price, feeUSD: feeUSD, at: ns)
        heldMarkFloorNs = min(heldMarkFloorNs, book.markTime(symbol))
        checkRepeatedExecutions(strategy: strategy, side: side, at: ns)
        if let closed { recordClosedTrade(closed) }
        checkDrawdownLatch(at: ns)
        return closed
    }

    /// Releases pending quantity that will not fill (signed units, as approved).
    public mutating func releasePending(strategy: UInt32, symbol: UInt32, quantity: Double) {
        book.releasePending(strategy: strategy, symbol: symbol, quantity: quantity)
    }

    /// Clears the list of state changes after the caller has recorded them.
    public mutating func clearStateChanges() { stateChanges.removeAll(keepingCapacity: true) }

    // MARK: Operator actions

    /// Turns the kill switch on or off.
    public mutating func setKillSwitch(_ on: Bool) { controls.killSwitch = on }

    /// Refuses (or again allows) new risk because the audit journal cannot record.
    public mutating func setJournalUnavailable(_ unavailable: Bool) { controls.journalUnavailable = unavailable }

    /// One more (`+1`) or one fewer (`-1`) order of `strategy` in `symbol` whose state the gateway
    /// has not told in time; new risk there is refused while any is left.
    public mutating func adjustUnknownOrders(strategy: UInt32, symbol: UInt32, by delta: Int32) {
        let index = book.index(strategy, symbol)
        unknownOrders[index] = max(0, unknownOrders[index] + delta)
    }

    /// The dead man's switch fired (true: HALTED until reset) or was reset (false).
    public mutating func setDeadmanHalt(_ on: Bool) { controls.deadmanHalt = on ? true : nil }

    /// Sets the operator's trading state.
    public mutating func setOperatorState(_ state: TradingState) { controls.operatorState = state }

    /// Clears a latched halt. Returns false (and keeps the latch) while the cause is still present,
    /// unless `force`. A forced reset while the drawdown is still past the halt also re-bases the
    /// account's peak equity to the current equity: the operator has accepted the loss, and
    /// without a new peak the very next mark would latch the halt again.
    public mutating func resetHaltLatch(force: Bool) -> Bool {
        guard controls.haltLatch != nil else { return true }
        let causePresent = book.drawdownPct >= limits.drawdownHaltPct
        if causePresent && !force { return false }
        if causePresent { book.rebasePeak() }
        controls.haltLatch = nil
        return true
    }

    /// Resumes a strategy: clears an operator's pause, the decay detector's, the
    /// repeated-execution latch's and the callback watchdog's.
    public mutating func resumeStrategy(_ strategy: UInt32) {
        decayPaused[Int(strategy) - 1] = false
        operatorPaused[Int(strategy) - 1] = false
        orderFlow.executionLatched[Int(strategy) - 1] = false
        orderFlow.callbackPaused[Int(strategy) - 1] = false
    }

    /// An operator's pause: the strategy's new risk is refused (`STRATEGY_PAUSED`) until
    /// `resumeStrategy`; its exits still pass.
    public mutating func pauseStrategy(_ strategy: UInt32) { operatorPaused[Int(strategy) - 1] = true }

    /// Moves a flat shadow strategy into the live book (`PortfolioBook.promoteToLive`): from the
    /// next intent on its orders count against every account limit.
    public mutating func promoteToLive(_ strategy: UInt32) {
        book.promoteToLive(strategy)
        heldMarkFloorNs = .min
    }

    mutating func checkDrawdownLatch(at ns: Int64) {
        guard controls.haltLatch == nil else { return }
        let drawdown = book.drawdownPct
        if drawdown >= limits.drawdownHaltPct {
            controls.haltLatch = .accountDrawdownHalt
            stateChanges.append(StateChange(kind: .accountHalted, reason: .accountDrawdownHalt, atNs: ns,
                                            value: drawdown, limit: limits.drawdownHaltPct))
        }
    }

    // MARK: Deciding

    /// The work on one intent as it moves through the stages.
    struct Work {
        let intent: OrderIntent
        /// The symbol's mark.
        let mark: Double
        /// Entry price: the limit price of a limit intent; for a market intent the mark, or with
        /// a price band its edge on the intent's side (the worst a market order may fill at).
        /// Risk per trade is measured from it.
        let price: Double
        /// Price the budgets value the quantity at: the mark, or a higher entry price. The book
        /// values exposure at the mark, so a limit far below it must not buy more units than the
        /// budget holds once valued.
        let budgetPrice: Double
        /// +1 buy, −1 sell.
        let direction: Double
        /// The strategy's filled position, signed units.
        let filledPosition: Double
        /// The position the risk-increasing part builds on, units: the largest the strategy could
        /// hold in the intent's direction if its pending orders on that side fill.
        let sameSideBase: Double
        /// Part of the quantity that shrinks the filled position, net of pending orders already
        /// reducing it (always allowed but for the kill switch).
        let reducing: Double
        /// Risk-increasing part still allowed.
        var increasing: Double
        /// The rule that stopped the risk-increasing part, if one did.
        var blockedBy: ReasonCode?
        /// The reshape that cut the most, and by how much.
        var largestCut: (code: ReasonCode, amount: Double)?

        var quantity: Double { reducing + increasing }
    }

    /// The part of `intent` that reduces its strategy's filled position (units): only what is
    /// filled and not already being taken away by pending orders on the intent's side. A sell
    /// against an unfilled buy is not reducing: if the buy is cancelled the sell opens a short.
    public func reducingPart(of intent: OrderIntent) -> Double {
        Self.reducing(intent.quantity, side: intent.side,
                      filled: book.position(strategy: intent.strategyID, symbol: intent.symbolID),
                      pending: book.pendingOrders(strategy: intent.strategyID, symbol: intent.symbolID))
    }

    /// `reducingPart` from the filled position and pending orders already read.
    static func reducing(_ quantity: Double, side: Side, filled: Double, pending: (buy: Double, sell: Double)) -> Double {
        guard filled != 0 && (filled > 0) != (side == .buy) else { return 0 }
        let alreadyReducing = filled > 0 ? pending.sell : pending.buy
        return min(quantity, max(0, abs(filled) - alreadyReducing))
    }

    /// The symbol's `max_quantity` for one order, units (+∞ without one): what the host's own
    /// orders (the breach unwind) are split to.
    public func maxOrderQuantity(symbol: UInt32) -> Double { maxOrderQuantity[Int(symbol) - 1] }

    /// Decides `intent` at event time `ns`. The intent's fields must already be valid (the host
    /// checks them); the symbol must have a mark. On APPROVE or RESHAPE the final quantity is
    /// booked as pending at once, so the next intent sees it.
    ///
    /// `resting`: the live order of the host's resting on the other side that the intent would
    /// trade against (self-trade prevention; the engine finds it, nil: none or not looked for).
    /// When the decision lets something through against one, `selfTradeCancelDue` is set: the
    /// caller cancels the resting orders it crosses before sending it.
    ///
    /// `isolation`: the strategy is past its fair share of the audit queue or of the loop's time
    /// (strategy isolation; the host measures it, nil: within its share or not measured).
    ///
    /// `orderRateAt`: the time the order-rate buckets count in, ns: a live host's wall clock
    /// (nil: the event time `ns`, as in a replay). Every other window of the chain is event time.
    public mutating func decide(_ intent: OrderIntent, decisionID: UInt64, at ns: Int64,
                                resting: RestingOrder? = nil, isolation: IsolationBlock? = nil,
                                orderRateAt: Int64? = nil) -> Decision {
        trace.removeAll(keepingCapacity: true)
        selfTradeCancelDue = false
        book.advanceClock(to: ns)
        let strategy = intent.strategyID, symbol = intent.symbolID
        let mark = book.mark(symbol)
        let filled = book.position(strategy: strategy, symbol: symbol)
        let pending = book.pendingOrders(strategy: strategy, symbol: symbol)
        let direction = intent.side.sign
        let reducing = Self.reducing(intent.quantity, side: intent.side, filled: filled, pending: pending)
        let sameSideBase = direction > 0 ? max(0, filled + pending.buy) : max(0, pending.sell - filled)
        let entry = Self.entryPrice(of: intent, mark: mark, bandPct: limits.priceBandPct)
        var work = Work(
            intent: intent, mark: mark, price: entry, budgetPrice: max(mark, entry), direction: direction,
            filledPosition: filled, sameSideBase: sameSideBase, reducing: reducing, increasing: intent.quantity - reducing)

        func reject(_ code: ReasonCode, stage: RiskStage, details: (Double, Double, Double, Double) = (0, 0, 0, 0)) -> Decision {
            note(stage, code, quantityIn: intent.quantity, quantityOut: 0, details: details)
            return Decision(decisionID: decisionID, strategyID: strategy, clientID: intent.clientID, symbolID: symbol,
                            verdict: .reject, reason: code, requestedQuantity: intent.quantity, finalQuantity: 0, timestampNs: ns)
        }

        // The operator's block stops everything, reducing intents included.
        if controls.killSwitch { return reject(.killSwitchActive, stage: .portfolioGuard) }
        if mark <= 0 { return reject(.noMarketData, stage: .portfolioGuard) }
        // A price or size no real order has: refused whole, exits included.
        if let refusal = orderRefusal(intent, mark: mark, budgetPrice: work.budgetPrice, at: ns) {
            return reject(refusal.code, stage: .firewall, details: refusal.details)
        }
        if intent.reduceOnly && work.increasing > 0 {
            if work.reducing == 0 { return reject(.reduceOnlyNothingToReduce, stage: .portfolioGuard) }
            let requested = work.increasing
            work.increasing = 0
            cut(&work, .reduceOnlyTrimmed, amount: requested, stage: .portfolioGuard, quantityIn: intent.quantity,
                details: (intent.quantity, work.reducing, 0, 0))
        }

        firewall(&work, at: ns)
        isolate(&work, isolation)
        preventSelfTrade(&work, resting: resting)
        throttle(&work, at: orderRateAt ?? ns)
        portfolioGuard(&work, at: ns)
        correlationSizer(&work)
        cooldown(&work)
        decayDetector(&work)

        // Untouched, the intent keeps its exact quantity (reducing + increasing can differ from it
        // by rounding).
        // New risk smaller than the venue's minimum is dropped; what reduces a position passes at
        // any size (the exit of a small position must stay possible).
        let minimum = minOrderQuantity[Int(symbol) - 1] > 0 ? minOrderQuantity[Int(symbol) - 1] : limits.minOrderNotionalUSD / work.price
        var belowMinimum = false
        if work.increasing > 0 && work.increasing < minimum * (1 - 1e-12) {
            let before = work.quantity
            let dropped = work.increasing
            work.increasing = 0
            belowMinimum = true
            note(.execution, .belowMinOrderSize, quantityIn: before, quantityOut: work.quantity, details: (dropped, minimum, 0, 0))
        }
        var cutOrBlocked = work.blockedBy != nil || work.largestCut != nil || belowMinimum
        var final = cutOrBlocked ? min(work.quantity, intent.quantity) : intent.quantity
        // Whole lots only, rounded down so no cap is passed; new risk that rounding took below
        // the minimum is dropped as above.
        var lotRounded = false
        let rounded = roundToLot(final, symbol: symbol)
        if rounded < final {
            note(.execution, .lotSizeRounded, quantityIn: final, quantityOut: rounded, details: (final, lotSize[Int(symbol) - 1], rounded, 0))
            lotRounded = true
            cutOrBlocked = true
            final = rounded
            let increasingLeft = final - min(final, work.reducing)
            if increasingLeft > 0 && increasingLeft < minimum * (1 - 1e-12) {
                let before = final
                final = roundToLot(min(final, work.reducing), symbol: symbol)
                belowMinimum = true
                note(.execution, .belowMinOrderSize, quantityIn: before, quantityOut: final, details: (increasingLeft, minimum, 0, 0))
            }
            work.increasing = final - min(final, work.reducing)
        }
        // The primary reason: the block; else the minimum size, which removed what the budgets and
        // factors had left; else the reshape that cut the most; else the lot rounding.
        let reason = work.blockedBy ?? (belowMinimum ? .belowMinOrderSize : (work.largestCut?.code ?? (lotRounded ? .lotSizeRounded : .none)))
        if final <= 0 {
            return Decision(decisionID: decisionID, strategyID: strategy, clientID: intent.clientID, symbolID: symbol,
                            verdict: .reject, reason: reason, requestedQuantity: intent.quantity, finalQuantity: 0, timestampNs: ns)
        }
        cancelSelfTradeResting(resting, price: work.price, final: final)
        let reshaped = cutOrBlocked && final < intent.quantity
        book.addPending(strategy: strategy, symbol: symbol, quantity: direction * final)
        heldMarkFloorNs = min(heldMarkFloorNs, book.markTime(symbol))
        if duplicateWindowNs != nil { orderFlow.record(intent, decisionID: decisionID, at: ns) }
        if work.increasing > 0 { book.countTrade(strategy: strategy) }
        return Decision(decisionID: decisionID, strategyID: strategy, clientID: intent.clientID, symbolID: symbol,
                        verdict: reshaped ? .reshape : .approve,
                        reason: reshaped ? reason : .none,
                        requestedQuantity: intent.quantity, finalQuantity: final, timestampNs: ns)
    }

    /// Records what a stage did.
    mutating func note(_ stage: RiskStage, _ code: ReasonCode, quantityIn: Double, quantityOut: Double,
                       factor: Double = 1, details: (Double, Double, Double, Double) = (0, 0, 0, 0)) {
        trace.append(StageNote(stage: stage, code: code, quantityIn: quantityIn, quantityOut: quantityOut,
                               factor: factor, details: details))
    }

    /// Stops the risk-increasing part for `code` (the reducing part still passes).
    mutating func block(_ work: inout Work, _ code: ReasonCode, stage: RiskStage,
                        details: (Double, Double, Double, Double) = (0, 0, 0, 0)) {
        let before = work.quantity
        work.increasing = 0
        work.blockedBy = code
        note(stage, code, quantityIn: before, quantityOut: work.quantity, details: details)
    }

    /// Records a reshape that removed `amount` units, keeping the largest one as the primary reason.
    mutating func cut(_ work: inout Work, _ code: ReasonCode, amount: Double, stage: RiskStage, quantityIn: Double,
                      factor: Double = 1, details: (Double, Double, Double, Double)) {
        if amount > (work.largestCut?.amount ?? 0) { work.largestCut = (code, amount) }
        note(stage, code, quantityIn: quantityIn, quantityOut: work.quantity, factor: factor, details: details)
    }

    /// Records a stage that let the intent through unchanged.
    mutating func pass(_ work: Work, stage: RiskStage) {
        note(stage, .none, quantityIn: work.quantity, quantityOut: work.quantity)
    }
}
