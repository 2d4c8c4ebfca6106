import Testing
@testable import Risk

/// The Firewall (docs/reason-codes.md, "Firewall"): instrument rules, fat-finger limits, the
/// price band, restricted symbols and a stale portfolio. Every symbol is marked at 1,000 and
/// every strategy has 100,000 of capital unless a test says otherwise.
@Suite("Firewall")
struct FirewallTests {
    static func limits(_ instruments: [String: InstrumentRules] = [:], edit: (inout RiskLimits) -> Void = { _ in }) -> RiskLimits {
        var limits = Fixture.looseLimits()
        limits.instruments = instruments
        edit(&limits)
        return limits
    }

    static func limit(side: Side = .buy, quantity: Double, at price: Double, stop: Double, symbol: UInt32 = 1) -> OrderIntent {
        OrderIntent(strategyID: 1, clientID: 1, symbolID: symbol, side: side, quantity: quantity, orderType: .limit,
                    limitPrice: price, stopLossPrice: stop, reduceOnly: false)
    }

    static func note(_ chain: RiskChain, _ code: ReasonCode) -> String? {
        chain.trace.first { $0.code == code }?.rendered
    }

    // MARK: Lots

    @Test func aQuantityOffTheLotIsRoundedDownAndReshaped() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 0.001)]))
        let decision = chain.decide(Fixture.intent(quantity: 1.23456), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reshape && decision.reason == .lotSizeRounded)
        #expect(decision.finalQuantity == 1.234)
        #expect(Self.note(chain, .lotSizeRounded) == "LOT_SIZE_ROUNDED: quantity=1.23456 lot_size=0.001 rounded=1.234")
        // The pending order booked is the rounded one.
        #expect(chain.book.pending(strategy: 1, symbol: 1) == 1.234)
    }

    @Test func aDecimalMultipleOfTheLotIsNotRoundedAway() {
        // 0.3 / 0.1 is 2.9999999999999996 in binary: still three lots, approved as asked.
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 0.1)]))
        let decision = chain.decide(Fixture.intent(quantity: 0.3), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .approve && decision.finalQuantity == 0.3)
    }

    @Test func aReshapedQuantityIsRoundedDownSoTheCapStillHolds() {
        // 12,345.678 USD of gross budget at 1,000 allows 12.345678 units; lots of 0.001 → 12.345.
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 0.001)]) { $0.maxGrossUSD = 12_345.678 })
        let decision = chain.decide(Fixture.intent(quantity: 20), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reshape && decision.reason == .aggregateNotionalReshape)
        #expect(abs(decision.finalQuantity - 12.345) < 1e-12)
        #expect(decision.finalQuantity * 1_000 <= 12_345.678)
        #expect(Self.note(chain, .lotSizeRounded) == "LOT_SIZE_ROUNDED: quantity=12.345678 lot_size=0.001 rounded=12.345")
    }

    @Test func lessThanOneLotIsRejected() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 1)]))
        let decision = chain.decide(Fixture.intent(quantity: 0.5), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject && decision.reason == .lotSizeRounded && decision.finalQuantity == 0)
    }

    @Test func newRiskThatRoundingTakesBelowTheMinimumIsDropped() {
        // 1.4 rounds to 0.75 (lots of 0.75), under the minimum of 1: nothing is left.
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 0.75, minQuantity: 1)]))
        let decision = chain.decide(Fixture.intent(quantity: 1.4), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject && decision.reason == .belowMinOrderSize)
        // 1.6 rounds to 1.5, at or above the minimum: sent.
        let next = chain.decide(Fixture.intent(client: 2, quantity: 1.6), decisionID: 2, at: Fixture.day0)
        #expect(next.verdict == .reshape && next.reason == .lotSizeRounded && next.finalQuantity == 1.5)
    }

    @Test func anExitIsRoundedToWholeLotsToo() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(lotSize: 1)]))
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 2.5, price: 1_000)
        let decision = chain.decide(Fixture.intent(side: .sell, quantity: 2.5), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reshape && decision.finalQuantity == 2)
    }

    // MARK: Ticks and the price band

    @Test func aLimitPriceOffTheTickGridIsRefusedWhole() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(tickSize: 0.5)]))
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        // Even the exit: a venue would refuse the price.
        let off = chain.decide(Self.limit(side: .sell, quantity: 5, at: 1_000.25, stop: 1_010), decisionID: 1, at: Fixture.day0)
        #expect(off.verdict == .reject && off.reason == .priceOffTick)
        #expect(Self.note(chain, .priceOffTick) == "PRICE_OFF_TICK: price=1000.25 tick_size=0.5")
        let on = chain.decide(Self.limit(side: .sell, quantity: 5, at: 1_000.5, stop: 1_010), decisionID: 2, at: Fixture.day0)
        #expect(on.verdict == .approve)
    }

    @Test func aDecimalPriceOnACentGridIsOnTheGrid() {
        // 999.99 / 0.01 is 99998.99999999999 in binary.
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(tickSize: 0.01)]))
        let decision = chain.decide(Self.limit(quantity: 1, at: 999.99, stop: 990), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .approve)
    }

    @Test func aLimitPriceOutsideTheBandIsRefusedWhole() {
        var chain = Fixture.chain(limits: Self.limits { $0.priceBandPct = 5 })
        let far = chain.decide(Self.limit(quantity: 1, at: 1_060, stop: 990), decisionID: 1, at: Fixture.day0)
        #expect(far.verdict == .reject && far.reason == .priceOutsideBand)
        #expect(Self.note(chain, .priceOutsideBand) == "PRICE_OUTSIDE_BAND: price=1060 mark=1000 distance_pct=6 band_pct=5")
        let near = chain.decide(Self.limit(quantity: 1, at: 1_040, stop: 990), decisionID: 2, at: Fixture.day0)
        #expect(near.verdict == .approve)
    }

    @Test func withABandAMarketBuysRiskIsValuedAtTheBandsEdge() {
        // Risk per trade 2 % of 100,000 = 2,000. Stop 990: from the mark 10 a unit (200 units),
        // from the band's edge 1,050 it is 60 a unit: 33.33 units.
        var chain = Fixture.chain(limits: Self.limits { $0.priceBandPct = 5; $0.strategyMaxRiskPerTradePct = 2 })
        let decision = chain.decide(Fixture.intent(quantity: 100, stop: 990), decisionID: 1, at: Fixture.day0)
        #expect(decision.reason == .riskPerTradeReshape)
        #expect(abs(decision.finalQuantity - 2_000.0 / 60) < 1e-9)
        #expect(Self.note(chain, .riskPerTradeReshape) == "RISK_PER_TRADE_RESHAPE: cap_usd=2000 requested_risk_usd=6000 stop_distance=60")
    }

    @Test func aBuyLimitsStopIsCheckedAgainstTheMarketAsWellAsTheLimit() {
        // Limit buy at 10, market at 8, stop at 9: below the limit, above the market.
        var chain = Fixture.chain(limits: Self.limits(), price: 8)
        let decision = chain.decide(Self.limit(quantity: 1, at: 10, stop: 9), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject && decision.reason == .stopLossWrongSide)
        #expect(Self.note(chain, .stopLossWrongSide) == "STOP_LOSS_WRONG_SIDE: price=8 stop=9")
        let below = chain.decide(Self.limit(quantity: 1, at: 10, stop: 7.5), decisionID: 2, at: Fixture.day0)
        #expect(below.verdict == .approve)
    }

    // MARK: Fat fingers

    @Test func aQuantityAboveTheSymbolsMaximumIsRefusedNotShrunk() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(maxQuantity: 100)]))
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        // A sell of 200 against a long of 5 is not reshaped to the exit: it is a typo.
        let decision = chain.decide(Fixture.intent(side: .sell, quantity: 200), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject && decision.reason == .orderQuantityAboveMax)
        #expect(Self.note(chain, .orderQuantityAboveMax) == "ORDER_QUANTITY_ABOVE_MAX: quantity=200 max_quantity=100")
    }

    @Test func aNotionalAboveTheSymbolsMaximumIsRefused() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(maxNotionalUSD: 50_000)]))
        let decision = chain.decide(Fixture.intent(quantity: 60), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .reject && decision.reason == .orderNotionalAboveMax)
        #expect(Self.note(chain, .orderNotionalAboveMax) == "ORDER_NOTIONAL_ABOVE_MAX: notional_usd=60000 max_notional_usd=50000")
        #expect(chain.decide(Fixture.intent(client: 2, quantity: 50), decisionID: 2, at: Fixture.day0).verdict == .approve)
    }

    @Test func anAbsurdQuantityIsRefusedByTheDefaultShareOfCapital() {
        // Default 1,000 % of 100,000: 1,000,000 USD, 1,000 units at 1,000.
        var chain = Fixture.chain(limits: Self.limits())
        let absurd = chain.decide(Fixture.intent(quantity: 1e306), decisionID: 1, at: Fixture.day0)
        #expect(absurd.verdict == .reject && absurd.reason == .orderNotionalAboveStrategyMax)
        let over = chain.decide(Fixture.intent(client: 2, quantity: 1_001), decisionID: 2, at: Fixture.day0)
        #expect(over.reason == .orderNotionalAboveStrategyMax)
        #expect(Self.note(chain, .orderNotionalAboveStrategyMax)
            == "ORDER_NOTIONAL_ABOVE_STRATEGY_MAX: notional_usd=1001000 max_usd=1000000 max_pct_of_capital=1000")
        // At the cap exactly it is not a typo (the gross budget then reshapes it).
        #expect(chain.decide(Fixture.intent(client: 3, quantity: 1_000), decisionID: 3, at: Fixture.day0).reason != .orderNotionalAboveStrategyMax)
    }

    // MARK: Restricted symbols and a stale portfolio

    @Test func aRestrictedSymbolTakesNoNewRiskButItsExitsPass() {
        var chain = Fixture.chain(limits: Self.limits { $0.restrictedSymbols = ["BBB"] })
        Fixture.hold(&chain, strategy: 1, symbol: 2, quantity: 5, price: 1_000)
        let buy = chain.decide(Fixture.intent(symbol: 2, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(buy.verdict == .reject && buy.reason == .restrictedSymbol)
        #expect(chain.trace.first?.stage == .firewall)
        // Long 5, sell 8: the 5 that close it pass, the 3 that would open a short do not.
        let sell = chain.decide(Fixture.intent(client: 2, symbol: 2, side: .sell, quantity: 8), decisionID: 2, at: Fixture.day0)
        #expect(sell.verdict == .reshape && sell.reason == .restrictedSymbol && sell.finalQuantity == 5)
        #expect(chain.decide(Fixture.intent(client: 3, symbol: 1, quantity: 1), decisionID: 3, at: Fixture.day0).verdict == .approve)
    }

    @Test func aHeldSymbolsStaleMarkRefusesNewRiskEverywhereUntilItIsPricedAgain() {
        var chain = Fixture.chain(limits: Self.limits())
        // Strategy 2 holds CCC (id 3), priced at day0 only; AAA keeps trading.
        Fixture.hold(&chain, strategy: 2, symbol: 3, quantity: 2, price: 1_000)
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        let now = Fixture.at(seconds: 40)
        chain.updateMark(symbol: 1, price: 1_000, at: now)
        let buy = chain.decide(Fixture.intent(quantity: 1), decisionID: 1, at: now)
        #expect(buy.verdict == .reject && buy.reason == .stalePortfolio)
        #expect(Self.note(chain, .stalePortfolio) == "STALE_PORTFOLIO: stale_symbols=1 oldest_age_s=40 stale_after_s=30 oldest_symbol_id=3")
        // An exit passes.
        let exit = chain.decide(Fixture.intent(client: 2, side: .sell, quantity: 5), decisionID: 2, at: now)
        #expect(exit.verdict == .approve)
        // A fresh mark for CCC lifts it.
        chain.updateMark(symbol: 3, price: 1_000, at: now)
        #expect(chain.decide(Fixture.intent(client: 3, quantity: 1), decisionID: 3, at: now).verdict == .approve)
    }

    @Test func aHeldMarkThatAgesWithoutAnyOtherChangeIsStillFound() {
        // The check skips its scan while the oldest held mark is known fresh: time passing alone
        // must still make it look again.
        var chain = Fixture.chain(limits: Self.limits())
        Fixture.hold(&chain, strategy: 2, symbol: 3, quantity: 2, price: 1_000)
        for (seconds, expected) in [(10.0, ReasonCode.none), (29, .none), (31, .stalePortfolio), (35, .stalePortfolio)] {
            let now = Fixture.at(seconds: seconds)
            chain.updateMark(symbol: 1, price: 1_000, at: now)
            let decision = chain.decide(Fixture.intent(quantity: 0.001), decisionID: 1, at: now)
            #expect(decision.reason == expected, "at \(seconds) s")
        }
        // A restored chain (which does not carry the floor) finds it too.
        var restored = Fixture.chain(limits: Self.limits())
        try? restored.restore(chain.state)
        #expect(restored.decide(Fixture.intent(quantity: 0.001), decisionID: 2, at: Fixture.at(seconds: 35)).reason == .stalePortfolio)
    }

    @Test func theStalePortfolioLimitCanDifferFromTheSymbolsOwn() {
        var chain = Fixture.chain(limits: Self.limits { $0.stalePortfolioAfterSeconds = 120 })
        Fixture.hold(&chain, strategy: 2, symbol: 3, quantity: 2, price: 1_000)
        let now = Fixture.at(seconds: 90)
        chain.updateMark(symbol: 1, price: 1_000, at: now)
        #expect(chain.decide(Fixture.intent(quantity: 1), decisionID: 1, at: now).verdict == .approve)
        let later = Fixture.at(seconds: 121)
        chain.updateMark(symbol: 1, price: 1_000, at: later)
        #expect(chain.decide(Fixture.intent(client: 2, quantity: 1), decisionID: 2, at: later).reason == .stalePortfolio)
    }

    // MARK: Order flow: rates and duplicates

    @Test func theStrategysBucketRefusesNewRiskPastItsRateAndRefillsInEventTime() {
        // 2 a second, a bucket of 3: three at once pass, the fourth waits half a second.
        var chain = Fixture.chain(limits: Self.limits { $0.maxIntentsPerSecond = 2; $0.intentBurst = 3 })
        Fixture.hold(&chain, strategy: 1, symbol: 2, quantity: 5, price: 1_000)
        let burst = (1...4).map { chain.decide(Fixture.intent(client: UInt64($0), quantity: 0.1), decisionID: UInt64($0), at: Fixture.day0) }
        #expect(burst.map(\.verdict) == [.approve, .approve, .approve, .reject])
        #expect(burst[3].reason == .orderRateExceeded)
        #expect(Self.note(chain, .orderRateExceeded) == "ORDER_RATE_EXCEEDED: rate_per_s=2 burst=3 wait_s=0.5")
        // An exit is not throttled.
        #expect(chain.decide(Fixture.intent(client: 5, symbol: 2, side: .sell, quantity: 3), decisionID: 5, at: Fixture.day0).verdict == .approve)
        // Half a second later one token is back; 0.1 s after that, 0.2 of one.
        #expect(chain.decide(Fixture.intent(client: 6, quantity: 0.1), decisionID: 6, at: Fixture.at(seconds: 0.5)).verdict == .approve)
        let early = chain.decide(Fixture.intent(client: 7, quantity: 0.1), decisionID: 7, at: Fixture.at(seconds: 0.6))
        #expect(early.reason == .orderRateExceeded)
        #expect(Self.note(chain, .orderRateExceeded) == "ORDER_RATE_EXCEEDED: rate_per_s=2 burst=3 wait_s=0.4")
    }

    @Test func theAccountsBucketIsSharedAndARefusalThereTakesNoStrategyToken() {
        var chain = Fixture.chain(limits: Self.limits { $0.maxIntentsPerSecond = 10; $0.accountMaxIntentsPerSecond = 1; $0.accountIntentBurst = 2 })
        #expect(chain.decide(Fixture.intent(strategy: 1, quantity: 0.1), decisionID: 1, at: Fixture.day0).verdict == .approve)
        #expect(chain.decide(Fixture.intent(strategy: 2, quantity: 0.1), decisionID: 2, at: Fixture.day0).verdict == .approve)
        let third = chain.decide(Fixture.intent(strategy: 1, client: 2, quantity: 0.1), decisionID: 3, at: Fixture.day0)
        #expect(third.reason == .accountOrderRateExceeded)
        #expect(Self.note(chain, .accountOrderRateExceeded) == "ACCOUNT_ORDER_RATE_EXCEEDED: rate_per_s=1 burst=2 wait_s=1")
        // Strategy 1 took one of its ten, not two.
        #expect(chain.orderFlow.strategyTokens[0] == 9)
    }

    @Test func theSameOrderSentAgainWithinTheWindowIsRefusedWhole() {
        var chain = Fixture.chain(limits: Self.limits { $0.duplicateWindowSeconds = 1 })
        let first = Self.limit(quantity: 2, at: 990, stop: 980)
        #expect(chain.decide(first, decisionID: 1, at: Fixture.day0).verdict == .approve)
        let again = chain.decide(first, decisionID: 2, at: Fixture.at(seconds: 0.5))
        #expect(again.verdict == .reject && again.reason == .duplicateOrder)
        #expect(Self.note(chain, .duplicateOrder) == "DUPLICATE_ORDER: age_s=0.5 window_s=1 previous_decision_id=1")
        // Another quantity or price is another order; the same one a full window later passes.
        #expect(chain.decide(Self.limit(quantity: 2.5, at: 990, stop: 980), decisionID: 3, at: Fixture.at(seconds: 0.5)).verdict == .approve)
        #expect(chain.decide(Self.limit(quantity: 2, at: 991, stop: 980), decisionID: 4, at: Fixture.at(seconds: 0.5)).verdict == .approve)
        #expect(chain.decide(first, decisionID: 5, at: Fixture.at(seconds: 1)).verdict == .approve)
    }

    @Test func threeSameSideFillsWithinTenSecondsPauseTheStrategyUntilResumed() {
        var chain = Fixture.chain(limits: Self.limits { $0.repeatedFills = 3; $0.repeatedFillsWindowSeconds = 10 })
        func fill(_ side: Side, at seconds: Double, strategy: UInt32 = 1) {
            chain.applyFill(strategy: strategy, symbol: 1, side: side, quantity: 1, price: 1_000, feeUSD: 0, at: Fixture.at(seconds: seconds))
        }
        // Buy, sell, buy: two buys only. Then buys 6 and 11 s after the first: 11 s apart, no latch.
        fill(.buy, at: 0); fill(.sell, at: 4); fill(.buy, at: 6); fill(.buy, at: 11)
        #expect(chain.stateChanges.isEmpty)
        // The buy at 12 s is the third within 10 s (6, 11, 12): paused, once.
        fill(.buy, at: 12)
        #expect(chain.stateChanges == [StateChange(kind: .strategyPaused(strategyID: 1), reason: .repeatedExecutions,
                                                   atNs: Fixture.at(seconds: 12), value: 3, limit: 10)])
        fill(.buy, at: 13)
        #expect(chain.stateChanges.count == 1)
        let now = Fixture.at(seconds: 13)
        let buy = chain.decide(Fixture.intent(quantity: 1), decisionID: 1, at: now)
        #expect(buy.verdict == .reject && buy.reason == .repeatedExecutions)
        #expect(Self.note(chain, .repeatedExecutions) == "REPEATED_EXECUTIONS: fills=3 window_s=10")
        // Its exits pass, the other strategy trades on, and an operator's resume lifts it.
        #expect(chain.decide(Fixture.intent(client: 2, side: .sell, quantity: 1), decisionID: 2, at: now).verdict == .approve)
        #expect(chain.decide(Fixture.intent(strategy: 2, quantity: 1), decisionID: 3, at: now).verdict == .approve)
        chain.resumeStrategy(1)
        #expect(chain.decide(Fixture.intent(client: 3, quantity: 1), decisionID: 4, at: now).verdict == .approve)
    }

    @Test func aReduceOnlyIntentIsNoDuplicateNorAFatFingerButStillMeetsTheVenuesMaximum() {
        var chain = Fixture.chain(limits: Self.limits(["AAA": InstrumentRules(maxQuantity: 50, maxNotionalUSD: 20_000)]) {
            $0.duplicateWindowSeconds = 60
        })
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 45, price: 1_000)
        // 30 × 1,000 is above the 20,000 notional cap, and the second is the same order: both
        // reduce-only, both pass (the second is trimmed to the 15 left to reduce).
        let first = chain.decide(Fixture.intent(side: .sell, quantity: 30, reduceOnly: true), decisionID: 1, at: Fixture.day0)
        #expect(first.verdict == .approve)
        let second = chain.decide(Fixture.intent(client: 2, side: .sell, quantity: 30, reduceOnly: true), decisionID: 2, at: Fixture.day0)
        #expect(second.verdict == .reshape && second.reason == .reduceOnlyTrimmed && second.finalQuantity == 15)
        // Above the symbol's maximum quantity it is refused like any order.
        let large = chain.decide(Fixture.intent(client: 3, side: .sell, quantity: 51, reduceOnly: true), decisionID: 3, at: Fixture.day0)
        #expect(large.reason == .orderQuantityAboveMax)
    }

    @Test func aRestoredChainDecidesTheNextIntentsAsTheOriginalWould() throws {
        let limits = Self.limits {
            $0.maxIntentsPerSecond = 1; $0.intentBurst = 2; $0.duplicateWindowSeconds = 5
            $0.repeatedFills = 2; $0.repeatedFillsWindowSeconds = 60
        }
        var chain = Fixture.chain(limits: limits)
        _ = chain.decide(Fixture.intent(quantity: 0.1), decisionID: 1, at: Fixture.day0)
        _ = chain.decide(Fixture.intent(client: 2, quantity: 0.2), decisionID: 2, at: Fixture.day0)
        chain.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 0.1, price: 1_000, feeUSD: 0, at: Fixture.day0)
        var restored = Fixture.chain(limits: limits)
        try restored.restore(chain.state)
        #expect(restored.orderFlow == chain.orderFlow)
        for (index, intent) in [Fixture.intent(client: 3, quantity: 0.3), Fixture.intent(client: 4, quantity: 0.1)].enumerated() {
            let at = Fixture.at(seconds: Double(index) * 1.5)
            #expect(restored.decide(intent, decisionID: 3, at: at) == chain.decide(intent, decisionID: 3, at: at))
        }
    }

    // MARK: Bad limits

    @Test(arguments: [
        (InstrumentRules(tickSize: 0), "instruments.AAA.tick_size", "must be > 0"),
        (InstrumentRules(lotSize: -1), "instruments.AAA.lot_size", "must be > 0"),
        (InstrumentRules(lotSize: .nan), "instruments.AAA.lot_size", "must be > 0"),
        (InstrumentRules(lotSize: 2, maxQuantity: 1), "instruments.AAA.lot_size", "must not be larger than max_quantity (1.0): no order could be sent"),
        (InstrumentRules(minQuantity: 5, maxQuantity: 1), "instruments.AAA.min_quantity", "must not be larger than max_quantity (1.0)"),
    ])
    func contradictoryInstrumentRulesAreRefusedNamingTheirKey(rules: InstrumentRules, key: String, message: String) {
        let failure = Self.limits(["AAA": rules]).validationFailure()
        #expect(failure == RiskLimits.Invalid(key: key, message: message))
    }

    @Test func badFirewallLimitsAreRefusedNamingTheirKey() {
        #expect(Self.limits { $0.priceBandPct = -1 }.validationFailure()?.key == "firewall.price_band_pct")
        #expect(Self.limits { $0.maxOrderPctOfCapital = 0 }.validationFailure()?.key == "firewall.max_order_pct_of_capital")
        #expect(Self.limits { $0.stalePortfolioAfterSeconds = 0 }.validationFailure()?.key == "firewall.stale_portfolio_after_seconds")
        #expect(Self.limits { $0.restrictedSymbols = ["AAA", "AAA"] }.validationFailure()?.key == "firewall.restricted_symbols")
        #expect(Self.limits { $0.maxIntentsPerSecond = 0 }.validationFailure()?.key == "firewall.max_intents_per_second")
        #expect(Self.limits { $0.intentBurst = 5 }.validationFailure()
            == RiskLimits.Invalid(key: "firewall.intent_burst", message: "has no rate to refill it: set firewall.max_intents_per_second too"))
        #expect(Self.limits { $0.accountMaxIntentsPerSecond = 10; $0.accountIntentBurst = 0.5 }.validationFailure()?.key == "firewall.account_intent_burst")
        #expect(Self.limits { $0.duplicateWindowSeconds = -1 }.validationFailure()?.key == "firewall.duplicate_window_seconds")
        #expect(Self.limits { $0.repeatedFills = 3 }.validationFailure()
            == RiskLimits.Invalid(key: "firewall.repeated_fills_window_seconds",
                                  message: "firewall.repeated_fills and firewall.repeated_fills_window_seconds go together: set both or neither"))
        #expect(Self.limits { $0.repeatedFills = 1; $0.repeatedFillsWindowSeconds = 5 }.validationFailure()?.key == "firewall.repeated_fills")
        let both = Self.limits(["AAA": InstrumentRules(minQuantity: 1)]) { $0.minOrderQuantity = ["AAA": 2] }
        #expect(both.validationFailure()?.key == "instruments.AAA.min_quantity")
    }
}

