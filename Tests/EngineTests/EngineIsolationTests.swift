import Engine
import Logging
import MarketData
import Risk
import Testing

/// Strategy isolation through the engine (docs/risk-chain.md, "Strategy isolation"): a strategy
/// past its fair share of the audit queue (the output tells) or of the loop's time (the plugin
/// host tells) has its new risk refused while the others go on; the callback watchdog's report
/// is journaled, and its pause holds until an operator resumes it. Recovery re-decides a refused
/// intent with the block its trace shows.
@Suite("Engine: strategy isolation")
struct EngineIsolationTests {
    /// Two live strategies on the paper venue, marked at 100, under the default limits as `edit` changes them.
    static func engine(_ edit: (inout RiskLimits) -> Void = { _ in }) -> (Engine, ScriptedPort, CollectingOutput) {
        var limits = RiskLimits()
        edit(&limits)
        return EngineTests.twoStrategies(limits)
    }

    static let auditBlock = IsolationBlock(code: .auditQueueShareExceeded, details: (2_000, 1_536, 2_600, 4_096))

    @Test func aStrategyPastItsAuditQueueShareIsRefusedNewRiskWhileTheOtherGoesOn() throws {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }
        output.auditShareBlocks[1] = Self.auditBlock
        let refused = engine.submit(EngineTests.buy(1), from: engine.strategies[0])
        #expect(refused.verdict == .reject && refused.reason == .auditQueueShareExceeded)
        let note = try #require(engine.risk.trace.first { $0.code == .auditQueueShareExceeded })
        #expect(note.stage == .firewall && note.details == (2_000, 1_536, 2_600, 4_096))
        #expect(engine.submit(EngineTests.buy(1), from: engine.strategies[1]).verdict == .approve)
    }

    @Test func anExitPassesPastTheShareAndWithFairShareOffNothingIsRefused() {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }
        _ = engine.submit(EngineTests.buy(1), from: engine.strategies[0])
        EngineTests.trade(engine, at: 2_000, 100)   // a holds 1
        output.auditShareBlocks[1] = Self.auditBlock
        let exit = engine.submit(IntentRequest(clientID: 2, symbolID: 1, side: Side.sell.rawValue, quantity: 1,
                                               orderType: OrderType.market.rawValue, limitPrice: 0, stopLossPrice: 0, reduceOnly: 1),
                                 from: engine.strategies[0])
        #expect(exit.verdict == .approve && exit.finalQuantity == 1)
        // The loop-time block the plugin host passes is refused the same way.
        let loop = IsolationBlock(code: .loopTimeShareExceeded, details: (700, 500, 1_000, 0))
        output.auditShareBlocks[1] = nil
        #expect(engine.submit(EngineTests.buy(3), from: engine.strategies[0], loopShare: loop).reason == .loopTimeShareExceeded)

        let (off, offPort, offOutput) = Self.engine { $0.fairShare = false }
        defer { withExtendedLifetime(offPort) {} }
        offOutput.auditShareBlocks[1] = Self.auditBlock
        #expect(off.submit(EngineTests.buy(1), from: off.strategies[0], loopShare: loop).verdict == .approve)
    }

    @Test func recoveryReDecidesARefusedIntentWithTheBlockItsTraceShows() throws {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }
        output.auditShareBlocks[1] = Self.auditBlock
        let live = engine.submit(EngineTests.buy(1), from: engine.strategies[0])
        #expect(live.reason == .auditQueueShareExceeded)
        let intent = OrderIntent(strategyID: 1, clientID: 1, symbolID: 1, side: .buy, quantity: 1, orderType: .market,
                                 limitPrice: 0, stopLossPrice: 95, reduceOnly: false)
        // A second engine in the same state re-decides it: with the block, the same decision;
        // without it (what recovery did before the block was kept), an approval.
        let (again, againPort, _) = Self.engine()
        defer { withExtendedLifetime(againPort) {} }
        let redone = try again.redecide(intent, decisionID: live.decisionID, at: live.timestampNs, journalWasUnavailable: false,
                                        isolation: Self.auditBlock)
        #expect(redone.verdict == live.verdict && redone.reason == live.reason && redone.finalQuantity == live.finalQuantity)
        let (bare, barePort, _) = Self.engine()
        defer { withExtendedLifetime(barePort) {} }
        #expect(try bare.redecide(intent, decisionID: live.decisionID, at: live.timestampNs, journalWasUnavailable: false).verdict == .approve)
    }

    @Test func theWatchdogsOverrunIsPublishedAndItsPauseHoldsUntilAnOperatorResumes() throws {
        let (engine, port, output) = Self.engine { $0.callbackOverrunsToPause = 2 }
        defer { withExtendedLifetime(port) {} }
        _ = engine.submit(EngineTests.buy(1), from: engine.strategies[0])   // resting until the next tick
        output.events.removeAll()
        engine.reportCallbackOverrun(strategy: 1, callback: "on_market_data", elapsedNs: 250_000_000, inWindow: 1, pause: false)
        #expect(output.events == ["transition WATCHDOG 0->1"])
        #expect(engine.submit(EngineTests.buy(2), from: engine.strategies[0]).verdict == .approve)
        output.events.removeAll()
        engine.reportCallbackOverrun(strategy: 1, callback: "on_timer", elapsedNs: 300_000_000, inWindow: 2, pause: true)
        // The pause is a latch: recorded, and a's two resting buys (risk-increasing) are cancelled.
        #expect(output.events == ["transition WATCHDOG 1->2", "other", "order 1 cancelled", "order 2 cancelled"])
        #expect(engine.strategies[0].callbackOverruns == 2)
        let paused = engine.submit(EngineTests.buy(3), from: engine.strategies[0])
        #expect(paused.reason == .callbackOverrun)
        let note = try #require(engine.risk.trace.first { $0.code == .callbackOverrun })
        #expect(note.details == (2, 100, 60, 0))
        #expect(engine.submit(EngineTests.buy(1), from: engine.strategies[1]).verdict == .approve, "b goes on")
        // Kept in the state (a restart keeps the pause).
        #expect(engine.captureState().risk.orderFlow?.callbackPaused == [true, false])
        let outcome = engine.perform(OperatorRequest(verb: .resume, strategy: "a", operatorName: "alice", reason: "plugin fixed",
                                                     force: false), nowWallNs: EngineTests.wall)
        #expect(outcome == OperatorOutcome(.done, "a resumed (it was paused by the callback watchdog)"))
        #expect(engine.submit(EngineTests.buy(4), from: engine.strategies[0]).verdict == .approve)
    }
}
