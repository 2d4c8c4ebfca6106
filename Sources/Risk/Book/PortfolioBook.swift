/// Live or shadow. Shadow strategies are booked apart and never count in live totals.
public enum BookMode: UInt8, Sendable, Codable {
    case live, shadow
}

/// A round trip that ended: the position went back to flat (or through zero).
public struct ClosedTrade: Sendable, Equatable {
    public var strategyID: UInt32
    public var symbolID: UInt32
    /// Event time the position was opened and closed, ns.
    public var openedAtNs: Int64
    public var closedAtNs: Int64
    /// Realized PnL of the round trip after fees, USD.
    public var pnlUSD: Double
    /// `pnlUSD` as a percentage of the largest notional the position reached.
    public var pnlPct: Double
}

/// Positions, marks and equity: the running aggregates the risk stages read.
///
/// Ids are dense and 1-based (`1...strategyCount`, `1...symbolCount`); storage is flat arrays
/// sized at init, so updates and reads allocate nothing. Aggregates are kept as running sums:
/// account gross, net and unrealized PnL move by `Δmark × quantity` on a mark, and by the
/// changed position on a fill, so no read re-sums strategies.
///
/// Exposure counts approved-but-unfilled orders, buys and sells apart: a strategy's gross quantity
/// in a symbol is `max(|q|, |q + pending buys|, |q − pending sells|)`, the largest position any
/// subset of its pending orders could leave.
public struct PortfolioBook: Sendable, Codable, Equatable {
    public internal(set) var strategyCount: Int
    public let symbolCount: Int

    /// Per (strategy, symbol), index `(strategy - 1) * symbolCount + (symbol - 1)`.
    struct Position: Sendable, Codable, Equatable {
        var quantity = 0.0        // signed units
        var averagePrice = 0.0    // of the open quantity
        var pendingBuy = 0.0      // units of approved buys not yet filled or released (>= 0)
        var pendingSell = 0.0     // units of approved sells not yet filled or released (>= 0)

        /// Net pending, signed units.
        var pending: Double { pendingBuy - pendingSell }
        /// The largest |position| any subset of the pending orders could leave.
        var grossQuantity: Double { max(abs(quantity + pendingBuy), abs(quantity - pendingSell)) }
        /// A position or a pending order exists.
        var isOpen: Bool { quantity != 0 || pendingBuy > 0 || pendingSell > 0 }
        var openedAtNs: Int64 = 0
        var roundTripPnL = 0.0    // realized since the position opened, after fees
        var roundTripMaxNotional = 0.0
        var heldSlot = 0          // position in the strategy's held list + 1, 0 when not open
        var realizedUSD = 0.0     // realized PnL after fees in this symbol since start
    }

    /// Per strategy, index `strategy - 1`.
    public struct Strategy: Sendable, Codable, Equatable {
        public var mode: BookMode
        public var allocatedCapitalUSD: Double
        /// Realized PnL minus fees since start, USD.
        public var realizedUSD = 0.0
        /// High-water mark of the strategy's equity (allocated + realized + unrealized).
        public var peakEquityUSD: Double
        /// Strategy equity at the start of the current UTC day.
        public var dayStartEquityUSD: Double
        /// Risk-increasing intents approved in the current UTC day.
        public var tradesToday = 0
        /// Symbols with a position or a pending order.
        public var openPositions = 0
        /// Consecutive losing closed trades (Cooldown).
        public var consecutiveLosses = 0
    }

    var positions: [Position]
    public internal(set) var strategies: [Strategy]
    /// Per strategy, the symbols it has a position or pending order in (for O(held) scans).
    public internal(set) var strategyHeldSymbols: [[UInt32]]

    /// Per symbol, index `symbol - 1`.
    public private(set) var marks: [Double]
    public private(set) var markTimes: [Int64]
    /// Σ over live strategies of their gross quantity (see the type's note on pending orders), units.
    public private(set) var liveGrossQuantity: [Double]
    /// Σ over live strategies of q + net pending (signed), units: the book's direction per symbol.
    public private(set) var liveNetQuantity: [Double]
    /// liveNetQuantity × mark per symbol, USD, and its magnitude: the exposure vector the
    /// CorrelationSizer reads, kept current on every mark and position change.
    public private(set) var liveNetExposureUSD: [Double]
    public private(set) var liveNetExposureMagnitudeUSD: [Double]
    var liveCostBasis: [Double]   // Σ live q × average price
    var liveFilledQuantity: [Double]  // Σ live q

