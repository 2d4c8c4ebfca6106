import Testing
@testable import Risk

@Suite("PortfolioGuard")
struct PortfolioGuardTests {
    @Test func seed004ReshapesAFourteenThousandEntryToTheTwelveThousandLeftUnderTheAggregateCap() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50  // 50,000 on 100,000 of equity
        var chain = Fixture.chain(limits: limits)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 38, price: 1_000)  // 38,000 used
        #expect(chain.book.liveGrossUSD == 38_000)
        let decision = chain.decide(Fixture.intent(symbol: 1, quantity: 14), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reshape)
        #expect(decision.reason == .aggregateNotionalReshape)
        #expect(abs(decision.finalQuantity - 12) < 1e-9)
        let note = chain.trace.first { $0.code == .aggregateNotionalReshape }
        #expect(note?.rendered == "AGGREGATE_NOTIONAL_RESHAPE: cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000")
    }

    @Test(arguments: [false, true])
    func withCapsFollowingEquityAStrategy18PercentDownRisks18PercentLessPerTrade(follow: Bool) {
        var limits = Fixture.looseLimits()
        limits.strategyMaxRiskPerTradePct = 2     // 2,000 of 100,000
        limits.strategyCapsFollowEquity = follow
        // Out of the way of an 18 % loss: the account and strategy loss limits.
        limits.drawdownHaltPct = 100; limits.drawdownBufferPct = 0; limits.rolling24hDrawdownPct = 100
        limits.accountDailyLossPct = 100; limits.strategyDailyLossPct = 100; limits.strategyDrawdownPct = 100
        var chain = Fixture.chain(limits: limits, equity: 400_000)
        // 100 units bought at 1,000 and sold at 820: 18,000 lost, strategy equity 82,000.
        Fixture.roundTrip(&chain, strategy: 1, symbol: 2, quantity: 100, entry: 1_000, exit: 820)
        #expect(chain.book.equityUSD(strategy: 1) == 82_000)
        // Stop 40 below: 50 units at 2,000 of risk, or 41 at 1,640 (2 % of 82,000).
        let decision = chain.decide(Fixture.intent(quantity: 300, stop: 960), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .riskPerTradeReshape)
        #expect(abs(decision.finalQuantity - (follow ? 41 : 50)) < 1e-9)
        // The position cap too (100 % here): 100,000 or 82,000 of AAA, 100 or 82 units.
        let position = chain.decide(Fixture.intent(client: 2, symbol: 4, quantity: 300, stop: 999.9), decisionID: 2, at: Fixture.day0)
        #expect(position.reason == .strategyPositionReshape)
        #expect(abs(position.finalQuantity - (follow ? 82 : 100)) < 1e-9)
        // Gains never raise the caps past the allocation: strategy 2, up 10 %, keeps 2,000.
        Fixture.roundTrip(&chain, strategy: 2, symbol: 3, quantity: 100, entry: 1_000, exit: 1_100)
        let up = chain.decide(Fixture.intent(strategy: 2, quantity: 300, stop: 960), decisionID: 3, at: Fixture.day0)
        #expect(abs(up.finalQuantity - 50) < 1e-9)
    }

    @Test func nothingLeftUnderTheAggregateCapRejects() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        var chain = Fixture.chain(limits: limits)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 50, price: 1_000)
        let decision = chain.decide(Fixture.intent(quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject)
        #expect(decision.reason == .aggregateNotionalExhausted)
    }

    @Test func anAbsoluteGrossCapAppliesWhenSmallerThanThePercentage() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        limits.maxGrossUSD = 20_000
        var chain = Fixture.chain(limits: limits)
        let decision = chain.decide(Fixture.intent(quantity: 30), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .aggregateNotionalReshape)
        #expect(abs(decision.finalQuantity - 20) < 1e-9)
    }

    @Test func thePerSymbolCapReshapesToTheSymbolsRemainingBudget() {
        var limits = Fixture.looseLimits()
        limits.maxSymbolPctOfEquity = 25
        var chain = Fixture.chain(limits: limits)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: 1_000)
        let decision = chain.decide(Fixture.intent(symbol: 1, quantity: 10), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .symbolNotionalReshape)
        #expect(abs(decision.finalQuantity - 5) < 1e-9)
    }

    @Test func aClusterCapCountsEveryMemberSymbol() {
        var limits = Fixture.looseLimits()
        limits.clusters = [.init(name: "majors", symbols: ["AAA", "BBB"], maxPctOfEquity: 30)]
        var chain = Fixture.chain(limits: limits)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 25, price: 1_000)
        let inside = chain.decide(Fixture.intent(symbol: 1, quantity: 10), decisionID: 1, at: Fixture.day0)
        #expect(inside.reason == .clusterNotionalReshape)
        #expect(abs(inside.finalQuantity - 5) < 1e-9)
        let outside = chain.decide(Fixture.intent(client: 2, symbol: 3, quantity: 10), decisionID: 2, at: Fixture.day0)
        #expect(outside.verdict == .approve)
    }

    @Test func theSmallestRemainingBudgetBinds() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        limits.maxSymbolPctOfEquity = 10
        var chain = Fixture.chain(limits: limits)
        let decision = chain.decide(Fixture.intent(quantity: 30), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .symbolNotionalReshape)
        #expect(abs(decision.finalQuantity - 10) < 1e-9)
    }

    @Test func approvedButUnfilledOrdersCountAgainstTheCaps() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        var chain = Fixture.chain(limits: limits)
        let decision1 = chain.decide(Fixture.intent(client: 1, quantity: 40), decisionID: 1, at: Fixture.day0)
        #expect(decision1.verdict == .approve)
        let second = chain.decide(Fixture.intent(client: 2, symbol: 2, quantity: 40), decisionID: 2, at: Fixture.day0)
        #expect(abs(second.finalQuantity - 10) < 1e-9)
    }

    @Test func theStrategyMaximumPositionIsAQuarterOfItsCapital() {
        var limits = Fixture.looseLimits()
        limits.strategyMaxPositionPct = 25
        var chain = Fixture.chain(limits: limits, strategies: [(.live, 40_000)])
        let decision = chain.decide(Fixture.intent(quantity: 20), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .strategyPositionReshape)
        #expect(abs(decision.finalQuantity - 10) < 1e-9)  // 25 % of 40,000 = 10,000 = 10 units
    }

    @Test func riskPerTradeLimitsTheLossAtTheStop() {
        var limits = Fixture.looseLimits()
        limits.strategyMaxRiskPerTradePct = 2
        var chain = Fixture.chain(limits: limits, strategies: [(.live, 50_000)])
        // 2 % of 50,000 = 1,000 at risk; stop 50 below the price allows 20 units.
        let decision = chain.decide(Fixture.intent(quantity: 30, stop: 950), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .riskPerTradeReshape)
        #expect(abs(decision.finalQuantity - 20) < 1e-9)
    }

    @Test func aRiskIncreasingIntentWithoutAStopIsRejected() {
        var chain = Fixture.chain()
        let decision = chain.decide(Fixture.intent(quantity: 1, stop: 0), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject)
        #expect(decision.reason == .stopLossRequired)
    }

    @Test(arguments: [(Side.buy, 1_000.0), (.buy, 1_010.0), (.sell, 1_000.0), (.sell, 990.0)])
    func aStopOnTheWrongSideIsRejected(side: Side, stop: Double) {
        var chain = Fixture.chain()
        let decision = chain.decide(Fixture.intent(side: side, quantity: 1, stop: stop), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .stopLossWrongSide)
    }

    @Test func aReducingIntentNeedsNoStop() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        let decision = chain.decide(Fixture.intent(side: .sell, quantity: 5, stop: 0), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .approve)
    }

    @Test func crossingThroughZeroOnlyTheNewPartIsLimited() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        // Sell 8 while long 5 without a stop: the 5 that close pass, the 3 that open a short do not.
        let decision = chain.decide(Fixture.intent(side: .sell, quantity: 8, stop: 0), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reshape)
        #expect(decision.reason == .stopLossRequired)
        #expect(decision.finalQuantity == 5)
    }

    @Test func aStaleMarkRejectsNewRiskButNotAnExit() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 2, quantity: 5, price: 1_000)
        chain.updateMark(symbol: 1, price: 1_000, at: Fixture.at(seconds: 120))  // symbol 2 is now 120 s old
        let entry = chain.decide(Fixture.intent(symbol: 2, quantity: 1), decisionID: 1, at: Fixture.at(seconds: 120))
        #expect(entry.reason == .staleMarketData)
        let exit = chain.decide(Fixture.intent(client: 2, symbol: 2, side: .sell, quantity: 5), decisionID: 2, at: Fixture.at(seconds: 120))
        #expect(exit.verdict == .approve)
    }

    @Test func theKillSwitchRefusesEvenAReducingIntent() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        chain.setKillSwitch(true)
        let decision = chain.decide(Fixture.intent(side: .sell, quantity: 5), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject)
        #expect(decision.reason == .killSwitchActive)
    }

    @Test func anUnavailableJournalRefusesNewRiskButNotAnExit() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        chain.setJournalUnavailable(true)
        let entry = chain.decide(Fixture.intent(client: 1, symbol: 2, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(entry.verdict == .reject && entry.reason == .journalUnavailable)
        let exit = chain.decide(Fixture.intent(client: 2, symbol: 1, side: .sell, quantity: 5), decisionID: 2, at: Fixture.day0)
        #expect(exit.verdict == .approve)
        chain.setJournalUnavailable(false)
        let again = chain.decide(Fixture.intent(client: 3, symbol: 2, quantity: 1), decisionID: 3, at: Fixture.day0)
        #expect(again.verdict == .approve)
    }

    @Test func anOrderOfUnknownStateRefusesNewRiskInItsSymbolOnlyUntilReconciled() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        chain.adjustUnknownOrders(strategy: 1, symbol: 1, by: 1)
        let more = chain.decide(Fixture.intent(client: 1, symbol: 1, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(more.verdict == .reject && more.reason == .orderStateUnknown)
        #expect(chain.trace.first?.renderedDetail == "unknown_orders=1")
        // Another symbol, and an exit of the same symbol, are not blocked.
        let other = chain.decide(Fixture.intent(client: 2, symbol: 2, quantity: 1), decisionID: 2, at: Fixture.day0)
        #expect(other.verdict == .approve)
        let exit = chain.decide(Fixture.intent(client: 3, symbol: 1, side: .sell, quantity: 5), decisionID: 3, at: Fixture.day0)
        #expect(exit.verdict == .approve)
        chain.adjustUnknownOrders(strategy: 1, symbol: 1, by: -1)
        let again = chain.decide(Fixture.intent(client: 4, symbol: 1, quantity: 1), decisionID: 4, at: Fixture.day0)
        #expect(again.reason != .orderStateUnknown)
    }

    @Test func anOperatorReducingStateRefusesNewRiskAndAllowsExits() {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        chain.setOperatorState(.reducing)
        let decision2 = chain.decide(Fixture.intent(client: 1, symbol: 2, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(decision2.reason == .accountReducing)
        let decision3 = chain.decide(Fixture.intent(client: 2, symbol: 1, side: .sell, quantity: 2), decisionID: 2, at: Fixture.day0)
        #expect(decision3.verdict == .approve)
    }

    @Test func seed000TheFivePercentCapIsHitAtMinus520OnTenThousandAndLatchesHalted() {
        var limits = Fixture.looseLimits()
        limits.drawdownHaltPct = 5
        limits.drawdownBufferPct = 0
        limits.rolling24hDrawdownPct = 100
        limits.accountDailyLossPct = 100
        limits.strategyDailyLossPct = 100
        limits.strategyDrawdownPct = 100
        var chain = Fixture.chain(limits: limits, symbols: ["BTC", "ETH", "SOL"],
                                  strategies: [(.live, 10_000), (.live, 10_000), (.live, 10_000)], equity: 10_000, price: 100)
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 10, price: 100)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 10, price: 100)
        Fixture.hold(&chain, strategy: 3, symbol: 3, quantity: 10, price: 100)
        chain.updateMark(symbol: 1, price: 72, at: Fixture.at(seconds: 1))   // bot 1: −280
        chain.updateMark(symbol: 2, price: 85, at: Fixture.at(seconds: 2))   // bot 2: −150
        #expect(chain.controls.haltLatch == nil)                              // −430: 4.3 %
        chain.updateMark(symbol: 3, price: 91, at: Fixture.at(seconds: 3))   // bot 3: −90 → −520
        #expect(abs(chain.book.equityUSD - 9_480) < 1e-6)
        #expect(chain.controls.haltLatch == .accountDrawdownHalt)
        #expect(chain.controls.effectiveState == .halted)
        #expect(chain.stateChanges.first?.kind == .accountHalted)
        let entry = chain.decide(Fixture.intent(strategy: 1, symbol: 2, quantity: 1, price: 85), decisionID: 1, at: Fixture.at(seconds: 3))
        #expect(entry.verdict == .reject && entry.reason == .accountHalted)
        let exit = chain.decide(Fixture.intent(strategy: 1, client: 2, symbol: 1, side: .sell, quantity: 10, price: 72), decisionID: 2, at: Fixture.at(seconds: 3))
        #expect(exit.verdict == .approve)
        // The latch holds while the cause is there, unless forced, and after the cause is gone.
        let refused = chain.resetHaltLatch(force: false)
        #expect(!refused)
        chain.updateMark(symbol: 1, price: 100, at: Fixture.at(seconds: 4))
        #expect(chain.controls.haltLatch == .accountDrawdownHalt)
        let accepted = chain.resetHaltLatch(force: false)
        #expect(accepted)
        #expect(chain.controls.effectiveState == .active)
    }

    @Test func insideTheDrawdownBufferNoNewRiskIsOpened() {
        var limits = Fixture.looseLimits()
        limits.drawdownHaltPct = 15
        limits.drawdownBufferPct = 3
        limits.rolling24hDrawdownPct = 100
        limits.accountDailyLossPct = 100
        limits.strategyDrawdownPct = 100
        limits.strategyDailyLossPct = 100
        var chain = Fixture.chain(limits: limits, equity: 100_000, price: 100)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 1_000, price: 100)
        chain.updateMark(symbol: 1, price: 87, at: Fixture.at(seconds: 1))  // −13,000: 13 % drawdown
        let decision = chain.decide(Fixture.intent(symbol: 2, quantity: 1, price: 100), decisionID: 1, at: Fixture.at(seconds: 1))
        #expect(decision.reason == .drawdownBuffer)
        #expect(chain.controls.haltLatch == nil)
    }

    @Test func theAccountDailyLossStopsNewRiskUntilTheNextUTCDay() {
        var limits = Fixture.looseLimits()
        limits.accountDailyLossPct = 3
        limits.strategyDailyLossPct = 100
        limits.strategyDrawdownPct = 100
        limits.rolling24hDrawdownPct = 100
        var chain = Fixture.chain(limits: limits, price: 100)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 500, price: 100)
        chain.updateMark(symbol: 1, price: 92, at: Fixture.at(seconds: 60))  // −4,000: 4 % today
        chain.updateMark(symbol: 2, price: 100, at: Fixture.at(seconds: 60))
        let today = chain.decide(Fixture.intent(symbol: 2, quantity: 1, price: 100), decisionID: 1, at: Fixture.at(seconds: 60))
        #expect(today.reason == .accountDailyLoss)
        // Hitting the limit is a state change (journaled as a breach), once per day, not per refusal.
        #expect(chain.stateChanges.map(\.kind) == [.accountDailyLossHit])
        #expect(chain.stateChanges.first.map { $0.value >= 4 && $0.limit == 3 } == true)
        chain.clearStateChanges()
        let again = chain.decide(Fixture.intent(client: 3, symbol: 2, quantity: 1, price: 100), decisionID: 3, at: Fixture.at(seconds: 61))
        #expect(again.reason == .accountDailyLoss)
        #expect(chain.stateChanges.isEmpty)
        let nextDay = Fixture.at(seconds: 86_400 + 60)
        for symbol in UInt32(1)...4 { chain.updateMark(symbol: symbol, price: symbol == 1 ? 92 : 100, at: nextDay) }
        let tomorrow = chain.decide(Fixture.intent(client: 2, symbol: 2, quantity: 1, price: 100), decisionID: 2, at: nextDay)
        #expect(tomorrow.verdict == .approve, "\(tomorrow.reason)")
    }

    @Test func theRolling24HourDrawdownStopsNewRisk() {
        var limits = Fixture.looseLimits()
        limits.rolling24hDrawdownPct = 5
        limits.accountDailyLossPct = 100
        limits.strategyDrawdownPct = 100
        limits.strategyDailyLossPct = 100
        limits.drawdownHaltPct = 50
        var chain = Fixture.chain(limits: limits, price: 100)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 1_000, price: 100)
        chain.updateMark(symbol: 1, price: 120, at: Fixture.at(seconds: 3_600))   // equity peaks at 120,000
        chain.updateMark(symbol: 1, price: 112, at: Fixture.at(seconds: 7_200))   // 6.7 % below the hourly peak
        for symbol in UInt32(2)...4 { chain.updateMark(symbol: symbol, price: 100, at: Fixture.at(seconds: 7_200)) }
        let decision = chain.decide(Fixture.intent(symbol: 2, quantity: 1, price: 100), decisionID: 1, at: Fixture.at(seconds: 7_200))
        #expect(decision.reason == .rollingDrawdownBreached)
    }

    @Test func theStrategyDrawdownBreakerTripsAtTwentyPercentFromItsOwnPeak() {
        var limits = Fixture.looseLimits()
        limits.strategyDailyLossPct = 100
        limits.accountDailyLossPct = 100
        limits.rolling24hDrawdownPct = 100
        limits.drawdownHaltPct = 90
        limits.drawdownBufferPct = 0
        var chain = Fixture.chain(limits: limits, strategies: [(.live, 10_000), (.live, 100_000)], equity: 200_000, price: 100)
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 100, price: 100)
        chain.updateMark(symbol: 1, price: 79, at: Fixture.at(seconds: 10))  // −2,100 on 10,000: 21 %
        for symbol in UInt32(2)...4 { chain.updateMark(symbol: symbol, price: 100, at: Fixture.at(seconds: 10)) }
        let one = chain.decide(Fixture.intent(strategy: 1, symbol: 2, quantity: 1, price: 100), decisionID: 1, at: Fixture.at(seconds: 10))
        #expect(one.reason == .strategyDrawdownBreaker)
        let other = chain.decide(Fixture.intent(strategy: 2, symbol: 2, quantity: 1, price: 100), decisionID: 2, at: Fixture.at(seconds: 10))
        #expect(other.verdict == .approve)
    }

    @Test func maxOpenPositionsAndTradesPerDayAreCounted() {
        var limits = Fixture.looseLimits()
        limits.strategyMaxOpenPositions = 2
        limits.strategyMaxTradesPerDay = 3
        var chain = Fixture.chain(limits: limits)
        let decision4 = chain.decide(Fixture.intent(client: 1, symbol: 1, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(decision4.verdict == .approve)
        let decision5 = chain.decide(Fixture.intent(client: 2, symbol: 2, quantity: 1), decisionID: 2, at: Fixture.day0)
        #expect(decision5.verdict == .approve)
        let decision6 = chain.decide(Fixture.intent(client: 3, symbol: 3, quantity: 1), decisionID: 3, at: Fixture.day0)
        #expect(decision6.reason == .maxOpenPositions)
        let decision7 = chain.decide(Fixture.intent(client: 4, symbol: 1, quantity: 1), decisionID: 4, at: Fixture.day0)
        #expect(decision7.verdict == .approve)
        let decision8 = chain.decide(Fixture.intent(client: 5, symbol: 1, quantity: 1), decisionID: 5, at: Fixture.day0)
        #expect(decision8.reason == .maxTradesPerDay)
    }

    @Test func aQuantityReshapedBelowTheMinimumOrderSizeIsRejected() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        limits.minOrderNotionalUSD = 10
        var chain = Fixture.chain(limits: limits)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 49.995, price: 1_000)  // 5 USD left
        let decision = chain.decide(Fixture.intent(quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject)
        #expect(decision.reason == .belowMinOrderSize)
    }

    @Test func reduceOnlyIsTrimmedToThePositionOrRejectedWhenFlat() {
        var chain = Fixture.chain()
        let flat = chain.decide(Fixture.intent(side: .sell, quantity: 1, reduceOnly: true), decisionID: 1, at: Fixture.day0)
        #expect(flat.reason == .reduceOnlyNothingToReduce)
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 3, price: 1_000)
        let trimmed = chain.decide(Fixture.intent(client: 2, side: .sell, quantity: 5, reduceOnly: true), decisionID: 2, at: Fixture.day0)
        #expect(trimmed.verdict == .reshape && trimmed.reason == .reduceOnlyTrimmed && trimmed.finalQuantity == 3)
    }

    @Test func shadowPositionsNeverCountInLiveTotals() {
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 50
        var chain = Fixture.chain(limits: limits, strategies: [(.live, 100_000), (.shadow, 100_000)])
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: 45, price: 1_000)
        #expect(chain.book.liveGrossUSD == 0)
        let decision9 = chain.decide(Fixture.intent(strategy: 1, quantity: 40), decisionID: 1, at: Fixture.day0)
        #expect(decision9.verdict == .approve)
        // The shadow strategy is judged against the live book plus its own: 40,000 + 45,000 used.
        let shadow = chain.decide(Fixture.intent(strategy: 2, symbol: 3, quantity: 10), decisionID: 2, at: Fixture.day0)
        #expect(shadow.verdict == .reject)
        #expect(shadow.reason == .aggregateNotionalExhausted)
    }
}
