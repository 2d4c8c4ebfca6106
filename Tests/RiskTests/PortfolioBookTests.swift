import Foundation
import Testing
@testable import Risk

/// The book the stages read: positions at average cost, realized and unrealized PnL after fees,
/// equity and its peak, pending orders in exposure, live and shadow kept apart, all as running
/// aggregates.
@Suite("PortfolioBook")
struct PortfolioBookTests {
    static let t0 = Fixture.day0
    static func at(_ seconds: Double) -> Int64 { Fixture.at(seconds: seconds) }

    /// 100,000 of account equity; strategy 1 live (50,000), 2 live (30,000), 3 shadow (20,000).
    static func book(symbols: Int = 4, price: Double = 100) -> PortfolioBook {
        var book = PortfolioBook(startingEquityUSD: 100_000,
                                 strategies: [(.live, 50_000), (.live, 30_000), (.shadow, 20_000)], symbolCount: symbols)
        for s in 1...UInt32(symbols) { book.updateMark(symbol: s, price: price, at: t0) }
        return book
    }

    // MARK: Fills and PnL

    @Test func fillsAverageTheEntryPriceAndRealizeOnlyWhatTheyClose() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 0, at: Self.at(1))
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 110, feeUSD: 0, at: Self.at(2))
        #expect(book.position(strategy: 1, symbol: 1) == 20)
        #expect(book.averagePrice(strategy: 1, symbol: 1) == 105)
        #expect(book.liveRealizedUSD == 0)
        // Mark 100: the long is 100 below its 2,100 cost.
        #expect(abs(book.liveUnrealizedUSD + 100) < 1e-9)

        let partial = book.applyFill(strategy: 1, symbol: 1, side: .sell, quantity: 5, price: 120, feeUSD: 0, at: Self.at(3))
        #expect(partial == nil)
        #expect(book.position(strategy: 1, symbol: 1) == 15)
        #expect(book.averagePrice(strategy: 1, symbol: 1) == 105)  // a reduction does not move the average
        #expect(abs(book.liveRealizedUSD - 75) < 1e-9)
        #expect(abs(book.strategy(1).realizedUSD - 75) < 1e-9)
        #expect(abs(book.realizedUSD(strategy: 1, symbol: 1) - 75) < 1e-9)

        book.updateMark(symbol: 1, price: 120, at: Self.at(4))
        #expect(abs(book.liveUnrealizedUSD - 225) < 1e-9)
        #expect(abs(book.unrealizedUSD(strategy: 1) - 225) < 1e-9)
        #expect(abs(book.equityUSD - 100_300) < 1e-9)
        #expect(abs(book.equityUSD(strategy: 1) - 50_300) < 1e-9)
        #expect(abs(book.equityUSD(strategy: 2) - 30_000) < 1e-9)
    }

    @Test func feesAreRealizedLossesOnEveryFillOpeningOrClosing() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 1.5, at: Self.at(1))
        #expect(book.liveRealizedUSD == -1.5)
        #expect(book.equityUSD == 100_000 - 1.5)
        book.applyFill(strategy: 1, symbol: 1, side: .sell, quantity: 10, price: 100, feeUSD: 1.5, at: Self.at(2))
        #expect(book.liveRealizedUSD == -3)
        #expect(book.strategy(1).realizedUSD == -3)
        #expect(book.equityUSD(strategy: 1) == 50_000 - 3)
        #expect(book.liveUnrealizedUSD == 0)
    }

    @Test func aFillAwayFromTheMarkMovesEquityByTheDifference() {
        var book = Self.book()
        book.updateMark(symbol: 1, price: 110, at: Self.at(1))
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 112, feeUSD: 0, at: Self.at(2))
        #expect(abs(book.equityUSD - (100_000 - 20)) < 1e-9)  // bought 2 above the mark
        book.applyFill(strategy: 1, symbol: 1, side: .sell, quantity: 10, price: 105, feeUSD: 0, at: Self.at(3))
        #expect(abs(book.liveRealizedUSD + 70) < 1e-9)
        #expect(abs(book.liveUnrealizedUSD) < 1e-9)
        #expect(abs(book.equityUSD - (100_000 - 70)) < 1e-9)
    }

    @Test func equityPeakAndDrawdownFollowTheMarks() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 100, price: 100, feeUSD: 0, at: Self.at(1))
        book.updateMark(symbol: 1, price: 150, at: Self.at(2))
        #expect(book.peakEquityUSD == 105_000)
        #expect(book.drawdownPct == 0)
        book.updateMark(symbol: 1, price: 66, at: Self.at(3))  // equity 96,600: 8,400 below 105,000
        #expect(book.peakEquityUSD == 105_000)
        #expect(abs(book.drawdownPct - 8) < 1e-9)
        book.updateMark(symbol: 1, price: 200, at: Self.at(4))
        #expect(book.peakEquityUSD == 110_000)
        #expect(book.drawdownPct == 0)
    }

    @Test func aFillThatCrossesZeroClosesTheRoundTripAndOpensTheRestAtTheFillPrice() throws {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 2, side: .buy, quantity: 10, price: 100, feeUSD: 1, at: Self.at(10))
        let closedFill = book.applyFill(strategy: 1, symbol: 2, side: .sell, quantity: 15, price: 90, feeUSD: 2, at: Self.at(20))
        let closed = try #require(closedFill)
        // The round trip: −100 on the 10 closed, and both fills' fees (the crossing fill's whole fee).
        #expect(closed.strategyID == 1 && closed.symbolID == 2)
        #expect(closed.openedAtNs == Self.at(10) && closed.closedAtNs == Self.at(20))
        #expect(closed.pnlUSD == -103)
        #expect(abs(closed.pnlPct + 10.3) < 1e-12)  // of the 1,000 notional
        #expect(book.position(strategy: 1, symbol: 2) == -5)
        #expect(book.averagePrice(strategy: 1, symbol: 2) == 90)
        #expect(abs(book.liveRealizedUSD + 103) < 1e-9)
        // The new short is marked from its own entry: at a mark of 100 it is 50 under water.
        #expect(abs(book.liveUnrealizedUSD + 50) < 1e-9)
        // And it is a new round trip: closing it reports only its own PnL, from the crossing time.
        let secondFill = book.applyFill(strategy: 1, symbol: 2, side: .buy, quantity: 5, price: 80, feeUSD: 0, at: Self.at(30))
        let second = try #require(secondFill)
        #expect(second.openedAtNs == Self.at(20))
        #expect(second.pnlUSD == 50)
        #expect(abs(second.pnlPct - 50 / 450 * 100) < 1e-12)
        #expect(book.position(strategy: 1, symbol: 2) == 0)
        #expect(book.averagePrice(strategy: 1, symbol: 2) == 0)
    }

    @Test func aClosedTradesPercentIsOfTheLargestNotionalItReachedAfterAllFees() throws {
        var book = Self.book()
        book.applyFill(strategy: 2, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 1, at: Self.at(1))
        book.applyFill(strategy: 2, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 1, at: Self.at(2))
        let partial = book.applyFill(strategy: 2, symbol: 1, side: .sell, quantity: 5, price: 110, feeUSD: 0.5, at: Self.at(3))
        #expect(partial == nil)
        let tradeFill = book.applyFill(strategy: 2, symbol: 1, side: .sell, quantity: 15, price: 105, feeUSD: 1.5, at: Self.at(4))
        let trade = try #require(tradeFill)
        #expect(abs(trade.pnlUSD - 121) < 1e-9)   // 5 × 10 + 15 × 5 − 4 of fees
        #expect(abs(trade.pnlPct - 6.05) < 1e-9)  // of 2,000, the largest notional
        #expect(trade.openedAtNs == Self.at(1) && trade.closedAtNs == Self.at(4))

        // Adding at a higher price after a partial close: the largest notional is 15 × 113.33 = 1,700.
        book.applyFill(strategy: 2, symbol: 3, side: .buy, quantity: 10, price: 100, feeUSD: 0, at: Self.at(5))
        book.applyFill(strategy: 2, symbol: 3, side: .sell, quantity: 5, price: 110, feeUSD: 0, at: Self.at(6))
        book.applyFill(strategy: 2, symbol: 3, side: .buy, quantity: 10, price: 120, feeUSD: 0, at: Self.at(7))
        let secondFill = book.applyFill(strategy: 2, symbol: 3, side: .sell, quantity: 15, price: 120, feeUSD: 0, at: Self.at(8))
        let second = try #require(secondFill)
        #expect(abs(second.pnlUSD - 150) < 1e-9)
        #expect(abs(second.pnlPct - 150.0 / 1_700 * 100) < 1e-9)
    }

    @Test func aShortRoundTripGainsWhenThePriceFalls() throws {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .sell, quantity: 4, price: 100, feeUSD: 0, at: Self.at(1))
        book.updateMark(symbol: 1, price: 90, at: Self.at(2))
        #expect(abs(book.liveUnrealizedUSD - 40) < 1e-9)
        let tradeFill = book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 4, price: 90, feeUSD: 0, at: Self.at(3))
        let trade = try #require(tradeFill)
        #expect(trade.pnlUSD == 40 && trade.pnlPct == 10)
        #expect(book.strategy(1).consecutiveLosses == 0)
    }

    // MARK: Pending orders

    @Test func pendingCountsInGrossAsTheLargestPositionItCouldLeave() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 0, at: Self.at(1))
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 10)

        book.addPending(strategy: 1, symbol: 1, quantity: 5)  // adding: 15 if it fills
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 15)
        #expect(book.liveGrossQuantity[0] == 15 && book.liveNetQuantity[0] == 15)
        #expect(book.liveGrossUSD == 1_500 && book.liveGrossUSD(symbol: 1) == 1_500)

        book.releasePending(strategy: 1, symbol: 1, quantity: 5)
        book.addPending(strategy: 1, symbol: 1, quantity: -4)  // reducing: 10 while it has not filled
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 10)
        #expect(book.liveNetQuantity[0] == 6)
        #expect(book.liveGrossUSD == 1_000)

        book.addPending(strategy: 1, symbol: 1, quantity: -21)  // through zero: short 15 if it fills
        #expect(book.pending(strategy: 1, symbol: 1) == -25)
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 15)
        #expect(book.liveNetQuantity[0] == -15)
        #expect(book.liveGrossUSD == 1_500)
        #expect(book.grossUSD(strategy: 1) == 1_500)

        // Gross moves with the mark like a position.
        book.updateMark(symbol: 1, price: 110, at: Self.at(2))
        #expect(abs(book.liveGrossUSD - 1_650) < 1e-9)
    }

    /// A pending buy and a pending sell are separate orders: either may fill without the other,
    /// so they never net against each other in exposure.
    @Test func pendingBuysAndSellsAreKeptApartAndTheWorstSubsetCounts() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 0, at: Self.at(1))
        book.addPending(strategy: 1, symbol: 1, quantity: 3)
        book.addPending(strategy: 1, symbol: 1, quantity: -25)
        #expect(book.pendingOrders(strategy: 1, symbol: 1) == (buy: 3, sell: 25))
        #expect(book.pending(strategy: 1, symbol: 1) == -22)
        // Only the sell fills: short 15; only the buy: long 13. Netted they would say 12.
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 15)
        #expect(book.liveGrossQuantity[0] == 15)
        #expect(book.liveNetQuantity[0] == -12)
        // Cancelling the sell leaves the buy's worst case.
        book.releasePending(strategy: 1, symbol: 1, quantity: -25)
        #expect(book.pendingOrders(strategy: 1, symbol: 1) == (buy: 3, sell: 0))
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 13)
        // A cancel larger than what is open releases only what is open.
        book.releasePending(strategy: 1, symbol: 1, quantity: 7)
        #expect(book.pendingOrders(strategy: 1, symbol: 1) == (buy: 0, sell: 0))
        #expect(book.liveGrossQuantity[0] == 10 && book.liveNetQuantity[0] == 10)
    }

    @Test func aFillConsumesPendingInItsOwnDirectionOnly() {
        var book = Self.book()
        book.addPending(strategy: 1, symbol: 1, quantity: 8)
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 3, price: 100, feeUSD: 0, at: Self.at(1))
        #expect(book.position(strategy: 1, symbol: 1) == 3 && book.pending(strategy: 1, symbol: 1) == 5)
        #expect(book.grossQuantity(strategy: 1, symbol: 1) == 8)
        // A sell (not the pending buy) leaves the pending buy alone.
        book.applyFill(strategy: 1, symbol: 1, side: .sell, quantity: 1, price: 100, feeUSD: 0, at: Self.at(2))
        #expect(book.position(strategy: 1, symbol: 1) == 2 && book.pending(strategy: 1, symbol: 1) == 5)
        // A fill larger than the pending takes all of it.
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 7, price: 100, feeUSD: 0, at: Self.at(3))
        #expect(book.position(strategy: 1, symbol: 1) == 9 && book.pending(strategy: 1, symbol: 1) == 0)
        #expect(book.liveGrossQuantity[0] == 9)
    }

    @Test func releasingPendingGivesTheExposureBackAndClosesAnEmptySlot() {
        var book = Self.book()
        book.addPending(strategy: 2, symbol: 3, quantity: -6)
        #expect(book.strategy(2).openPositions == 1)
        #expect(book.strategyHeldSymbols[1] == [3])
        #expect(book.heldSymbols == [3])
        #expect(book.liveGrossUSD == 600)

        book.releasePending(strategy: 2, symbol: 3, quantity: -2)  // partly cancelled
        #expect(book.pending(strategy: 2, symbol: 3) == -4)
        #expect(book.liveGrossUSD == 400)

        book.releasePending(strategy: 2, symbol: 3, quantity: -4)
        #expect(book.pending(strategy: 2, symbol: 3) == 0)
        #expect(book.strategy(2).openPositions == 0)
        #expect(book.strategyHeldSymbols[1].isEmpty)
        #expect(book.heldSymbols.isEmpty)
        #expect(book.liveGrossUSD == 0 && book.liveGrossQuantity[2] == 0 && book.liveNetQuantity[2] == 0)

        // Rounding residue below 1e-12 units counts as released.
        book.addPending(strategy: 2, symbol: 3, quantity: 0.3)
        book.releasePending(strategy: 2, symbol: 3, quantity: 0.1)
        book.releasePending(strategy: 2, symbol: 3, quantity: 0.2)
        #expect(book.pending(strategy: 2, symbol: 3) == 0)
        #expect(book.strategy(2).openPositions == 0)
    }

    // MARK: Live and shadow

    @Test func shadowFillsAndOrdersNeverReachTheLiveTotals() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 1, at: Self.at(1))
        let liveGross = book.liveGrossUSD, liveRealized = book.liveRealizedUSD, equity = book.equityUSD

        book.addPending(strategy: 3, symbol: 2, quantity: 50)
        book.applyFill(strategy: 3, symbol: 2, side: .buy, quantity: 50, price: 100, feeUSD: 5, at: Self.at(2))
        book.updateMark(symbol: 2, price: 120, at: Self.at(3))
        let partial = book.applyFill(strategy: 3, symbol: 2, side: .sell, quantity: 20, price: 90, feeUSD: 0, at: Self.at(4))
        #expect(partial == nil)
        book.applyFill(strategy: 3, symbol: 1, side: .sell, quantity: 7, price: 100, feeUSD: 0, at: Self.at(5))

        #expect(book.liveGrossUSD == liveGross)
        #expect(book.liveRealizedUSD == liveRealized)
        #expect(book.equityUSD == equity)
        #expect(book.liveGrossQuantity == [10, 0, 0, 0])
        #expect(book.liveNetQuantity == [10, 0, 0, 0])
        #expect(book.heldSymbols == [1])
        // The shadow strategy's own book has it all.
        #expect(book.strategy(3).realizedUSD == -5 - 20 * 10)
        #expect(Set(book.strategyHeldSymbols[2]) == [1, 2])
        #expect(book.strategy(3).openPositions == 2)
        #expect(abs(book.unrealizedUSD(strategy: 3) - 30 * 20) < 1e-9)
        #expect(abs(book.equityUSD(strategy: 3) - (20_000 - 205 + 600)) < 1e-9)
        #expect(abs(book.grossUSD(strategy: 3) - (30 * 120 + 7 * 100)) < 1e-9)
    }

    // MARK: Clock

    @Test func theUTCDayRolloverResetsDayStartEquityAndTradesToday() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 100, price: 100, feeUSD: 0, at: Self.at(3_600))
        book.countTrade(strategy: 1)
        book.countTrade(strategy: 1)
        book.countTrade(strategy: 2)
        book.updateMark(symbol: 1, price: 90, at: Self.at(80_000))  // −1,000 today
        #expect(book.dayStartEquityUSD == 100_000)
        #expect(abs(book.dailyLossPct - 1) < 1e-9)
        #expect(book.strategy(1).tradesToday == 2 && book.strategy(2).tradesToday == 1)

        book.advanceClock(to: Self.at(86_400 + 1))
        #expect(book.dayIndex == Self.t0 / 86_400_000_000_000 + 1)
        #expect(book.dayStartEquityUSD == 99_000)
        #expect(book.dailyLossPct == 0)
        #expect(book.strategy(1).dayStartEquityUSD == 49_000)
        #expect(book.strategy(2).dayStartEquityUSD == 30_000)
        #expect(book.strategy(1).tradesToday == 0 && book.strategy(2).tradesToday == 0)

        // Within the day nothing resets; the clock never runs backwards.
        book.countTrade(strategy: 1)
        book.updateMark(symbol: 1, price: 85, at: Self.at(86_400 + 7_200))
        book.advanceClock(to: Self.at(100))
        #expect(book.clockNs == Self.at(86_400 + 7_200))
        #expect(book.dayStartEquityUSD == 99_000)
        #expect(book.strategy(1).tradesToday == 1)
        #expect(abs(book.dailyLossPct - 500.0 / 99_000 * 100) < 1e-9)
    }

    /// What the code does: a mark that is the first event of a new UTC day is applied before the
    /// day rolls, so the day starts from equity at that mark (the move since the last tick of the
    /// previous day counts to the previous day).
    @Test func aMarkThatOpensANewDayIsPartOfTheDaysStartingEquity() {
        var book = Self.book()
        book.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 100, price: 100, feeUSD: 0, at: Self.at(60))
        book.updateMark(symbol: 1, price: 95, at: Self.at(86_400 + 5))
        #expect(book.dayStartEquityUSD == 99_500)
        #expect(book.dailyLossPct == 0)
    }

    // MARK: Held-symbol bookkeeping

    @Test func heldSymbolListsFollowOpensAndClosesInAnyOrder() {
        var book = Self.book(symbols: 6)
        for symbol in UInt32(1)...5 {
            book.applyFill(strategy: 1, symbol: symbol, side: .buy, quantity: 1, price: 100, feeUSD: 0, at: Self.at(Double(symbol)))
        }
        book.addPending(strategy: 2, symbol: 6, quantity: -2)
        #expect(Set(book.heldSymbols) == [1, 2, 3, 4, 5, 6])
        #expect(Set(book.strategyHeldSymbols[0]) == [1, 2, 3, 4, 5])
        #expect(book.strategy(1).openPositions == 5)

        // Close from the middle, the front and the back of the list.
        for symbol: UInt32 in [3, 1, 5] {
            book.applyFill(strategy: 1, symbol: symbol, side: .sell, quantity: 1, price: 100, feeUSD: 0, at: Self.at(10))
        }
        #expect(Set(book.heldSymbols) == [2, 4, 6])
        #expect(Set(book.strategyHeldSymbols[0]) == [2, 4])
        #expect(book.strategy(1).openPositions == 2)
        #expect(book.heldSymbols.count == 3 && book.strategyHeldSymbols[0].count == 2)

        // Another strategy in a symbol keeps it held account-wide when one strategy leaves.
        book.applyFill(strategy: 2, symbol: 2, side: .sell, quantity: 1, price: 100, feeUSD: 0, at: Self.at(11))
        book.applyFill(strategy: 1, symbol: 2, side: .sell, quantity: 1, price: 100, feeUSD: 0, at: Self.at(12))
        #expect(Set(book.heldSymbols) == [2, 4, 6])
        #expect(Set(book.strategyHeldSymbols[0]) == [4])
        #expect(Set(book.strategyHeldSymbols[1]) == [2, 6])

        book.applyFill(strategy: 1, symbol: 3, side: .buy, quantity: 1, price: 100, feeUSD: 0, at: Self.at(13))
        #expect(Set(book.heldSymbols) == [2, 3, 4, 6])
        #expect(Set(book.strategyHeldSymbols[0]) == [3, 4])
    }

    // MARK: Running aggregates against a recomputation

    /// An independent book: average cost per (strategy, symbol), pending buys and sells apart,
    /// recomputed totals.
    struct ReferenceBook {
        struct Slot {
            var quantity = 0.0, averagePrice = 0.0, pendingBuy = 0.0, pendingSell = 0.0
            var openedAtNs: Int64 = 0, roundTripPnL = 0.0, roundTripMaxNotional = 0.0, realized = 0.0
            var pending: Double { pendingBuy - pendingSell }

            mutating func addPending(_ quantity: Double) {
                if quantity > 0 { pendingBuy += quantity } else { pendingSell -= quantity }
            }

            /// Takes `quantity` off one side's pending orders (a fill or a cancel), never below 0.
            mutating func takePending(_ side: Side, _ quantity: Double) {
                if side == .buy { pendingBuy = max(0, pendingBuy - quantity); if pendingBuy < 1e-12 { pendingBuy = 0 } }
                else { pendingSell = max(0, pendingSell - quantity); if pendingSell < 1e-12 { pendingSell = 0 } }
            }
        }
        let modes: [BookMode]
        let allocated: [Double]
        let startingEquity: Double
        var slots: [[Slot]]
        var marks: [Double]
        var realized: [Double]
        var losses: [Int]
        var closed: [ClosedTrade] = []
        var peak: Double

        init(startingEquity: Double, strategies: [(mode: BookMode, allocatedCapitalUSD: Double)], symbols: Int) {
            modes = strategies.map(\.mode)
            allocated = strategies.map(\.allocatedCapitalUSD)
            self.startingEquity = startingEquity
            slots = Array(repeating: Array(repeating: Slot(), count: symbols), count: strategies.count)
            marks = Array(repeating: 0, count: symbols)
            realized = Array(repeating: 0, count: strategies.count)
            losses = Array(repeating: 0, count: strategies.count)
            peak = startingEquity
        }

        var live: [Int] { modes.indices.filter { modes[$0] == .live } }
        /// The largest position any subset of the pending orders could leave.
        func gross(_ s: Slot) -> Double { max(abs(s.quantity + s.pendingBuy), abs(s.quantity - s.pendingSell)) }
        var liveGross: Double { live.reduce(0) { t, k in t + slots[k].indices.reduce(0) { $0 + gross(slots[k][$1]) * marks[$1] } } }
        var liveUnrealized: Double { live.reduce(0) { $0 + unrealized(strategy: $1) } }
        var liveRealized: Double { live.reduce(0) { $0 + realized[$1] } }
        var equity: Double { startingEquity + liveRealized + liveUnrealized }
        func unrealized(strategy k: Int) -> Double {
            slots[k].indices.reduce(0) { $0 + slots[k][$1].quantity * (marks[$1] - slots[k][$1].averagePrice) }
        }
        func held(strategy k: Int) -> Set<UInt32> {
            Set(slots[k].indices.filter { slots[k][$0].quantity != 0 || slots[k][$0].pendingBuy != 0 || slots[k][$0].pendingSell != 0 }
                .map { UInt32($0 + 1) })
        }
        var heldLive: Set<UInt32> {
            Set(marks.indices.filter { s in live.contains { gross(slots[$0][s]) > 0 } }.map { UInt32($0 + 1) })
        }

        mutating func notePeak() { peak = max(peak, equity) }

        mutating func mark(_ symbol: Int, _ price: Double) {
            marks[symbol] = price
            notePeak()
        }

        mutating func fill(_ k: Int, _ symbol: Int, _ side: Side, _ quantity: Double, _ price: Double, _ fee: Double, _ ns: Int64) {
            var slot = slots[k][symbol]
            let sign = side.sign
            slot.takePending(side, quantity)
            var pnl = -fee
            if slot.quantity == 0 || slot.quantity * sign > 0 {
                if slot.quantity == 0 { slot.openedAtNs = ns; slot.roundTripPnL = 0; slot.roundTripMaxNotional = 0 }
                let size = abs(slot.quantity) + quantity
                slot.averagePrice = (slot.averagePrice * abs(slot.quantity) + price * quantity) / size
                slot.quantity += sign * quantity
                slot.roundTripPnL += pnl
            } else {
                let closing = min(abs(slot.quantity), quantity)
                pnl += closing * (price - slot.averagePrice) * (slot.quantity > 0 ? 1 : -1)
                slot.roundTripPnL += pnl
                if closing == abs(slot.quantity) {
                    let notional = max(slot.roundTripMaxNotional, abs(slot.quantity) * slot.averagePrice)
                    let trade = ClosedTrade(strategyID: UInt32(k + 1), symbolID: UInt32(symbol + 1), openedAtNs: slot.openedAtNs,
                                            closedAtNs: ns, pnlUSD: slot.roundTripPnL, pnlPct: slot.roundTripPnL / notional * 100)
                    closed.append(trade)
                    losses[k] = trade.pnlUSD < 0 ? losses[k] + 1 : 0
                    let rest = quantity - closing
                    slot.quantity = sign * rest
                    slot.averagePrice = rest > 0 ? price : 0
                    slot.openedAtNs = ns
                    slot.roundTripPnL = 0
                    slot.roundTripMaxNotional = 0
                } else {
                    slot.quantity += sign * quantity
                }
            }
            slot.roundTripMaxNotional = max(slot.roundTripMaxNotional, abs(slot.quantity) * slot.averagePrice)
            slot.realized += pnl
            realized[k] += pnl
            slots[k][symbol] = slot
            notePeak()
        }
    }

    @Test(arguments: [UInt64(11), 12, 13, 14, 15])
    func theRunningAggregatesEqualARecomputationAfterALongRandomSequence(seed: UInt64) {
        let strategies: [(mode: BookMode, allocatedCapitalUSD: Double)] = [(.live, 50_000), (.live, 30_000), (.shadow, 20_000)]
        let symbols = 4
        var book = PortfolioBook(startingEquityUSD: 100_000, strategies: strategies, symbolCount: symbols)
        var reference = ReferenceBook(startingEquity: 100_000, strategies: strategies, symbols: symbols)
        var rng = SplitMix64(seed: seed)
        var ns = Self.t0 + 80_000 * 1_000_000_000  // late in the day: the run crosses several midnights
        for s in 0..<symbols {
            book.updateMark(symbol: UInt32(s + 1), price: 50 * Double(s + 1), at: ns)
            reference.mark(s, 50 * Double(s + 1))
        }
        var problems: [String] = []
        var closedCount = 0, crossings = 0, flats = 0
        func check(_ what: @autoclosure () -> Double, _ expected: @autoclosure () -> Double, _ label: String, _ step: Int) {
            let (a, b) = (what(), expected())
            if abs(a - b) > 1e-6 * max(1, abs(b)) { problems.append("step \(step) \(label): \(a) vs \(b)") }
        }
        for step in 0..<3_000 {
            ns += Int64(rng.uniform(1...600) * 1e9)
            let k = Int(rng.next() % 3), s = Int(rng.next() % UInt64(symbols))
            let strategy = UInt32(k + 1), symbol = UInt32(s + 1)
            let quarters = { (max: UInt64) in Double(1 + rng.next() % max) / 4 }  // exact in binary
            let roll = rng.unit()
            if roll < 0.3 {
                let price = book.mark(symbol) * Foundation.exp(0.01 * rng.gaussian())
                book.updateMark(symbol: symbol, price: price, at: ns)
                reference.mark(s, price)
            } else if roll < 0.55 {
                let quantity = quarters(60) * (rng.next() % 2 == 0 ? 1 : -1)
                book.addPending(strategy: strategy, symbol: symbol, quantity: quantity)
                reference.slots[k][s].addPending(quantity)
            } else if roll < 0.85 {
                let pending = book.pendingOrders(strategy: strategy, symbol: symbol)
                let position = book.position(strategy: strategy, symbol: symbol)
                let side: Side, quantity: Double
                if position != 0 && rng.unit() < 0.2 {  // an exit to flat
                    side = position > 0 ? .sell : .buy
                    quantity = abs(position)
                } else if pending.buy + pending.sell > 0 && rng.unit() < 0.7 {  // (part of) a pending order fills
                    side = pending.sell == 0 || (pending.buy > 0 && rng.next() % 2 == 0) ? .buy : .sell
                    let open = side == .buy ? pending.buy : pending.sell
                    quantity = rng.unit() < 0.5 ? open : min(open, quarters(40))
                } else {
                    side = rng.next() % 2 == 0 ? .buy : .sell
                    quantity = quarters(60)
                }
                let price = book.mark(symbol) * (1 + 0.002 * rng.gaussian())
                let fee = rng.uniform(0...2)
                let before = book.position(strategy: strategy, symbol: symbol)
                let trade = book.applyFill(strategy: strategy, symbol: symbol, side: side, quantity: quantity, price: price, feeUSD: fee, at: ns)
                reference.fill(k, s, side, quantity, price, fee, ns)
                let after = book.position(strategy: strategy, symbol: symbol)
                if before * after < 0 { crossings += 1 }
                if before != 0 && after == 0 { flats += 1 }
                if let trade {
                    closedCount += 1
                    if let expected = reference.closed.last, reference.closed.count == closedCount {
                        if trade.strategyID != expected.strategyID || trade.symbolID != expected.symbolID
                            || trade.openedAtNs != expected.openedAtNs || trade.closedAtNs != expected.closedAtNs {
                            problems.append("step \(step): closed trade \(trade) vs \(expected)")
                        }
                        check(trade.pnlUSD, expected.pnlUSD, "trade pnl", step)
                        check(trade.pnlPct, expected.pnlPct, "trade pnl %", step)
                    } else {
                        problems.append("step \(step): unexpected closed trade \(trade)")
                    }
                } else if reference.closed.count != closedCount {
                    problems.append("step \(step): missing closed trade \(reference.closed.last!)")
                    closedCount = reference.closed.count
                }
            } else if roll < 0.95 {
                let pending = book.pendingOrders(strategy: strategy, symbol: symbol)
                guard pending.buy + pending.sell > 0 else { continue }
                let side: Side = pending.sell == 0 || (pending.buy > 0 && rng.next() % 2 == 0) ? .buy : .sell
                let open = side == .buy ? pending.buy : pending.sell
                // Sometimes more than is open: a late cancel of what already filled releases only the rest.
                let amount = rng.unit() < 0.4 ? open : rng.unit() < 0.2 ? open + quarters(8) : min(open, quarters(20))
                book.releasePending(strategy: strategy, symbol: symbol, quantity: side.sign * amount)
                reference.slots[k][s].takePending(side, amount)
            } else {
                book.advanceClock(to: ns)
            }

            // Every aggregate the stages read, against the reference.
            check(book.liveGrossUSD, reference.liveGross, "live gross", step)
            check(book.liveUnrealizedUSD, reference.liveUnrealized, "live unrealized", step)
            check(book.liveRealizedUSD, reference.liveRealized, "live realized", step)
            check(book.equityUSD, reference.equity, "equity", step)
            check(book.peakEquityUSD, reference.peak, "peak", step)
            for k in 0..<3 {
                let id = UInt32(k + 1)
                check(book.strategy(id).realizedUSD, reference.realized[k], "realized \(id)", step)
                check(book.unrealizedUSD(strategy: id), reference.unrealized(strategy: k), "unrealized \(id)", step)
                check(book.equityUSD(strategy: id), strategies[k].allocatedCapitalUSD + reference.realized[k] + reference.unrealized(strategy: k),
                      "equity \(id)", step)
                let held = reference.held(strategy: k)
                if Set(book.strategyHeldSymbols[k]) != held || book.strategyHeldSymbols[k].count != held.count
                    || book.strategy(id).openPositions != held.count {
                    problems.append("step \(step): held of \(id) \(book.strategyHeldSymbols[k]) vs \(held)")
                }
                if book.strategy(id).consecutiveLosses != reference.losses[k] { problems.append("step \(step): losses of \(id)") }
                for s in 0..<symbols {
                    let slot = reference.slots[k][s]
                    let orders = book.pendingOrders(strategy: id, symbol: UInt32(s + 1))
                    if book.position(strategy: id, symbol: UInt32(s + 1)) != slot.quantity
                        || orders.buy != slot.pendingBuy || orders.sell != slot.pendingSell
                        || book.pending(strategy: id, symbol: UInt32(s + 1)) != slot.pending
                        || book.grossQuantity(strategy: id, symbol: UInt32(s + 1)) != reference.gross(slot) {
                        problems.append("step \(step): position of \(id) in \(s + 1)")
                    }
                    check(book.averagePrice(strategy: id, symbol: UInt32(s + 1)), slot.averagePrice, "average \(id)/\(s + 1)", step)
                    check(book.realizedUSD(strategy: id, symbol: UInt32(s + 1)), slot.realized, "realized \(id)/\(s + 1)", step)
                }
            }
            for s in 0..<symbols {
                let live = reference.live.map { reference.slots[$0][s] }
                if book.liveGrossQuantity[s] != live.reduce(0, { $0 + reference.gross($1) })
                    || book.liveNetQuantity[s] != live.reduce(0, { $0 + $1.quantity + $1.pending }) {
                    problems.append("step \(step): live quantities of \(s + 1)")
                }
            }
            if Set(book.heldSymbols) != reference.heldLive || book.heldSymbols.count != reference.heldLive.count {
                problems.append("step \(step): held \(book.heldSymbols) vs \(reference.heldLive)")
            }
            if problems.count > 20 { break }
        }
        // The sequence exercised what it is meant to.
        #expect(closedCount > 100 && crossings > 30 && flats > 50)
        #expect(book.dayIndex > Self.t0 / 86_400_000_000_000 + 2)
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
    }
}
