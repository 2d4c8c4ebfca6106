import Engine
import Logging
import MarketData
import Risk
import Testing

/// Self-trade prevention through the engine (docs/risk-chain.md, "Self-trade prevention"): the
/// engine finds the resting live order an intent would cross at the live venue, the chain
/// decides, and the crossed orders are cancelled before the new one is sent, recorded after its
/// decision, and told to their strategy.
@Suite("Engine: self-trade prevention")
struct EngineSelfTradeTests {
    /// Two live strategies on the paper venue, or a live one and a shadow one, marked at 100.
    static func engine(_ policy: RiskLimits.SelfTradePolicy, secondMode: BookMode = .live)
        -> (Engine, ScriptedPort, CollectingOutput) {
        var limits = RiskLimits()
        limits.selfTradePolicy = policy
        return EngineTests.twoStrategies(limits, secondMode: secondMode)
    }

    static func limit(_ side: Side, _ clientID: UInt64, at price: Double, quantity: Double = 1) -> IntentRequest {
        IntentRequest(clientID: clientID, symbolID: 1, side: side.rawValue, quantity: quantity, orderType: OrderType.limit.rawValue,
                      limitPrice: price, stopLossPrice: side == .buy ? price - 5 : price + 5, reduceOnly: 0)
    }

    static func market(_ side: Side, _ clientID: UInt64) -> IntentRequest {
        IntentRequest(clientID: clientID, symbolID: 1, side: side.rawValue, quantity: 1, orderType: OrderType.market.rawValue,
                      limitPrice: 0, stopLossPrice: side == .buy ? 95 : 105, reduceOnly: 0)
    }

    @Test func underRefuseASellReachingAnotherStrategysRestingBuyIsRefused() {
        let (engine, port, _) = Self.engine(.refuse)
        defer { withExtendedLifetime(port) {} }
        #expect(engine.submit(Self.limit(.buy, 1, at: 99), from: engine.strategies[0]).verdict == .approve)
        // b's sell at 98.5 would take a's bid at 99: the account would trade with itself.
        let crossing = engine.submit(Self.limit(.sell, 1, at: 98.5), from: engine.strategies[1])
        #expect(crossing.verdict == .reject && crossing.reason == .selfTradePrevented)
        // A sell above the bid, and a market sell valued at the mark (100), cross nothing.
        #expect(engine.submit(Self.limit(.sell, 2, at: 99.5), from: engine.strategies[1]).verdict == .approve)
        #expect(engine.submit(Self.market(.sell, 3), from: engine.strategies[1]).verdict == .approve)
        // a's bid is still resting.
        #expect(engine.paper.openOrders[1].map(\.clientID) == [1, 2, 3])
    }

