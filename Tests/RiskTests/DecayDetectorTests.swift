import Testing
@testable import Risk

/// Seed 001, layer 7: rolling 30-day Sharpe of per-trade PnL %, annualized; with at least 10
/// trades in the window a Sharpe below 0.5 pauses the strategy until an operator resumes it.
@Suite("DecayDetector")
struct DecayDetectorTests {
    static let day: Int64 = 86_400_000_000_000

    /// Annualized Sharpe by hand: mean / sample standard deviation × √(n × 365 / window days).
    static func handSharpe(_ values: [Double], windowDays: Double = 30) -> Double {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return mean / variance.squareRoot() * (n * 365 / windowDays).squareRoot()
    }

    // MARK: DecayWindow

    @Test func theSharpeMatchesAHandComputation() throws {
        let values = [1.2, -0.4, 0.8, 2.1, -1.5, 0.3, 0.9, -0.2, 1.1, 0.6, -0.7]
        var window = DecayWindow(windowDays: 30)
        for (k, value) in values.enumerated() { window.add(pnlPct: value, at: Fixture.day0 + Int64(k) * Self.day) }
        #expect(window.count == 11)
        let sharpe = try #require(window.annualizedSharpe)
        // mean 0.38182, sample sd 1.01471, √(11 × 365 / 30) = 11.5686 → 4.35308
        #expect(abs(sharpe - Self.handSharpe(values)) < 1e-9)
        #expect(abs(sharpe - 4.35308) < 1e-5)
    }

    @Test func theAnnualizationScalesWithTheWindowLength() throws {
        let values = [0.5, -0.25, 1.0, 0.1]
        var thirty = DecayWindow(windowDays: 30), ninety = DecayWindow(windowDays: 90)
        for (k, value) in values.enumerated() {
            thirty.add(pnlPct: value, at: Fixture.day0 + Int64(k))
            ninety.add(pnlPct: value, at: Fixture.day0 + Int64(k))
        }
        let a = try #require(thirty.annualizedSharpe), b = try #require(ninety.annualizedSharpe)
        // The same trades over a window three times longer are a third as many trades per year.
        #expect(abs(a / b - 3.0.squareRoot()) < 1e-12)
        #expect(abs(b - Self.handSharpe(values, windowDays: 90)) < 1e-12)
    }

    @Test func fewerThanTwoTradesHaveNoSharpeAndZeroSpreadIsSignedInfinity() {
        var window = DecayWindow(windowDays: 30)
        #expect(window.annualizedSharpe == nil)
        window.add(pnlPct: -1, at: Fixture.day0)
        #expect(window.annualizedSharpe == nil)
        window.add(pnlPct: -1, at: Fixture.day0 + 1)
        #expect(window.annualizedSharpe == -.infinity)

        var winners = DecayWindow(windowDays: 30)
        winners.add(pnlPct: 0.5, at: Fixture.day0)
        winners.add(pnlPct: 0.5, at: Fixture.day0 + 1)
        #expect(winners.annualizedSharpe == .infinity)

        var flat = DecayWindow(windowDays: 30)
        flat.add(pnlPct: 0, at: Fixture.day0)
        flat.add(pnlPct: 0, at: Fixture.day0 + 1)
        #expect(flat.annualizedSharpe == 0)
    }

    @Test func tradesOlderThanTheWindowDropOut() throws {
        var window = DecayWindow(windowDays: 30)
        window.add(pnlPct: -3, at: Fixture.day0)
        window.add(pnlPct: -2, at: Fixture.day0 + 1 * Self.day)
        window.add(pnlPct: 1, at: Fixture.day0 + 10 * Self.day)
        window.add(pnlPct: 2, at: Fixture.day0 + 20 * Self.day)
        #expect(window.count == 4)
        // 30 days after the first trade, it is out (a trade exactly a window old no longer counts).
        window.add(pnlPct: 4, at: Fixture.day0 + 30 * Self.day)
        #expect(window.count == 4)
        window.evict(before: Fixture.day0 + 31 * Self.day - 1)
        #expect(window.count == 4)
        window.evict(before: Fixture.day0 + 31 * Self.day)
        #expect(window.count == 3)
        let sharpe = try #require(window.annualizedSharpe)
        #expect(abs(sharpe - Self.handSharpe([1, 2, 4])) < 1e-9)
    }

