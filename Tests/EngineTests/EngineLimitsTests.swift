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
            limits: tighter, changes: [(key: "strategy.max_position_pct", from: "25", to: "12")]))
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
            limits: changed, changes: [(key: "correlation.window_samples", from: "120", to: "60")]))
        #expect(outcome == OperatorOutcome(.refused, "risk.correlation.window_samples: sizes the window of return samples the running host keeps: it changes only with a restart; the limits in force stay"))
        #expect(engine.risk.limits == before)
        #expect(output.events == ["operator limits refused", "end"])
    }
}
