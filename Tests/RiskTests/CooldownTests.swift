import Testing
@testable import Risk

/// Seed 001, layer 5: after three consecutive losing trades sizing halves for each further loss
/// (0.50, 0.25, 0.125), never below 10 %; one winning trade resets it.
@Suite("Cooldown")
struct CooldownTests {
    /// The seed's ladder, including the floor well past the last halving.
    static let ladder: [(losses: Int, factor: Double)] = [
        (0, 1.0), (1, 1.0), (2, 1.0), (3, 0.5), (4, 0.25), (5, 0.125), (6, 0.10), (7, 0.10), (12, 0.10), (1_000, 0.10),
    ]

    @Test(arguments: ladder)
    func theFactorFollowsSeed001sLadderWithATenPercentFloor(losses: Int, factor: Double) {
        #expect(RiskChain.cooldownFactor(losses: losses, limits: RiskLimits()) == factor)
    }

    @Test func theLadderFollowsTheConfiguredStepAndFloor() {
        var limits = RiskLimits()
        limits.cooldownLossesBeforeScaling = 2
        limits.cooldownStepFactor = 0.8
        limits.cooldownFloorFactor = 0.5
        #expect(RiskChain.cooldownFactor(losses: 1, limits: limits) == 1)
        #expect(RiskChain.cooldownFactor(losses: 2, limits: limits) == 0.8)
        #expect(abs(RiskChain.cooldownFactor(losses: 3, limits: limits) - 0.64) < 1e-12)
        #expect(RiskChain.cooldownFactor(losses: 5, limits: limits) == 0.5)  // 0.4096 → floor
    }

    @Test func eachLosingRoundTripExtendsTheStrategysStreak() throws {
        var chain = Fixture.chain()
        for loss in 1...5 {
            let trade = try #require(Fixture.roundTrip(&chain, symbol: UInt32(loss % 3 + 1), entry: 1_000, exit: 990))
            #expect(trade.pnlUSD == -10)
            #expect(chain.book.strategy(1).consecutiveLosses == loss)
        }
        // The streak is the strategy's own: the other strategy still trades at full size.
        #expect(chain.book.strategy(2).consecutiveLosses == 0)
    }

    @Test(arguments: ladder.filter { $0.losses <= 7 })
    func aRiskIncreasingIntentIsScaledByTheLadderThroughTheChain(losses: Int, factor: Double) throws {
        var chain = Fixture.chain()
        for _ in 0..<losses { Fixture.roundTrip(&chain, symbol: 1, entry: 1_000, exit: 980) }
        #expect(chain.book.strategy(1).consecutiveLosses == losses)

        let decision = chain.decide(Fixture.intent(symbol: 2, quantity: 10), decisionID: 1, at: Fixture.day0)
        #expect(abs(decision.finalQuantity - 10 * factor) < 1e-12)
        let note = try #require(chain.trace.first { $0.stage == .cooldown })
        if factor < 1 {
            #expect(decision.verdict == .reshape)
            #expect(decision.reason == .cooldownScaled)
            #expect(note.code == .cooldownScaled)
            #expect(note.factor == factor)
            #expect(note.quantityIn == 10)
            #expect(abs(note.quantityOut - 10 * factor) < 1e-12)
            #expect(note.details.0 == Double(losses) && note.details.1 == factor)
        } else {
            #expect(decision.verdict == .approve)
            #expect(note.code == .none && note.factor == 1)
        }
    }

    @Test func theTraceNoteRendersTheLossesAndTheFactor() throws {
        var chain = Fixture.chain()
        for _ in 0..<4 { Fixture.roundTrip(&chain, entry: 1_000, exit: 999) }
        _ = chain.decide(Fixture.intent(symbol: 2, quantity: 8), decisionID: 1, at: Fixture.day0)
        let note = try #require(chain.trace.first { $0.code == .cooldownScaled })
        #expect(note.rendered == "COOLDOWN_SCALED: losses=4 factor=0.25")
        #expect(note.quantityOut == 2)
    }

    @Test func onlyTheRiskIncreasingPartIsScaledSoAnExitStaysWhole() {
        var chain = Fixture.chain()
        for _ in 0..<3 { Fixture.roundTrip(&chain, entry: 1_000, exit: 990) }  // factor 0.5
        Fixture.hold(&chain, strategy: 1, symbol: 2, quantity: 4, price: 1_000)
        // Sell 10 while long 4: the 4 that close pass whole, the 6 that open a short are halved.
        let flip = chain.decide(Fixture.intent(symbol: 2, side: .sell, quantity: 10), decisionID: 1, at: Fixture.day0)
        #expect(flip.verdict == .reshape && flip.reason == .cooldownScaled)
        #expect(flip.finalQuantity == 4 + 3)
        // A pure exit is not scaled at all.
        Fixture.hold(&chain, strategy: 1, symbol: 3, quantity: 5, price: 1_000)
        let exit = chain.decide(Fixture.intent(client: 2, symbol: 3, side: .sell, quantity: 5), decisionID: 2, at: Fixture.day0)
        #expect(exit.verdict == .approve && exit.finalQuantity == 5)
    }