    /// Symbols with live gross exposure, in no particular order (for O(held) scans).
    public private(set) var heldSymbols: [UInt32] = []
    /// Whether `symbol` has live gross exposure (is in `heldSymbols`).
    public func isHeldLive(_ symbol: UInt32) -> Bool { heldIndex[Int(symbol) - 1] != 0 }
    var heldIndex: [Int]  // position in heldSymbols + 1, 0 when not held

    /// Account.
    public internal(set) var startingEquityUSD: Double
    public internal(set) var liveRealizedUSD = 0.0
    public private(set) var liveUnrealizedUSD = 0.0
    public private(set) var liveGrossUSD = 0.0
    public internal(set) var peakEquityUSD: Double
    public internal(set) var dayStartEquityUSD: Double
    /// UTC day number (days since the epoch) of the event clock.
    public internal(set) var dayIndex: Int64 = .min
    /// Event clock, ns.
    public private(set) var clockNs: Int64 = 0
    /// Highest equity per hour for the last 25 hours (ring indexed by hour % 25), with the hour it belongs to.
    var hourlyPeaks: [Double]
    var hourlyPeakHours: [Int64]
    /// Highest hourly peak of the 24 hours before `earlierHoursPeakHour`, so the rolling check is
    /// O(1) per decision (recomputed once per hour).
    var earlierHoursPeak = -Double.infinity
    var earlierHoursPeakHour: Int64 = .min
    var markUpdatesSinceResum = 0

    public init(startingEquityUSD: Double, strategies: [(mode: BookMode, allocatedCapitalUSD: Double)], symbolCount: Int) {
        self.strategyCount = strategies.count
        self.symbolCount = symbolCount
        self.startingEquityUSD = startingEquityUSD
        self.peakEquityUSD = startingEquityUSD
        self.dayStartEquityUSD = startingEquityUSD
        self.positions = Array(repeating: Position(), count: max(1, strategies.count * symbolCount))
        self.strategies = strategies.map {
            Strategy(mode: $0.mode, allocatedCapitalUSD: $0.allocatedCapitalUSD,
                     peakEquityUSD: $0.allocatedCapitalUSD, dayStartEquityUSD: $0.allocatedCapitalUSD)
        }
        self.strategyHeldSymbols = Array(repeating: [], count: strategies.count)
        self.marks = Array(repeating: 0, count: symbolCount)
        self.markTimes = Array(repeating: 0, count: symbolCount)
        self.liveGrossQuantity = Array(repeating: 0, count: symbolCount)
        self.liveNetQuantity = Array(repeating: 0, count: symbolCount)
        self.liveCostBasis = Array(repeating: 0, count: symbolCount)
        self.liveNetExposureUSD = Array(repeating: 0, count: symbolCount)
        self.liveNetExposureMagnitudeUSD = Array(repeating: 0, count: symbolCount)
        self.liveFilledQuantity = Array(repeating: 0, count: symbolCount)
        self.heldIndex = Array(repeating: 0, count: symbolCount)
        self.heldSymbols.reserveCapacity(symbolCount)
        self.hourlyPeaks = Array(repeating: -.infinity, count: 25)
        self.hourlyPeakHours = Array(repeating: .min, count: 25)
    }

    @inline(__always) func index(_ strategy: UInt32, _ symbol: UInt32) -> Int {
        (Int(strategy) - 1) * symbolCount + Int(symbol) - 1
    }

    // MARK: Reads

    /// Account equity: starting equity + live realized PnL (after fees) + live unrealized PnL, USD.
    public var equityUSD: Double { startingEquityUSD + liveRealizedUSD + liveUnrealizedUSD }

    /// Account drawdown from peak, percent (0 at or above the peak).
    public var drawdownPct: Double { peakEquityUSD > 0 ? max(0, (peakEquityUSD - equityUSD) / peakEquityUSD * 100) : 0 }

    /// Loss since the start of the UTC day as a percentage of day-start equity (0 when up).
    public var dailyLossPct: Double { dayStartEquityUSD > 0 ? max(0, (dayStartEquityUSD - equityUSD) / dayStartEquityUSD * 100) : 0 }

