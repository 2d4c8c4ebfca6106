import Engine
import Logging
import Risk
import Testing

/// The clock the order-rate throttles count in (`OrderRateClock`; docs/risk-chain.md): event
/// time in a replay, wall time on a live host, journaled with each decision and carried in the
/// snapshot so recovery re-decides with the same readings.
@Suite("Engine: the order-rate throttles' clock")
struct EngineOrderRateClockTests {
    /// A wall clock the test moves.
    final class Clock {
        var ns: Int64 = EngineTests.wall
    }

    /// One live strategy of 10,000 on BTCUSD at 100 (event time 1,000), 2 intents a second with a
    /// burst of 2, counted in `orderRateClock`.
    static func engine(_ clock: Clock, _ orderRateClock: OrderRateClock) -> (Engine, ScriptedPort, CollectingOutput) {
        var limits = RiskLimits()
        limits.maxIntentsPerSecond = 2
        limits.intentBurst = 2
        let engine = Engine(Engine.Setup(
            symbols: ["BTCUSD"],
            strategies: [.init(name: "a", mode: .live, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD"])],
            limits: limits, startingEquityUSD: 10_000, paperSlippageBps: 0, paperFeeBps: 0, liveOnPaper: true, deadman: nil),
            logger: Logger(label: "engine-tests"), wallNs: { clock.ns })
        engine.orderRateClock = orderRateClock
        let wired = EngineTests.wired(engine)
        EngineTests.trade(engine, at: 1_000, 100)
        return wired
    }

    static func submit(_ engine: Engine, _ clientID: UInt64) -> Decision {
        var intent = EngineTests.buy(clientID)
        intent.quantity = 0.1
        return engine.submit(intent, from: engine.strategies[0])
    }

    @Test func liveTheBucketsRefillWithWallTimeNotWithEventTime() {
        let clock = Clock()
        let (engine, port, output) = Self.engine(clock, .wall)
        defer { withExtendedLifetime(port) {} }
        #expect(Self.submit(engine, 1).verdict == .approve)
        #expect(Self.submit(engine, 2).verdict == .approve)
        // The burst is spent: 1 token needs 0.5 s at 2 a second.
        let third = Self.submit(engine, 3)
        #expect(third.verdict == .reject && third.reason == .orderRateExceeded)
        // An hour of event time (a feed replayed fast) refills nothing...
        EngineTests.trade(engine, at: 3_600_000_001_000, 100)
        #expect(Self.submit(engine, 4).reason == .orderRateExceeded)
        // ...half a second of wall time refills one token.
        clock.ns += 500_000_000
        #expect(Self.submit(engine, 5).verdict == .approve)
        #expect(Self.submit(engine, 6).reason == .orderRateExceeded)
        // Each decision is journaled with the wall time its buckets were counted at.
        let later = "wall=\(EngineTests.wall + 500_000_000)"
        #expect(output.events.filter { $0.hasPrefix("decision") }.suffix(2).allSatisfy { $0.hasSuffix(later) }, "\(output.events)")
        #expect(engine.captureState().orderRateClock == .wall)
    }

    @Test func inAReplayTheBucketsRefillWithEventTimeNotWithWallTime() {
        let clock = Clock()
        let (engine, port, _) = Self.engine(clock, .event)
        defer { withExtendedLifetime(port) {} }
        #expect(Self.submit(engine, 1).verdict == .approve)
        #expect(Self.submit(engine, 2).verdict == .approve)
        clock.ns += 3_600_000_000_000   // an hour of wall time: nothing
        #expect(Self.submit(engine, 3).reason == .orderRateExceeded)
        EngineTests.trade(engine, at: 500_001_000, 100)   // half a second of event time: one token
        #expect(Self.submit(engine, 4).verdict == .approve)
        #expect(Self.submit(engine, 5).reason == .orderRateExceeded)
        #expect(engine.captureState().orderRateClock == .event)
    }

    @Test func recoveryReDecidesAtTheJournaledWallTimeAndBucketsOfTheOtherClockStartFull() throws {
        let clock = Clock()
        let (live, port, _) = Self.engine(clock, .wall)
        defer { withExtendedLifetime(port) {} }
        let saved = live.captureState()
        let intents = (1...4).map { clientID -> OrderIntent in
            OrderIntent(strategyID: 1, clientID: clientID, symbolID: 1, side: .buy, quantity: 0.1, orderType: .market,
                        limitPrice: 0, stopLossPrice: 95, reduceOnly: false)
        }
        // Live: two pass, the third is refused, the fourth passes 0.5 s of wall time later.
        var made: [(Decision, Int64)] = []
        for (index, _) in intents.enumerated() {
            if index == 3 { clock.ns += 500_000_000 }
            made.append((Self.submit(live, UInt64(index + 1)), clock.ns))
        }
        #expect(made.map(\.0.verdict) == [.approve, .approve, .reject, .approve])

        // A restarted live host re-decides the tail at the journaled wall times, whatever its clock reads now.
        let restartedClock = Clock()
        restartedClock.ns = EngineTests.wall + 86_400_000_000_000
        let (restarted, restartedPort, _) = Self.engine(restartedClock, .wall)
        defer { withExtendedLifetime(restartedPort) {} }
        try restarted.restore(saved)
        for (intent, (decision, wall)) in zip(intents, made) {
            let again = try restarted.redecide(intent, decisionID: decision.decisionID, at: 1_000, journalWasUnavailable: false, orderRateAt: wall)
            #expect(again.verdict == decision.verdict && again.reason == decision.reason && again.finalQuantity == decision.finalQuantity)
        }
        restarted.finishReapplying(tailClock: .wall)
        // The burst is spent in both, to the token.
        #expect(restarted.captureState().risk.orderFlow == live.captureState().risk.orderFlow)

        // A replay on the same journal: wall-time buckets mean nothing in event time; they start full.
        let (replay, replayPort, _) = Self.engine(Clock(), .event)
        defer { withExtendedLifetime(replayPort) {} }
        try replay.restore(live.captureState())
        replay.finishReapplying(tailClock: .wall)
        #expect(Self.submit(replay, 10).verdict == .approve)
        #expect(Self.submit(replay, 11).verdict == .approve)
        #expect(Self.submit(replay, 12).reason == .orderRateExceeded)
    }
}