    @Test func underCancelRestingTheRestingOrderIsCancelledRecordedAfterTheDecisionAndTold() {
        let (engine, port, output) = Self.engine(.cancelResting)
        defer { withExtendedLifetime(port) {} }
        _ = engine.submit(Self.limit(.buy, 1, at: 99), from: engine.strategies[0])
        _ = engine.submit(Self.limit(.buy, 2, at: 97), from: engine.strategies[0])
        engine.flushNotices()
        port.notices.removeAll()
        output.events.removeAll()
        let crossing = engine.submit(Self.limit(.sell, 1, at: 98.5), from: engine.strategies[1])
        #expect(crossing.verdict == .approve && crossing.finalQuantity == 1)
        // Only the bid the sell reaches (99) goes; the one at 97 stays.
        #expect(engine.paper.openOrders[1].map { "\($0.strategyID)/\($0.clientID)" } == ["1/2", "2/1"])
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == 1)
        #expect(output.events == ["decision 3 APPROVE wall=\(EngineTests.wall)", "order 3 submitted", "order 1 cancelled"])
        #expect(engine.risk.trace.contains { $0.code == .selfTradeRestingCancelled })
        engine.flushNotices()
        #expect(port.notices == ["decision 1 1 APPROVE NONE", "update 0 1 cancelled SELF_TRADE_PREVENTED"])
    }

    @Test func underRefuseAnExitStillPassesAndCancelsTheOrderItWouldCross() {
        let (engine, port, _) = Self.engine(.refuse)
        defer { withExtendedLifetime(port) {} }
        // a holds 1 (its market buy fills at the next tick); b rests bids at 100.5 and 100.4.
        _ = engine.submit(Self.market(.buy, 1), from: engine.strategies[0])
        EngineTests.trade(engine, at: 2_000, 100)
        #expect(engine.risk.book.position(strategy: 1, symbol: 1) == 1)
        _ = engine.submit(Self.limit(.buy, 1, at: 100.5), from: engine.strategies[1])
        _ = engine.submit(Self.limit(.buy, 2, at: 100.4), from: engine.strategies[1])
        // a's exit, a sell of its 1 at 100, reaches both bids: it passes, and both are cancelled.
        let exit = engine.submit(IntentRequest(clientID: 2, symbolID: 1, side: Side.sell.rawValue, quantity: 1,
                                               orderType: OrderType.limit.rawValue, limitPrice: 100, stopLossPrice: 0,
                                               reduceOnly: 1), from: engine.strategies[0])
        #expect(exit.verdict == .approve)
        #expect(engine.paper.openOrders[1].map { "\($0.strategyID)/\($0.clientID)" } == ["1/2"])
        // A strategy's own resting order counts too: a bid by a at 100.5 reaches a's sell at 100.
        let own = engine.submit(Self.limit(.buy, 3, at: 100.5), from: engine.strategies[0])
        #expect(own.verdict == .reject && own.reason == .selfTradePrevented)
    }

    @Test func aShadowStrategyNeitherCrossesNorIsCrossed() {
        let (engine, port, _) = Self.engine(.refuse, secondMode: .shadow)
        defer { withExtendedLifetime(port) {} }
        _ = engine.submit(Self.limit(.buy, 1, at: 99), from: engine.strategies[0])
        #expect(engine.submit(Self.limit(.sell, 1, at: 98.5), from: engine.strategies[1]).verdict == .approve)
        _ = engine.submit(Self.limit(.buy, 2, at: 97), from: engine.strategies[1])
        #expect(engine.submit(Self.limit(.sell, 2, at: 96), from: engine.strategies[0]).reason == .selfTradePrevented,
                "a's own bid at 99 is crossed; b's shadow bid is not looked at")
        #expect(engine.paper.openOrders[1].count == 3)
    }

    @Test func recoveryReDecidesWithTheRestingOrderStillThereThenReappliesItsCancel() throws {
        // The live run: a bids 99, b's sell at 98.5 cancels it (cancel_resting).
        let (live, livePort, _) = Self.engine(.cancelResting)
        defer { withExtendedLifetime(livePort) {} }
        let bid = live.submit(Self.limit(.buy, 1, at: 99), from: live.strategies[0])
        let sell = live.submit(Self.limit(.sell, 1, at: 98.5), from: live.strategies[1])
        // Recovery re-applies the journal's rows in order: the decisions, then the cancel that
        // was recorded after the second one.
        let (restored, restoredPort, _) = Self.engine(.cancelResting)
        defer { withExtendedLifetime(restoredPort) {} }
        func intent(_ strategy: UInt32, _ side: Side, _ price: Double) -> OrderIntent {
            OrderIntent(strategyID: strategy, clientID: 1, symbolID: 1, side: side, quantity: 1, orderType: .limit,
                        limitPrice: price, stopLossPrice: side == .buy ? price - 5 : price + 5, reduceOnly: false)
        }
        let redoneBid = try restored.redecide(intent(1, .buy, 99), decisionID: bid.decisionID, at: 1_000, journalWasUnavailable: false)
        let redoneSell = try restored.redecide(intent(2, .sell, 98.5), decisionID: sell.decisionID, at: 1_000, journalWasUnavailable: false)
        #expect(redoneBid == bid && redoneSell == sell)
        try restored.reapplyCancel(orderID: bid.decisionID, symbol: 1)
        #expect(restored.paper.openOrders == live.paper.openOrders)
        #expect(restored.risk.book.pending(strategy: 1, symbol: 1) == live.risk.book.pending(strategy: 1, symbol: 1))
    }
}

@Suite("Engine: operator verbs on the Firewall's latch")
struct EngineLatchResumeTests {
    @Test func resumeLiftsTheRepeatedExecutionLatch() {
        var limits = RiskLimits()
        limits.repeatedFills = 2
        limits.repeatedFillsWindowSeconds = 60
        let engine = Engine(Engine.Setup(
            symbols: ["BTCUSD"], strategies: [.init(name: "a", mode: .live, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD"])],
            limits: limits, startingEquityUSD: 10_000, paperSlippageBps: 0, paperFeeBps: 0, liveOnPaper: true, deadman: nil),
            logger: Logger(label: "engine-latch-tests"), wallNs: { EngineTests.wall })
        let port = ScriptedPort()
        engine.port = port
        defer { withExtendedLifetime(port) {} }
        EngineTests.trade(engine, at: 1_000, 100)
        // Two buys filled within the window: the latch pauses a.
        _ = engine.submit(EngineTests.buy(1), from: engine.strategies[0])
        EngineTests.trade(engine, at: 2_000, 100)
        _ = engine.submit(EngineTests.buy(2), from: engine.strategies[0])
        EngineTests.trade(engine, at: 3_000, 100)
        #expect(engine.submit(EngineTests.buy(3), from: engine.strategies[0]).reason == .repeatedExecutions)
        let outcome = engine.perform(OperatorRequest(verb: .resume, strategy: "a", operatorName: "alice", reason: "checked the fills",
                                                     force: false), nowWallNs: EngineTests.wall)
        #expect(outcome == OperatorOutcome(.done, "a resumed (it was paused by the repeated-execution latch)"))
        #expect(engine.submit(EngineTests.buy(4), from: engine.strategies[0]).verdict == .approve)
    }
}