    /// Drawdown from the highest hourly equity mark of the last 24 hours, percent.
    public var rolling24hDrawdownPct: Double {
        let hour = Self.hour(of: clockNs)
        var peak = equityUSD
        if earlierHoursPeakHour == hour {
            let slot = Int(((hour % 25) + 25) % 25)
            peak = max(peak, earlierHoursPeak, hourlyPeakHours[slot] == hour ? hourlyPeaks[slot] : -.infinity)
        } else {
            peak = max(peak, peakOfHours(after: hour - 25, through: hour))
        }
        return peak > 0 ? max(0, (peak - equityUSD) / peak * 100) : 0
    }

    /// Highest hourly peak of the hours in `(after, through]`.
    func peakOfHours(after: Int64, through: Int64) -> Double {
        var peak = -Double.infinity
        for slot in 0..<25 where hourlyPeakHours[slot] > after && hourlyPeakHours[slot] <= through {
            peak = max(peak, hourlyPeaks[slot])
        }
        return peak
    }

    /// The strategy's signed position in the symbol, units.
    public func position(strategy: UInt32, symbol: UInt32) -> Double { positions[index(strategy, symbol)].quantity }

    /// The strategy's signed approved-but-unfilled quantity in the symbol, units.
    public func pending(strategy: UInt32, symbol: UInt32) -> Double { positions[index(strategy, symbol)].pending }

    /// The strategy's approved-but-unfilled buys and sells in the symbol, units (each >= 0).
    public func pendingOrders(strategy: UInt32, symbol: UInt32) -> (buy: Double, sell: Double) {
        let p = positions[index(strategy, symbol)]
        return (p.pendingBuy, p.pendingSell)
    }

    /// Whether the strategy has a position or a pending order in the symbol.
    public func isOpen(strategy: UInt32, symbol: UInt32) -> Bool { positions[index(strategy, symbol)].isOpen }

    /// Average entry price of the strategy's open quantity in the symbol (0 when flat).
    public func averagePrice(strategy: UInt32, symbol: UInt32) -> Double { positions[index(strategy, symbol)].averagePrice }

    /// Realized PnL after fees of the strategy in the symbol since start, USD.
    public func realizedUSD(strategy: UInt32, symbol: UInt32) -> Double { positions[index(strategy, symbol)].realizedUSD }

    /// The strategy's book entry.
    public func strategy(_ id: UInt32) -> Strategy { strategies[Int(id) - 1] }

    /// Last mark of the symbol (0 if none) and its event time.
    public func mark(_ symbol: UInt32) -> Double { marks[Int(symbol) - 1] }
    public func markTime(_ symbol: UInt32) -> Int64 { markTimes[Int(symbol) - 1] }

    /// Live gross notional in the symbol, USD (pending orders included).
    public func liveGrossUSD(symbol: UInt32) -> Double { liveGrossQuantity[Int(symbol) - 1] * marks[Int(symbol) - 1] }

    /// A strategy's gross quantity in a symbol: the largest |position| its pending orders could leave.
    public func grossQuantity(strategy: UInt32, symbol: UInt32) -> Double {
        positions[index(strategy, symbol)].grossQuantity
    }

    /// The strategy's unrealized PnL over the symbols it holds, USD. O(symbols it holds).
    public func unrealizedUSD(strategy: UInt32) -> Double {
        var total = 0.0
        let base = (Int(strategy) - 1) * symbolCount - 1
        strategyHeldSymbols[Int(strategy) - 1].withUnsafeBufferPointer { held in
            positions.withUnsafeBufferPointer { positions in
                marks.withUnsafeBufferPointer { marks in
                    for symbol in held {
                        let p = positions[base + Int(symbol)]
                        if p.quantity != 0 { total += p.quantity * (marks[Int(symbol) - 1] - p.averagePrice) }
                    }
                }
            }
        }
        return total
    }

    /// The strategy's equity: allocated capital + realized (after fees) + unrealized, USD.
    public func equityUSD(strategy: UInt32) -> Double {
        let entry = strategies[Int(strategy) - 1]
        return entry.allocatedCapitalUSD + entry.realizedUSD + unrealizedUSD(strategy: strategy)
    }