/// `RiskChain.replaceLimits` (`gatehouse ctl limits`): the per-symbol rules are derived again, the
/// state is kept, and what sizes the state is refused.
@Suite("Limits replaced while running")
struct ReplaceLimitsTests {
    @Test func newInstrumentRulesAndARestrictedSymbolApplyToTheNextIntent() {
        var chain = Fixture.chain(limits: FirewallTests.limits())
        #expect(chain.decide(FirewallTests.limit(quantity: 1, at: 990.25, stop: 980), decisionID: 1, at: Fixture.day0).verdict == .approve)
        var new = chain.limits
        new.instruments = ["AAA": InstrumentRules(tickSize: 0.5)]
        new.restrictedSymbols = ["BBB"]
        #expect(chain.replaceLimits(new) == nil)
        #expect(chain.decide(FirewallTests.limit(quantity: 1, at: 990.25, stop: 980), decisionID: 2, at: Fixture.day0).reason == .priceOffTick)
        #expect(chain.decide(Fixture.intent(client: 3, symbol: 2, quantity: 1), decisionID: 3, at: Fixture.day0).reason == .restrictedSymbol)
        // The pending order of the first decision is still booked.
        #expect(chain.book.pending(strategy: 1, symbol: 1) == 1)
    }

    @Test func whatSizesTheStateIsRefusedAndAnInvalidSetIsRefusedWhole() {
        var chain = Fixture.chain(limits: FirewallTests.limits())
        let before = chain.limits
        var window = before
        window.decayWindowDays = 10
        #expect(chain.replaceLimits(window)?.key == "decay.window_days")
        var cluster = before
        cluster.clusters = [RiskLimits.Cluster(name: "c", symbols: ["AAA", "BBB"], maxPctOfEquity: 30)]
        #expect(chain.replaceLimits(cluster)?.key == "clusters")
        var invalid = before
        invalid.strategyMaxPositionPct = 10
        invalid.priceBandPct = -1
        #expect(chain.replaceLimits(invalid)?.key == "firewall.price_band_pct")
        #expect(chain.limits == before)
    }

    @Test func turningTheRepeatedExecutionLatchOnStartsItsFillHistory() {
        var chain = Fixture.chain(limits: FirewallTests.limits())
        var new = chain.limits
        new.repeatedFills = 2
        new.repeatedFillsWindowSeconds = 10
        #expect(chain.replaceLimits(new) == nil)
        chain.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 1, price: 1_000, feeUSD: 0, at: Fixture.day0)
        chain.applyFill(strategy: 1, symbol: 1, side: .buy, quantity: 1, price: 1_000, feeUSD: 0, at: Fixture.at(seconds: 1))
        #expect(chain.orderFlow.executionLatched[0])
    }
}
