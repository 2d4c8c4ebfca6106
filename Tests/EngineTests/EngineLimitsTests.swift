import Engine
import Risk
import Testing

/// `limits`, the operator verb that replaces the risk limits between two events
/// (docs/control.md): in force from the next intent, recorded key by key, refused whole.
@Suite("Engine: limits changed while running")
struct EngineLimitsTests {
    static func request() -> OperatorRequest {
        OperatorRequest(verb: .limits, strategy: nil, operatorName: "alice", reason: "tighter for the open", force: false,
                        limitsYAML: "risk: {}")
    }

    /// The risk sections behind a change of `strategy.max_position_pct` from 25 to 12.
    static let twelve = OperatorLimits(configured: "risk:\n  strategy:\n    max_position_pct: 25\n",
                                       inForce: "risk:\n  strategy:\n    max_position_pct: 12\n")

    @Test func theSnapshotCarriesTheLimitsInForceAndTheConfigsTheFirstChangeReplaced() {
        let (engine, port, _) = EngineTests.engine()
        defer { withExtendedLifetime(port) {} }
        #expect(engine.captureState().limits == nil)
        var tighter = engine.risk.limits
        tighter.strategyMaxPositionPct = 12
        _ = engine.perform(Self.request(), nowWallNs: EngineTests.wall, limits: LimitsChange(
            limits: tighter, changes: [(key: "strategy.max_position_pct", from: "25", to: "12")], source: Self.twelve))
        #expect(engine.captureState().limits == Self.twelve)
        // A second change: the baseline a restart compares the config with is still the config's.
        tighter.strategyMaxPositionPct = 10
        let ten = OperatorLimits(configured: "risk:\n  strategy:\n    max_position_pct: 12\n", inForce: "risk:\n  strategy:\n    max_position_pct: 10\n")
        _ = engine.perform(Self.request(), nowWallNs: EngineTests.wall, limits: LimitsChange(
            limits: tighter, changes: [(key: "strategy.max_position_pct", from: "12", to: "10")], source: ten))
        #expect(engine.captureState().limits == OperatorLimits(configured: Self.twelve.configured, inForce: ten.inForce))
    }

    @Test func newLimitsJudgeTheNextIntentAndEachChangedKeyIsRecorded() {
        let (engine, port, output) = EngineTests.engine()
        defer { withExtendedLifetime(port) {} }
        EngineTests.trade(engine, at: 1_000, 100)
        // 25 % of 10,000 allows 25 units at 100: 10 pass whole.
        var big = EngineTests.buy(1)
        big.quantity = 10
        #expect(engine.submit(big, from: engine.strategies[0]).verdict == .approve)
        output.events.removeAll()
        var tighter = engine.risk.limits
        tighter.strategyMaxPositionPct = 12
        let outcome = engine.perform(Self.request(), nowWallNs: EngineTests.wall, limits: LimitsChange(
            limits: tighter, changes: [(key: "strategy.max_position_pct", from: "25", to: "12")], source: Self.twelve))
        #expect(outcome.kind == .done && outcome.message.hasPrefix("1 limit changed, in force from the next intent: risk.strategy.max_position_pct 25 → 12"))
        #expect(output.events == ["operator limits done", "transition LIMIT 25->12", "end"])
        // 12 % allows 12 units, 10 are pending: 2 of the next 10 pass.
        big.clientID = 2
        let next = engine.submit(big, from: engine.strategies[0])
        #expect(next.verdict == .reshape && next.reason == .strategyPositionReshape && abs(next.finalQuantity - 2) < 1e-9)
    }

    @Test func aChangeOnlyARestartCanMakeIsRefusedAndTheLimitsStay() {
        let (engine, port, output) = EngineTests.engine()
        defer { withExtendedLifetime(port) {} }
        let before = engine.risk.limits
        var changed = before
        changed.correlationWindowSamples = 60
        changed.strategyMaxPositionPct = 10
        let outcome = engine.perform(Self.request(), nowWallNs: EngineTests.wall, limits: LimitsChange(
            limits: changed, changes: [(key: "correlation.window_samples", from: "120", to: "60")],
            source: OperatorLimits(configured: "risk: {}\n", inForce: "risk:\n  correlation:\n    window_samples: 60\n")))
        #expect(outcome == OperatorOutcome(.refused, "risk.correlation.window_samples: sizes the window of return samples the running host keeps: it changes only with a restart; the limits in force stay"))
        #expect(engine.risk.limits == before)
        #expect(output.events == ["operator limits refused", "end"])
        #expect(engine.captureState().limits == nil, "a refused change is not carried into the snapshot")
    }
}