    @Test func theRunningSumsStayExactOverManyEvictionsAndCompactions() throws {
        var rng = SplitMix64(seed: 7)
        var window = DecayWindow(windowDays: 30)
        var all: [(ns: Int64, value: Double)] = []
        var ns = Fixture.day0
        for _ in 0..<5_000 {
            ns += Int64(rng.uniform(0...(2 * 3_600))) * 1_000_000_000  // up to 2 h apart: ~700 in a window
            let value = rng.gaussian() * 2 + 0.1
            all.append((ns, value))
            window.add(pnlPct: value, at: ns)
        }
        let inWindow = all.filter { $0.ns > ns - 30 * Self.day }.map(\.value)
        #expect(window.count == inWindow.count)
        let sharpe = try #require(window.annualizedSharpe)
        #expect(abs(sharpe - Self.handSharpe(inWindow)) < 1e-6 * max(1, abs(sharpe)))
    }

    // MARK: Through the chain

    /// Closes one 1-unit round trip at 1,000 whose pnl is `pnlPct` percent of its notional.
    static func close(_ chain: inout RiskChain, pnlPct: Double, strategy: UInt32 = 1, at ns: Int64 = Fixture.day0) -> ClosedTrade? {
        Fixture.roundTrip(&chain, strategy: strategy, symbol: 1, entry: 1_000, exit: 1_000 + pnlPct * 10, at: ns)
    }

    /// A losing, noisy, but mixed record: alternately −2 % and +1 %, ending on a win (so the
    /// cooldown streak is 0 afterwards and only the decay detector is at work).
    static let badRecord: [Double] = [-2, 1, -2, 1, -2, 1, -2, 1, -2, 1]