    @Test func theCooldownCompoundsWithAnEarlierReshape() {
        var limits = Fixture.looseLimits()
        limits.maxSymbolPctOfEquity = 10  // 10,000 on 100,000: 10 units at 1,000
        var chain = Fixture.chain(limits: limits)
        for _ in 0..<3 { Fixture.roundTrip(&chain, symbol: 3, entry: 1_000, exit: 990) }
        let capUnits = 0.10 * chain.book.equityUSD / 1_000  // just under 10 after the three losses
        let decision = chain.decide(Fixture.intent(symbol: 1, quantity: 30), decisionID: 1, at: Fixture.day0)
        // 30 → ~10 by the symbol cap (~20 removed), then × 0.5 (~5 removed): the larger cut is the reason.
        #expect(abs(decision.finalQuantity - capUnits * 0.5) < 1e-9)
        #expect(decision.reason == .symbolNotionalReshape)
        #expect(chain.trace.contains { $0.code == .cooldownScaled && $0.factor == 0.5 })
    }

    @Test func oneWinningTradeResetsToFullSize() {
        var chain = Fixture.chain()
        for _ in 0..<5 { Fixture.roundTrip(&chain, entry: 1_000, exit: 990) }
        let scaled = chain.decide(Fixture.intent(symbol: 2, quantity: 8), decisionID: 1, at: Fixture.day0)
        #expect(scaled.finalQuantity == 1)  // 0.125

        Fixture.roundTrip(&chain, symbol: 3, entry: 1_000, exit: 1_001)
        #expect(chain.book.strategy(1).consecutiveLosses == 0)
        let full = chain.decide(Fixture.intent(client: 2, symbol: 4, quantity: 8), decisionID: 2, at: Fixture.day0)
        #expect(full.verdict == .approve && full.finalQuantity == 8)
    }

    /// What the code does: only a round trip with pnl < 0 (after fees) extends the streak; any
    /// other closed trade ends it, so a break-even trade resets like a win (Cooldown.swift says so).
    @Test func aBreakEvenTradeAlsoResetsTheStreak() throws {
        var chain = Fixture.chain()
        for _ in 0..<4 { Fixture.roundTrip(&chain, entry: 1_000, exit: 990) }
        #expect(chain.book.strategy(1).consecutiveLosses == 4)
        let flat = try #require(Fixture.roundTrip(&chain, entry: 1_000, exit: 1_000))
        #expect(flat.pnlUSD == 0)
        #expect(chain.book.strategy(1).consecutiveLosses == 0)
        let decision = chain.decide(Fixture.intent(symbol: 2, quantity: 8), decisionID: 1, at: Fixture.day0)
        #expect(decision.verdict == .approve && decision.finalQuantity == 8)
    }

    /// Fees count: a trade closed at its entry price but paying fees lost money, so it extends
    /// the streak rather than resetting it.
    @Test func aTradeThatOnlyLosesItsFeesCountsAsALoss() throws {
        var chain = Fixture.chain()
        for _ in 0..<2 { Fixture.roundTrip(&chain, entry: 1_000, exit: 990) }
        let trade = try #require(Fixture.roundTrip(&chain, entry: 1_000, exit: 1_000, fee: 0.5))
        #expect(trade.pnlUSD == -1)
        #expect(chain.book.strategy(1).consecutiveLosses == 3)
    }

    @Test func aPartialCloseDoesNotEndARoundTripOrTouchTheStreak() {
        var chain = Fixture.chain()
        for _ in 0..<3 { Fixture.roundTrip(&chain, entry: 1_000, exit: 990) }
        chain.applyFill(strategy: 1, symbol: 2, side: .buy, quantity: 4, price: 1_000, feeUSD: 0, at: Fixture.day0)
        // A profitable partial close is not a closed trade: the streak stays at 3 …
        let partial = chain.applyFill(strategy: 1, symbol: 2, side: .sell, quantity: 2, price: 1_050, feeUSD: 0, at: Fixture.day0)
        #expect(partial == nil)
        #expect(chain.book.strategy(1).consecutiveLosses == 3)
        // … and the round trip is judged whole: +100 then −60 is a win overall, which resets it.
        let closed = chain.applyFill(strategy: 1, symbol: 2, side: .sell, quantity: 2, price: 970, feeUSD: 0, at: Fixture.day0)
        #expect(closed?.pnlUSD == 40)
        #expect(chain.book.strategy(1).consecutiveLosses == 0)
    }
}