    /// A strategy's gross notional across its symbols, USD (its own book: live or shadow).
    /// The strategy's drawdown from its high-water mark (the mark raised to `equity` if that is
    /// higher), %, given its `equity` (`equityUSD(strategy:)`, passed in as callers have it):
    /// what the strategy drawdown breaker and its alert measure.
    public func strategyDrawdownPct(_ strategy: UInt32, equity: Double) -> Double {
        let peak = max(strategies[Int(strategy) - 1].peakEquityUSD, equity)
        return peak > 0 ? max(0, (peak - equity) / peak * 100) : 0
    }

    /// The strategy's loss since the start of the UTC day, % of its allocated capital (seed 001),
    /// given its `equity`: what the strategy daily loss limit and its alert measure.
    public func strategyDailyLossPct(_ strategy: UInt32, equity: Double) -> Double {
        let entry = strategies[Int(strategy) - 1]
        return max(0, (entry.dayStartEquityUSD - equity) / entry.allocatedCapitalUSD * 100)
    }

    public func grossUSD(strategy: UInt32) -> Double {
        var total = 0.0
        for symbol in strategyHeldSymbols[Int(strategy) - 1] {
            total += grossQuantity(strategy: strategy, symbol: symbol) * marks[Int(symbol) - 1]
        }
        return total
    }

    // MARK: Clock and marks

    /// Moves the event clock to `ns` (never backwards), rolling the UTC day and the hourly marks.
    public mutating func advanceClock(to ns: Int64) {
        guard ns > clockNs else { return }
        let previousHour = Self.hour(of: clockNs)
        clockNs = ns
        if Self.hour(of: ns) != previousHour && strategyCount > 0 {
            // Hourly equity snapshots raise each strategy's high-water mark (seed 001, layer 3);
            // fills raise it too. O(strategies × symbols held), once per hour of event time.
            for id in 1...UInt32(strategyCount) { updateStrategyPeak(id) }
        }
        let day = ns / 86_400_000_000_000
        if day != dayIndex {
            dayIndex = day
            dayStartEquityUSD = equityUSD
            for id in 1...UInt32(max(strategyCount, 1)) where strategyCount > 0 {
                strategies[Int(id) - 1].dayStartEquityUSD = equityUSD(strategy: id)
                strategies[Int(id) - 1].tradesToday = 0
            }
        }
        recordEquityMark()
    }

    /// Sets the symbol's mark (a price > 0) at event time `ns`, moving equity and gross by the
    /// change in value of what the live book holds.
    public mutating func updateMark(symbol: UInt32, price: Double, at ns: Int64) {
        let i = Int(symbol) - 1
        let old = marks[i]
        marks[i] = price
        markTimes[i] = max(markTimes[i], ns)
        let delta = price - old
        if liveFilledQuantity[i] != 0 { liveUnrealizedUSD += delta * liveFilledQuantity[i] }
        if liveGrossQuantity[i] != 0 { liveGrossUSD += delta * liveGrossQuantity[i] }
        if liveNetQuantity[i] != 0 { setNetExposure(i) }
        markUpdatesSinceResum += 1
        // Running sums drift by rounding; re-add them exactly now and then.
        if markUpdatesSinceResum >= 65_536 { resumAggregates() }
        // Moving the clock records the new equity; otherwise record it here (once either way).
        if ns > clockNs { advanceClock(to: ns) } else { recordEquityMark() }
    }

    mutating func recordEquityMark() {
        let equity = equityUSD
        if equity > peakEquityUSD { peakEquityUSD = equity }
        let hour = Self.hour(of: clockNs)
        let slot = Int(((hour % 25) + 25) % 25)
        if hourlyPeakHours[slot] != hour {
            hourlyPeakHours[slot] = hour
            hourlyPeaks[slot] = equity
        } else if equity > hourlyPeaks[slot] {
            hourlyPeaks[slot] = equity
        }
        if earlierHoursPeakHour != hour {
            earlierHoursPeak = peakOfHours(after: hour - 25, through: hour - 1)
            earlierHoursPeakHour = hour
        }
    }

    static func hour(of ns: Int64) -> Int64 { ns / 3_600_000_000_000 }

    /// Sets the account's peak equity to the current equity (an operator's forced reset).
    public mutating func rebasePeak() {
        peakEquityUSD = equityUSD
    }