    @Test func nineBadTradesNeverPauseAndTheTenthPauses() throws {
        var chain = Fixture.chain()
        Fixture.hold(&chain, strategy: 1, symbol: 3, quantity: 5, price: 1_000)
        chain.clearStateChanges()
        for (k, pnl) in Self.badRecord.prefix(9).enumerated() {
            let trade = try #require(Self.close(&chain, pnlPct: pnl))
            #expect(abs(trade.pnlPct - pnl) < 1e-9)
            #expect(chain.decayWindows[0].count == k + 1)
            #expect(!chain.decayPaused[0], "paused after only \(k + 1) trades")
        }
        #expect(chain.stateChanges.isEmpty)
        let nine = chain.decide(Fixture.intent(client: 1, symbol: 2, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(nine.verdict == .approve)

        _ = try #require(Self.close(&chain, pnlPct: Self.badRecord[9]))
        let expected = Self.handSharpe(Self.badRecord)
        #expect(expected < 0.5)
        #expect(chain.decayPaused[0])
        #expect(!chain.decayPaused[1])
        let change = try #require(chain.stateChanges.first)
        #expect(chain.stateChanges.count == 1)
        #expect(change.kind == .strategyPaused(strategyID: 1))
        #expect(change.reason == .decayPaused)
        #expect(abs(change.value - expected) < 1e-9)
        #expect(change.limit == 0.5)

        // New risk is refused …
        let entry = chain.decide(Fixture.intent(client: 2, symbol: 2, quantity: 1), decisionID: 2, at: Fixture.day0)
        #expect(entry.verdict == .reject)
        #expect(entry.reason == .decayPaused)
        let note = try #require(chain.trace.first { $0.stage == .decayDetector })
        #expect(note.code == .decayPaused)
        #expect(abs(note.details.0 - expected) < 1e-9 && note.details.1 == 10)
        // … an exit still passes, and a flip keeps only its reducing part …
        let exit = chain.decide(Fixture.intent(client: 3, symbol: 3, side: .sell, quantity: 2), decisionID: 3, at: Fixture.day0)
        #expect(exit.verdict == .approve && exit.finalQuantity == 2)
        let flip = chain.decide(Fixture.intent(client: 4, symbol: 3, side: .sell, quantity: 7), decisionID: 4, at: Fixture.day0)
        #expect(flip.verdict == .reshape && flip.reason == .decayPaused && flip.finalQuantity == 3)
        // … and another strategy is not affected.
        let other = chain.decide(Fixture.intent(strategy: 2, client: 1, symbol: 2, quantity: 1), decisionID: 5, at: Fixture.day0)
        #expect(other.verdict == .approve)

        chain.resumeStrategy(1)
        #expect(!chain.decayPaused[0])
        let resumed = chain.decide(Fixture.intent(client: 5, symbol: 4, quantity: 1), decisionID: 6, at: Fixture.day0)
        #expect(resumed.verdict == .approve)
    }

    @Test func aResumedStrategyWhoseWindowIsStillBadIsPausedAgainAtItsNextClosedTrade() {
        var chain = Fixture.chain()
        for pnl in Self.badRecord { _ = Self.close(&chain, pnlPct: pnl) }
        #expect(chain.decayPaused[0])
        chain.resumeStrategy(1)
        _ = Self.close(&chain, pnlPct: 0.5)
        #expect(chain.decayPaused[0])
        #expect(chain.stateChanges.filter { $0.kind == .strategyPaused(strategyID: 1) }.count == 2)
    }

    @Test func aSharpeAtOrAboveTheThresholdWithTenTradesDoesNotPause() {
        var chain = Fixture.chain()
        let good: [Double] = [1.5, -0.5, 2, 0.8, -1, 1.2, 0.4, 2.5, -0.3, 1]
        for pnl in good { _ = Self.close(&chain, pnlPct: pnl) }
        #expect(chain.decayWindows[0].count == 10)
        #expect(!chain.decayPaused[0])
        #expect(chain.stateChanges.isEmpty)
    }

    /// Per-trade values a ± 1 (five each): mean a, sample sd √(10/9), so the annualized Sharpe is
    /// a / √(10/9) × √(10 × 365 / 30) ≈ 10.47 a. Just above and just below 0.5.
    @Test(arguments: [(0.0525, false), (0.0430, true)])
    func theThresholdIsAnnualizedSharpeHalf(edge: Double, pauses: Bool) {
        var chain = Fixture.chain()
        let values = (0..<10).map { edge + ($0 % 2 == 0 ? 1.0 : -1.0) }
        let sharpe = Self.handSharpe(values)
        #expect((sharpe < 0.5) == pauses)
        #expect(abs(sharpe - 0.5) < 0.06)
        for pnl in values { _ = Self.close(&chain, pnlPct: pnl) }
        #expect(abs((chain.decayWindows[0].annualizedSharpe ?? .nan) - sharpe) < 1e-6)
        #expect(chain.decayPaused[0] == pauses)
    }

    @Test func badTradesOlderThanThirtyDaysOfEventTimeNoLongerCount() {
        var within = Fixture.chain(), beyond = Fixture.chain()
        for pnl in Self.badRecord.prefix(9) {
            _ = Self.close(&within, pnlPct: pnl)
            _ = Self.close(&beyond, pnlPct: pnl)
        }
        // The tenth bad trade 29 days later still sees the other nine; 31 days later it is alone.
        _ = Self.close(&within, pnlPct: Self.badRecord[9], at: Fixture.day0 + 29 * Self.day)
        _ = Self.close(&beyond, pnlPct: Self.badRecord[9], at: Fixture.day0 + 31 * Self.day)
        #expect(within.decayWindows[0].count == 10)
        #expect(within.decayPaused[0])
        #expect(beyond.decayWindows[0].count == 1)
        #expect(!beyond.decayPaused[0])
    }

    @Test func aShadowStrategyIsPausedOnItsOwnRecordWithoutTouchingLiveOnes() {
        var chain = Fixture.chain(strategies: [(.live, 100_000), (.shadow, 100_000)])
        for pnl in Self.badRecord { _ = Self.close(&chain, pnlPct: pnl, strategy: 2) }
        #expect(chain.decayPaused == [false, true])
        let shadow = chain.decide(Fixture.intent(strategy: 2, symbol: 2, quantity: 1), decisionID: 1, at: Fixture.day0)
        #expect(shadow.reason == .decayPaused)
        let live = chain.decide(Fixture.intent(strategy: 1, symbol: 2, quantity: 1), decisionID: 2, at: Fixture.day0)
        #expect(live.verdict == .approve)
    }
}
