import Testing
@testable import Risk

/// Self-trade prevention in the chain (docs/risk-chain.md, "Self-trade prevention"): the engine
/// names the resting live order an intent would cross; the chain refuses its new risk or lets it
/// through and asks for the resting order's cancel, by `risk.firewall.self_trade`. Every symbol
/// is marked at 1,000.
@Suite("Self-trade prevention")
struct SelfTradePreventionTests {
    /// Strategy 2's sell limit at 1,000.5, resting.
    static let restingSell = RestingOrder(orderID: 7, strategyID: 2, limitPrice: 1_000.5)

    static func chain(_ policy: RiskLimits.SelfTradePolicy) -> RiskChain {
        var limits = Fixture.looseLimits()
        limits.selfTradePolicy = policy
        return Fixture.chain(limits: limits)
    }

    static func buyLimit(_ quantity: Double, at price: Double, client: UInt64 = 1) -> OrderIntent {
        OrderIntent(strategyID: 1, clientID: client, symbolID: 1, side: .buy, quantity: quantity, orderType: .limit,
                    limitPrice: price, stopLossPrice: price - 10, reduceOnly: false)
    }

    @Test func underRefuseNewRiskAgainstARestingOrderIsRefusedNamingIt() {
        var chain = Self.chain(.refuse)
        let decision = chain.decide(Self.buyLimit(2, at: 1_001), decisionID: 1, at: Fixture.day0, resting: Self.restingSell)
        #expect(decision.verdict == .reject && decision.reason == .selfTradePrevented && decision.finalQuantity == 0)
        #expect(FirewallTests.note(chain, .selfTradePrevented)
            == "SELF_TRADE_PREVENTED: price=1001 resting_price=1000.5 resting_strategy_id=2 resting_order_id=7")
        // Nothing went through, so nothing is to be cancelled, and nothing was booked.
        #expect(!chain.selfTradeCancelDue)
        #expect(chain.book.pending(strategy: 1, symbol: 1) == 0)
    }

    @Test func underRefuseAnExitPassesAndTheRestingOrderIsToBeCancelled() {
        var chain = Self.chain(.refuse)
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: -3, price: 1_000)
        // Buy 5 while short 3: the 3 that cover pass, the 2 of new long are refused.
        let decision = chain.decide(Self.buyLimit(5, at: 1_001), decisionID: 1, at: Fixture.day0, resting: Self.restingSell)
        #expect(decision.verdict == .reshape && decision.reason == .selfTradePrevented && decision.finalQuantity == 3)
        #expect(chain.selfTradeCancelDue)
        #expect(FirewallTests.note(chain, .selfTradeRestingCancelled)
            == "SELF_TRADE_RESTING_CANCELLED: price=1001 resting_price=1000.5 resting_strategy_id=2 resting_order_id=7")
    }

    @Test func underCancelRestingTheIntentPassesWholeAndTheRestingOrderIsToBeCancelled() {
        var chain = Self.chain(.cancelResting)
        let decision = chain.decide(Self.buyLimit(2, at: 1_001), decisionID: 1, at: Fixture.day0, resting: Self.restingSell)
        #expect(decision.verdict == .approve && decision.reason == .none && decision.finalQuantity == 2)
        #expect(chain.selfTradeCancelDue)
        #expect(FirewallTests.note(chain, .selfTradeRestingCancelled) != nil)
        // The flag holds for one decision only.
        _ = chain.decide(Self.buyLimit(1, at: 999, client: 2), decisionID: 2, at: Fixture.day0)
        #expect(!chain.selfTradeCancelDue)
    }

    @Test func anIntentRefusedForAnotherReasonCancelsNothing() {
        var chain = Self.chain(.cancelResting)
        chain.setKillSwitch(true)
        _ = chain.decide(Self.buyLimit(2, at: 1_001), decisionID: 1, at: Fixture.day0, resting: Self.restingSell)
        #expect(!chain.selfTradeCancelDue)
    }

    @Test func offIgnoresTheRestingOrder() {
        var chain = Self.chain(.off)
        let decision = chain.decide(Self.buyLimit(2, at: 1_001), decisionID: 1, at: Fixture.day0, resting: Self.restingSell)
        #expect(decision.verdict == .approve && !chain.selfTradeCancelDue)
        #expect(chain.trace.allSatisfy { $0.code != .selfTradeRestingCancelled })
    }

    @Test func aMarketIntentIsCheckedAtTheMarkOrTheBandEdge() {
        var chain = Self.chain(.refuse)
        let buy = Fixture.intent(quantity: 1)
        #expect(chain.entryPrice(of: buy) == 1_000)
        var banded = Fixture.looseLimits()
        banded.priceBandPct = 2
        chain = Fixture.chain(limits: banded)
        #expect(chain.entryPrice(of: buy) == 1_020)
        #expect(chain.entryPrice(of: Fixture.intent(side: .sell, quantity: 1)) == 980)
    }

    @Test func theDefaultPolicyIsRefuseAndItsNotesAreStable() {
        #expect(RiskLimits().selfTradePolicy == .refuse)
        #expect(ReasonCode.selfTradePrevented.severity == .hardReject)
        #expect(ReasonCode.selfTradeRestingCancelled.severity == .info)
    }
}