    /// Raises strategy peaks to their current equity (call at hourly marks and after fills).
    public mutating func updateStrategyPeak(_ strategy: UInt32) {
        let equity = equityUSD(strategy: strategy)
        if equity > strategies[Int(strategy) - 1].peakEquityUSD { strategies[Int(strategy) - 1].peakEquityUSD = equity }
    }

    // MARK: Orders and fills

    /// Books an approved quantity as pending (signed units), counting it in exposure at once.
    public mutating func addPending(strategy: UInt32, symbol: UInt32, quantity: Double) {
        mutatePosition(strategy: strategy, symbol: symbol) { position in
            if quantity > 0 { position.pendingBuy += quantity } else { position.pendingSell -= quantity }
        }
    }

    /// Releases pending quantity that will not fill (cancel, venue reject, expiry).
    public mutating func releasePending(strategy: UInt32, symbol: UInt32, quantity: Double) {
        mutatePosition(strategy: strategy, symbol: symbol) { position in
            if quantity > 0 {
                position.pendingBuy = max(0, position.pendingBuy - quantity)
                if position.pendingBuy < 1e-12 { position.pendingBuy = 0 }
            } else {
                position.pendingSell = max(0, position.pendingSell + quantity)
                if position.pendingSell < 1e-12 { position.pendingSell = 0 }
            }
        }
    }

    /// Counts an approved risk-increasing intent against the strategy's trades for the day.
    public mutating func countTrade(strategy: UInt32) {
        strategies[Int(strategy) - 1].tradesToday += 1
    }

    /// Applies a fill of `quantity` units (> 0) on `side` at `price`, paying `feeUSD`. Reduces the
    /// matching pending quantity. Returns the round trip it closed, if any.
    @discardableResult
    public mutating func applyFill(
        strategy: UInt32, symbol: UInt32, side: Side, quantity: Double, price: Double, feeUSD: Double, at ns: Int64
    ) -> ClosedTrade? {
        advanceClock(to: ns)
        let signed = side.sign * quantity
        var closed: ClosedTrade?
        // Realized PnL of this fill: its fee, plus the gain or loss on any quantity it closes.
        var fillRealized = -feeUSD
        mutatePosition(strategy: strategy, symbol: symbol) { position in
            // The fill consumes the pending orders on its side.
            if signed > 0 {
                position.pendingBuy = max(0, position.pendingBuy - quantity)
                if position.pendingBuy < 1e-12 { position.pendingBuy = 0 }
            } else {
                position.pendingSell = max(0, position.pendingSell - quantity)
                if position.pendingSell < 1e-12 { position.pendingSell = 0 }
            }
            let old = position.quantity
            if old == 0 || (old > 0) == (signed > 0) {
                // Opening or adding: average the entry price.
                if old == 0 {
                    position.openedAtNs = ns
                    position.roundTripPnL = 0
                    position.roundTripMaxNotional = 0
                }
                let newQuantity = old + signed
                position.averagePrice = (position.averagePrice * abs(old) + price * quantity) / abs(newQuantity)
                position.quantity = newQuantity
                position.roundTripPnL += fillRealized
            } else {
                // Reducing, possibly through zero.
                let closing = min(abs(old), quantity)
                fillRealized += closing * (price - position.averagePrice) * (old > 0 ? 1 : -1)
                position.roundTripPnL += fillRealized
                var newQuantity = old + signed
                if abs(newQuantity) < 1e-12 { newQuantity = 0 }
                if newQuantity == 0 || (newQuantity > 0) != (old > 0) {
                    let notional = max(position.roundTripMaxNotional, abs(old) * position.averagePrice)
                    closed = ClosedTrade(
                        strategyID: strategy, symbolID: symbol, openedAtNs: position.openedAtNs, closedAtNs: ns,
                        pnlUSD: position.roundTripPnL,
                        pnlPct: notional > 0 ? position.roundTripPnL / notional * 100 : 0)
                    position.roundTripPnL = 0
                    position.roundTripMaxNotional = 0
                    // Through zero, the remainder opens a new round trip at the fill price.
                    position.averagePrice = newQuantity == 0 ? 0 : price
                    position.openedAtNs = ns
                }
                position.quantity = newQuantity
            }
            position.roundTripMaxNotional = max(position.roundTripMaxNotional, abs(position.quantity) * position.averagePrice)
        }
        positions[index(strategy, symbol)].realizedUSD += fillRealized
        strategies[Int(strategy) - 1].realizedUSD += fillRealized
        if strategies[Int(strategy) - 1].mode == .live { liveRealizedUSD += fillRealized }
        if let closed {
            // Cooldown's counter: a losing round trip extends the streak, any other ends it.
            if closed.pnlUSD < 0 {
                strategies[Int(strategy) - 1].consecutiveLosses += 1
            } else {
                strategies[Int(strategy) - 1].consecutiveLosses = 0
            }
        }
        updateStrategyPeak(strategy)
        recordEquityMark()
        return closed
    }

    /// Applies `change` to a position and moves every aggregate that depends on it.
    mutating func mutatePosition(strategy: UInt32, symbol: UInt32, _ change: (inout Position) -> Void) {
        let i = index(strategy, symbol)
        let s = Int(symbol) - 1
        let before = positions[i]
        change(&positions[i])
        let after = positions[i]
        let wasOpen = before.isOpen
        let isOpen = after.isOpen
        if wasOpen != isOpen {
            strategies[Int(strategy) - 1].openPositions += isOpen ? 1 : -1
            updateStrategyHeld(strategy: strategy, symbol: symbol, isOpen: isOpen)
        }
        guard strategies[Int(strategy) - 1].mode == .live else { return }
        let grossBefore = before.grossQuantity
        let grossAfter = after.grossQuantity
        liveGrossQuantity[s] += grossAfter - grossBefore
        if abs(liveGrossQuantity[s]) < 1e-12 { liveGrossQuantity[s] = 0 }
        liveGrossUSD += (grossAfter - grossBefore) * marks[s]
        liveNetQuantity[s] += (after.quantity + after.pending) - (before.quantity + before.pending)
        if abs(liveNetQuantity[s]) < 1e-12 { liveNetQuantity[s] = 0 }
        setNetExposure(s)
        liveFilledQuantity[s] += after.quantity - before.quantity
        liveCostBasis[s] += after.quantity * after.averagePrice - before.quantity * before.averagePrice
        // Unrealized of this symbol = mark × filled − cost basis; recompute its share exactly.
        liveUnrealizedUSD += (after.quantity * (marks[s] - after.averagePrice)) - (before.quantity * (marks[s] - before.averagePrice))
        updateHeld(symbol)
    }

    mutating func updateStrategyHeld(strategy: UInt32, symbol: UInt32, isOpen: Bool) {
        let i = index(strategy, symbol)
        let s = Int(strategy) - 1
        if isOpen {
            strategyHeldSymbols[s].append(symbol)
            positions[i].heldSlot = strategyHeldSymbols[s].count
        } else if positions[i].heldSlot != 0 {
            let slot = positions[i].heldSlot - 1
            let last = strategyHeldSymbols[s].removeLast()
            if slot < strategyHeldSymbols[s].count {
                strategyHeldSymbols[s][slot] = last
                positions[index(strategy, last)].heldSlot = slot + 1
            }
            positions[i].heldSlot = 0
        }
    }

    @inline(__always) mutating func setNetExposure(_ s: Int) {
        let exposure = liveNetQuantity[s] * marks[s]
        liveNetExposureUSD[s] = exposure
        liveNetExposureMagnitudeUSD[s] = abs(exposure)
    }

    mutating func updateHeld(_ symbol: UInt32) {
        let s = Int(symbol) - 1
        let held = liveGrossQuantity[s] > 0
        if held && heldIndex[s] == 0 {
            heldSymbols.append(symbol)
            heldIndex[s] = heldSymbols.count
        } else if !held && heldIndex[s] != 0 {
            let position = heldIndex[s] - 1
            let last = heldSymbols.removeLast()
            if position < heldSymbols.count {
                heldSymbols[position] = last
                heldIndex[Int(last) - 1] = position + 1
            }
            heldIndex[s] = 0
        }
    }

    /// Re-adds gross and unrealized exactly from the per-symbol sums (O(symbols)).
    mutating func resumAggregates() {
        markUpdatesSinceResum = 0
        var gross = 0.0, unrealized = 0.0
        for s in 0..<symbolCount {
            gross += liveGrossQuantity[s] * marks[s]
            unrealized += liveFilledQuantity[s] * marks[s] - liveCostBasis[s]
        }
        liveGrossUSD = gross
        liveUnrealizedUSD = unrealized
    }
}
