import Foundation
import Testing
@testable import Risk

/// Seeds 001/002: positions scale between 25 % and 100 % of their size by how correlated they
/// are with what the live book already holds; correlations are of log returns sampled on a 60 s
/// event-time grid over a rolling window.
@Suite("CorrelationSizer")
struct CorrelationSizerTests {
    static let minute: Int64 = 60_000_000_000

    /// One step of returns for `rhos.count` symbols: symbol k's return is
    /// vol·(ρ_k·z₀ + √(1−ρ_k²)·z_k), so its correlation with the common factor z₀ is ρ_k.
    static func correlatedReturns(_ rng: inout SplitMix64, rhos: [Double], vol: Double = 0.002) -> [Double] {
        let common = rng.gaussian()
        return rhos.map { rho in vol * (rho * common + (1 - rho * rho).squareRoot() * rng.gaussian()) }
    }

    // MARK: RollingCorrelation against a direct computation

    @Test func theRollingCorrelationEqualsADirectPearsonOverTheLastWindowOfGridSteps() throws {
        let window = 50, minSamples = 10
        var rolling = RollingCorrelation(symbolCount: 4, windowSamples: window, sampleSeconds: 60, minSamples: minSamples)
        var rng = SplitMix64(seed: 42)
        // 1 and 2 strongly correlated, 3 independent, 4 anti-correlated with the common factor.
        let rhos = [1.0, 0.8, 0.0, -0.6]
        var prices = [100.0, 2_000.0, 5.0, 40.0]
        var history = [prices]
        rolling.advance(to: Fixture.day0, marks: prices)
        var checked = 0
        for step in 1...200 {
            let r = Self.correlatedReturns(&rng, rhos: rhos, vol: 0.01)
            for k in 0..<4 { prices[k] *= Foundation.exp(r[k]) }
            history.append(prices)
            rolling.advance(to: Fixture.day0 + Int64(step) * Self.minute, marks: prices)
            guard [5, 9, 10, 11, 49, 50, 51, 77, 120, 200].contains(step) else { continue }
            let first = max(1, history.count - window)
            for a in 1...4 {
                #expect(rolling.sampleCount(symbol: UInt32(a)) == min(step, window))
                for b in 1...4 where b > a {
                    let returnsOf = { (s: Int) in (first..<history.count).map { Foundation.log(history[$0][s] / history[$0 - 1][s]) } }
                    let got = rolling.correlation(UInt32(a), UInt32(b), minSamples: minSamples)
                    if step < minSamples {
                        #expect(got == nil)
                        continue
                    }
                    let expected = Fixture.pearson(returnsOf(a - 1), returnsOf(b - 1))
                    let value = try #require(got, "step \(step) pair \(a),\(b)")
                    #expect(abs(value - expected) < 1e-9, "step \(step) pair \(a),\(b): \(value) vs \(expected)")
                    #expect(rolling.correlation(UInt32(b), UInt32(a), minSamples: minSamples) == value)
                    checked += 1
                }
            }
        }
        #expect(checked == 6 * 8)
        // The generator did what it says, so the pairs really differ.
        let r12 = try #require(rolling.correlation(1, 2, minSamples: minSamples))
        let r14 = try #require(rolling.correlation(1, 4, minSamples: minSamples))
        #expect(r12 > 0.6 && r14 < -0.3)
    }

    @Test func theMatrixIsTheSameCorrelationReadyToRead() {
        var rolling = RollingCorrelation(symbolCount: 3, windowSamples: 40, sampleSeconds: 60, minSamples: 10)
        var rng = SplitMix64(seed: 5)
        var prices = [10.0, 20.0, 30.0]
        rolling.advance(to: Fixture.day0, marks: prices)
        for step in 1...60 {
            let r = Self.correlatedReturns(&rng, rhos: [1, 0.7, -0.2])
            for k in 0..<3 { prices[k] *= Foundation.exp(r[k]) }
            rolling.advance(to: Fixture.day0 + Int64(step) * Self.minute, marks: prices)
            for i in 0..<3 {
                #expect(rolling.matrix[i * 3 + i] == 0 && rolling.valid[i * 3 + i] == 0)
                for j in 0..<3 where j != i {
                    let rho = rolling.correlation(UInt32(i + 1), UInt32(j + 1), minSamples: 10)
                    #expect(rolling.matrix[i * 3 + j] == (rho ?? 0))
                    #expect(rolling.valid[i * 3 + j] == (rho == nil ? 0 : 1))
                }
            }
        }
        #expect(rolling.correlation(2, 2, minSamples: 10) == 1)
    }

    @Test func aCorrelationOnlyChangesWhenAGridBoundaryIsCrossed() throws {
        var rolling = RollingCorrelation(symbolCount: 2, windowSamples: 30, sampleSeconds: 60, minSamples: 5)
        var rng = SplitMix64(seed: 9)
        var prices = [10.0, 20.0]
        rolling.advance(to: Fixture.day0, marks: prices)
        for step in 1...20 {
            let r = Self.correlatedReturns(&rng, rhos: [1, 0.5])
            for k in 0..<2 { prices[k] *= Foundation.exp(r[k]) }
            rolling.advance(to: Fixture.day0 + Int64(step) * Self.minute, marks: prices)
        }
        let before = try #require(rolling.correlation(1, 2, minSamples: 5))
        let matrix = rolling.matrix, samples = rolling.sampleCount(symbol: 1)
        // Many mark changes inside one grid interval: nothing is sampled until the boundary.
        for second in 1...59 {
            rolling.advance(to: Fixture.day0 + 20 * Self.minute + Int64(second) * 1_000_000_000,
                            marks: [prices[0] * (1 + Double(second) / 100), prices[1] / (1 + Double(second) / 50)])
            #expect(rolling.correlation(1, 2, minSamples: 5) == before)
        }
        #expect(rolling.matrix == matrix && rolling.sampleCount(symbol: 1) == samples)
        rolling.advance(to: Fixture.day0 + 21 * Self.minute, marks: [prices[0] * 1.05, prices[1] * 0.9])
        #expect(rolling.correlation(1, 2, minSamples: 5) != before)
        #expect(rolling.sampleCount(symbol: 1) == samples + 1)
    }

    /// A reference that samples every grid boundary literally: the last mark strictly before it,
    /// a return per boundary (0 when the mark did not move, none before a symbol's first price),
    /// and the last `window` boundaries. Random feeds with gaps shorter than, equal to and longer
    /// than the window must agree with the rolling sums.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func theRollingWindowMatchesALiteralGridSamplerAcrossFeedGaps(seed: UInt64) {
        let window = 20, minSamples = 5, symbols = 3
        var rng = SplitMix64(seed: seed)
        var rolling = RollingCorrelation(symbolCount: symbols, windowSamples: window, sampleSeconds: 60, minSamples: minSamples)
        var marks = Array(repeating: 0.0, count: symbols)
        var updates: [(ns: Int64, symbol: Int, price: Double)] = []
        var ns = Fixture.day0
        var mismatches: [String] = []
        var compared = 0
        for event in 0..<1_500 {
            // Mostly seconds apart; sometimes a silence of exactly, just under or beyond a window.
            let roll = rng.unit()
            let gapSeconds: Double = roll < 0.03 ? Double(window) * 60 : roll < 0.06 ? Double(window + 1) * 60
                : roll < 0.08 ? Double(window - 1) * 60 : roll < 0.1 ? 5_000 : rng.uniform(1...50)
            ns += Int64(gapSeconds * 1e9)
            let symbol = event < 5 ? 0 : Int(rng.next() % UInt64(symbols))  // symbols 2 and 3 start late
            let price = marks[symbol] > 0 ? marks[symbol] * Foundation.exp(0.01 * rng.gaussian()) : 100
            rolling.advance(to: ns, marks: marks)  // as RiskChain.updateMark does: sample, then apply
            marks[symbol] = price
            updates.append((ns, symbol, price))

            // The reference, from scratch, every few events and after every long silence.
            let firstGrid = updates[0].ns / Self.minute
            let lastGrid = ns / Self.minute
            guard lastGrid > firstGrid, event % 7 == 0 || gapSeconds >= Double(window - 1) * 60 else { continue }
            func lastPrice(of s: Int, before boundaryNs: Int64) -> Double? {
                updates.last { $0.symbol == s && $0.ns < boundaryNs }?.price
            }
            let boundaries = Array(max(firstGrid + 1, lastGrid - Int64(window) + 1)...lastGrid)
            var series = Array(repeating: [Double](), count: symbols)
            for g in boundaries {
                for s in 0..<symbols {
                    // The first sample is the marks as of the first call (made at the first update).
                    let previousNs = g - 1 == firstGrid ? updates[0].ns : (g - 1) * Self.minute
                    if let p0 = lastPrice(of: s, before: previousNs), let p1 = lastPrice(of: s, before: g * Self.minute) {
                        series[s].append(Foundation.log(p1 / p0))
                    } else {
                        series[s].append(.nan)
                    }
                }
            }
            for s in 0..<symbols where rolling.sampleCount(symbol: UInt32(s + 1)) != series[s].filter({ !$0.isNaN }).count {
                mismatches.append("event \(event): samples of \(s + 1) \(rolling.sampleCount(symbol: UInt32(s + 1))) vs \(series[s].filter { !$0.isNaN }.count)")
            }
            for a in 0..<symbols {
                for b in (a + 1)..<symbols {
                    let common = zip(series[a], series[b]).filter { !$0.0.isNaN && !$0.1.isNaN }
                    let x = common.map(\.0), y = common.map(\.1)
                    let flat = Set(x).count < 2 || Set(y).count < 2
                    let expected: Double? = common.count < minSamples || flat ? nil : Fixture.pearson(x, y)
                    let got = rolling.correlation(UInt32(a + 1), UInt32(b + 1), minSamples: minSamples)
                    compared += 1
                    switch (expected, got) {
                    case (nil, nil): break
                    case let (e?, g?) where abs(e - g) < 1e-6: break
                    default: mismatches.append("event \(event) after \(Int(gapSeconds)) s: ρ(\(a + 1),\(b + 1)) \(String(describing: got)) vs \(String(describing: expected))")
                    }
                }
            }
        }
        #expect(compared > 1_000)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    /// Regression: after a long history, a window of flat steps left rounding residue in the
    /// running sums that passed the variance threshold and read as an arbitrary correlation
    /// (−0.77, +0.54, ±1.0 …) where there is none. Two pegged symbols, or any pair right after a
    /// feed silence longer than the window, showed it.
    @Test(arguments: Array(UInt64(1)...8), [0.01, 0.05])
    func aWindowOfFlatStepsAfterALongHistoryHasNoCorrelation(seed: UInt64, vol: Double) {
        var rng = SplitMix64(seed: seed)
        var rolling = RollingCorrelation(symbolCount: 2, windowSamples: 120, sampleSeconds: 60, minSamples: 30)
        var prices = [100.0, 200.0]
        rolling.advance(to: Fixture.day0, marks: prices)
        var step: Int64 = 0
        for _ in 0..<50_000 {  // about five weeks of minutes
            step += 1
            let z = rng.gaussian()
            prices = [prices[0] * (1 + vol * z), prices[1] * (1 + vol * (0.5 * z + 0.8 * rng.gaussian()))]
            rolling.advance(to: Fixture.day0 + step * Self.minute, marks: prices)
        }
        #expect(rolling.correlation(1, 2, minSamples: 30) != nil)
        for _ in 0..<120 {
            step += 1
            rolling.advance(to: Fixture.day0 + step * Self.minute, marks: prices)
        }
        #expect(rolling.sampleCount(symbol: 1) == 120)
        #expect(rolling.correlation(1, 2, minSamples: 30) == nil)
        #expect(rolling.valid[1] == 0 && rolling.matrix[1] == 0)
    }

    /// Regression: a silence longer than the window used to keep the one step that saw the price
    /// change (the shortcut added a window of steps, the first of them real), so two symbols that
    /// both moved before the silence read a correlation of exactly ±1 for a whole window.
    @Test func aSilenceLongerThanTheWindowLeavesOnlyFlatSteps() throws {
        var rolling = RollingCorrelation(symbolCount: 2, windowSamples: 20, sampleSeconds: 60, minSamples: 5)
        var rng = SplitMix64(seed: 11)
        var prices = [100.0, 200.0]
        rolling.advance(to: Fixture.day0, marks: prices)
        for step in 1...30 {
            let r = Self.correlatedReturns(&rng, rhos: [1, 0.3], vol: 0.01)
            prices = [prices[0] * Foundation.exp(r[0]), prices[1] * Foundation.exp(r[1])]
            rolling.advance(to: Fixture.day0 + Int64(step) * Self.minute, marks: prices)
        }
        prices = [prices[0] * 1.02, prices[1] * 0.97]  // opposite moves, then silence
        var exactly = rolling, beyond = rolling
        exactly.advance(to: Fixture.day0 + (30 + 20) * Self.minute, marks: prices)
        beyond.advance(to: Fixture.day0 + (30 + 21) * Self.minute, marks: prices)
        // Exactly a window later the move is the window's oldest step: one real pair, all else 0.
        let rho = try #require(exactly.correlation(1, 2, minSamples: 5))
        #expect(abs(rho + 1) < 1e-9)
        // One step more and it has left: nothing moved in the window.
        #expect(beyond.correlation(1, 2, minSamples: 5) == nil)
        #expect(beyond.sampleCount(symbol: 1) == 20)
    }

    // MARK: The factor curve

    @Test(arguments: [(-1.0, 1.0), (0.0, 1.0), (0.3, 1.0), (0.4, 0.85), (0.55, 0.625), (0.7, 0.4), (0.8, 0.25), (0.95, 0.25), (1.0, 0.25)])
    func theFactorIsFullAtOrBelowPointThreeAQuarterAtPointEightAndLinearBetween(correlation: Double, factor: Double) {
        #expect(abs(RiskChain.correlationFactor(correlation, limits: RiskLimits()) - factor) < 1e-12)
    }

    // MARK: Through the chain

    /// Drives the chain's marks on the 60 s grid: at step k every symbol gets a new mark at
    /// k·60 s + 30 s. The chain samples a boundary with the marks before it, so after k steps it
    /// holds the returns of steps 1…k−1 (step 0 is the fixture's first mark).
    struct Feed {
        var rng: SplitMix64
        var history: [[Double]]
        var step = 0
        var now: Int64 { Fixture.day0 + Int64(step) * CorrelationSizerTests.minute + (step == 0 ? 0 : 30_000_000_000) }

        init(seed: UInt64, symbols: Int, price: Double = 1_000) {
            rng = SplitMix64(seed: seed)
            history = [Array(repeating: price, count: symbols)]
        }

        mutating func run(_ chain: inout RiskChain, steps: Int, rhos: [Double]) {
            for _ in 0..<steps {
                step += 1
                let r = CorrelationSizerTests.correlatedReturns(&rng, rhos: rhos)
                let prices = zip(history[history.count - 1], r).map { $0 * Foundation.exp($1) }
                history.append(prices)
                for (k, price) in prices.enumerated() { chain.updateMark(symbol: UInt32(k + 1), price: price, at: now) }
            }
        }

        /// The returns the chain has sampled for `symbol`, the last `window` of them.
        func sampled(_ symbol: UInt32, window: Int) -> [Double] {
            let s = Int(symbol) - 1
            let all = (1..<max(1, history.count - 1)).map { Foundation.log(history[$0][s] / history[$0 - 1][s]) }
            return Array(all.suffix(window))
        }

        func mark(_ symbol: UInt32) -> Double { history[history.count - 1][Int(symbol) - 1] }
    }

    static func correlatedChain(
        limits: RiskLimits = Fixture.looseLimits(), rhos: [Double] = [1, 0.95, 0, 0.6], steps: Int = 60, seed: UInt64 = 3,
        strategies: [(mode: BookMode, allocatedCapitalUSD: Double)] = [(.live, 100_000), (.live, 100_000)]
    ) -> (RiskChain, Feed) {
        var chain = Fixture.chain(limits: limits, strategies: strategies)
        var feed = Feed(seed: seed, symbols: 4)
        feed.run(&chain, steps: steps, rhos: rhos)
        return (chain, feed)
    }

    static func intent(_ feed: Feed, strategy: UInt32 = 1, client: UInt64 = 1, symbol: UInt32, side: Side, quantity: Double) -> OrderIntent {
        Fixture.intent(strategy: strategy, client: client, symbol: symbol, side: side, quantity: quantity, price: feed.mark(symbol))
    }

    @Test func theChainSamplesMarksOnTheSixtySecondGrid() throws {
        let (chain, feed) = Self.correlatedChain(steps: 80)
        #expect(chain.correlations.sampleCount(symbol: 1) == 79)
        for (a, b) in [(UInt32(1), UInt32(2)), (1, 3), (2, 4), (3, 4)] {
            let expected = Fixture.pearson(feed.sampled(a, window: 120), feed.sampled(b, window: 120))
            let got = try #require(chain.correlations.correlation(a, b, minSamples: 30))
            #expect(abs(got - expected) < 1e-9)
        }
    }

    @Test func fewerThanTheMinimumSamplesNotesInsufficientDataAndDoesNotScale() throws {
        var (chain, feed) = Self.correlatedChain(steps: 30)  // 29 samples, 30 needed
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)
        let decision = chain.decide(Self.intent(feed, symbol: 2, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        #expect(decision.verdict == .approve && decision.finalQuantity == 10)
        let note = try #require(chain.trace.first { $0.stage == .correlationSizer })
        #expect(note.code == .correlationInsufficientData)
        #expect(note.quantityIn == 10 && note.quantityOut == 10)
        #expect(note.rendered == "CORRELATION_INSUFFICIENT_DATA: samples=29 min_samples=30")
        #expect(note.code.severity == .warn)
    }

    @Test func aBuyCorrelatedWithALiveLongIsScaledAndASellHedgingItIsNot() throws {
        var (chain, feed) = Self.correlatedChain()
        let rho = try #require(chain.correlations.correlation(2, 1, minSamples: 30))
        #expect(rho > 0.8)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)

        let buy = chain.decide(Self.intent(feed, symbol: 2, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        #expect(buy.verdict == .reshape && buy.reason == .correlationScaled)
        #expect(abs(buy.finalQuantity - 2.5) < 1e-12)
        let note = try #require(chain.trace.first { $0.stage == .correlationSizer })
        #expect(note.code == .correlationScaled && note.factor == 0.25)
        #expect(abs(note.details.0 - rho) < 1e-12 && note.details.1 == 0.25)

        let sell = chain.decide(Self.intent(feed, client: 2, symbol: 3, side: .sell, quantity: 10), decisionID: 2, at: feed.now)
        #expect(sell.verdict == .approve)  // symbol 3 is uncorrelated; now the hedge proper:
        let hedge = chain.decide(Self.intent(feed, strategy: 2, client: 1, symbol: 2, side: .sell, quantity: 10),
                                 decisionID: 3, at: feed.now)
        #expect(hedge.verdict == .approve && hedge.finalQuantity == 10)
        let hedgeNote = try #require(chain.trace.first { $0.stage == .correlationSizer })
        #expect(hedgeNote.code == .none && hedgeNote.factor == 1)
    }

    @Test func againstALiveShortTheSellIsScaledAndTheBuyIsTheHedge() {
        var (chain, feed) = Self.correlatedChain()
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: -20, price: feed.mark(1), at: feed.now)
        let sell = chain.decide(Self.intent(feed, symbol: 2, side: .sell, quantity: 10), decisionID: 1, at: feed.now)
        #expect(sell.reason == .correlationScaled && abs(sell.finalQuantity - 2.5) < 1e-12)
        let buy = chain.decide(Self.intent(feed, client: 2, symbol: 2, side: .buy, quantity: 10), decisionID: 2, at: feed.now)
        // Against the live short in symbol 1 the buy is a hedge: full size. (Strategy 1's own pending
        // sell in symbol 2 is not filled, so none of the buy counts as reducing: all 10 are judged.)
        #expect(buy.verdict == .approve && buy.finalQuantity == 10)
        let note = chain.trace.first { $0.stage == .correlationSizer }
        #expect(note?.code == ReasonCode.none && note?.quantityIn == 10 && note?.factor == 1)
    }

    @Test func inTheLinearPartTheFactorFollowsTheMeasuredCorrelation() throws {
        var (chain, feed) = Self.correlatedChain(steps: 120)
        let rho = try #require(chain.correlations.correlation(4, 1, minSamples: 30))
        try #require(rho > 0.3 && rho < 0.8, "ρ = \(rho)")
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)
        let decision = chain.decide(Self.intent(feed, symbol: 4, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        let factor = 1 - (rho - 0.3) / 0.5 * 0.75
        #expect(decision.reason == .correlationScaled)
        #expect(abs(decision.finalQuantity - 10 * factor) < 1e-9)
    }

    @Test func theCorrelationIsWeightedByEachHeldSymbolsNetNotionalAndItsSign() throws {
        var (chain, feed) = Self.correlatedChain(steps: 120)
        let r21 = try #require(chain.correlations.correlation(2, 1, minSamples: 30))
        let r23 = try #require(chain.correlations.correlation(2, 3, minSamples: 30))
        let r24 = try #require(chain.correlations.correlation(2, 4, minSamples: 30))
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 12, price: feed.mark(1), at: feed.now)
        Fixture.hold(&chain, strategy: 2, symbol: 3, quantity: -4, price: feed.mark(3), at: feed.now)
        // An approved, unfilled order counts too (net live quantity includes pending).
        let pending = chain.decide(Self.intent(feed, strategy: 2, client: 1, symbol: 4, side: .sell, quantity: 3),
                                   decisionID: 1, at: feed.now)
        #expect(pending.verdict == .approve)
        let e1 = 12 * feed.mark(1), e3 = -4 * feed.mark(3), e4 = -3 * feed.mark(4)
        let expected = (e1 * r21 + e3 * r23 + e4 * r24) / (abs(e1) + abs(e3) + abs(e4))
        try #require(expected > 0.3 && expected < 0.8, "ρ̄ = \(expected)")

        let buy = chain.decide(Self.intent(feed, symbol: 2, side: .buy, quantity: 10), decisionID: 2, at: feed.now)
        let note = try #require(chain.trace.first { $0.stage == .correlationSizer })
        #expect(note.code == .correlationScaled)
        #expect(abs(note.details.0 - expected) < 1e-9)
        #expect(abs(buy.finalQuantity - 10 * RiskChain.correlationFactor(expected, limits: chain.limits)) < 1e-9)
        // The same book seen from a sell: −ρ̄, a hedge.
        let sell = chain.decide(Self.intent(feed, client: 3, symbol: 3, side: .sell, quantity: 10), decisionID: 3, at: feed.now)
        #expect(sell.verdict == .approve)
    }

    @Test func aReadingAboveRejectAboveRefusesTheNewRiskButNotTheReducingPart() throws {
        var limits = Fixture.looseLimits()
        limits.correlationRejectAbove = 0.8
        var (chain, feed) = Self.correlatedChain(limits: limits)
        let rho = try #require(chain.correlations.correlation(2, 1, minSamples: 30))
        try #require(rho > 0.8)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)
        let entry = chain.decide(Self.intent(feed, symbol: 2, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        #expect(entry.verdict == .reject && entry.reason == .correlationTooHigh)
        let note = try #require(chain.trace.first { $0.stage == .correlationSizer })
        #expect(note.code == .correlationTooHigh && abs(note.details.0 - rho) < 1e-12)
        #expect(note.code.severity == .hardReject)

        // Short 3 in symbol 2, then buy 10: the 3 that close pass, the 7 that open a long do not.
        Fixture.hold(&chain, strategy: 1, symbol: 2, quantity: -3, price: feed.mark(2), at: feed.now)
        let flip = chain.decide(Self.intent(feed, client: 2, symbol: 2, side: .buy, quantity: 10), decisionID: 2, at: feed.now)
        #expect(flip.verdict == .reshape && flip.reason == .correlationTooHigh && flip.finalQuantity == 3)
    }

    @Test func aShadowStrategyIsSizedAgainstTheLiveBookPlusItsOwnPositions() throws {
        var (chain, feed) = Self.correlatedChain(strategies: [(.live, 100_000), (.shadow, 100_000)])
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)
        #expect(chain.book.liveGrossUSD == 0)
        // The live strategy sees an empty live book: no scaling.
        let live = chain.decide(Self.intent(feed, strategy: 1, symbol: 2, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        #expect(live.verdict == .approve)
        // The shadow strategy sees its own long in the correlated symbol (the live pending buy is
        // in symbol 2 itself, which never weighs against itself).
        let shadow = chain.decide(Self.intent(feed, strategy: 2, symbol: 2, side: .buy, quantity: 10), decisionID: 2, at: feed.now)
        #expect(shadow.reason == .correlationScaled && abs(shadow.finalQuantity - 2.5) < 1e-12)
    }

    @Test func afterTheWindowPassesTheOldRegimesCorrelationIsGone() throws {
        var limits = Fixture.looseLimits()
        limits.correlationWindowSamples = 40
        limits.correlationMinSamples = 20
        var (chain, feed) = Self.correlatedChain(limits: limits, rhos: [1, 0.97, 0, 0], steps: 45)
        let before = try #require(chain.correlations.correlation(1, 2, minSamples: 20))
        #expect(before > 0.9)
        Fixture.hold(&chain, strategy: 2, symbol: 1, quantity: 20, price: feed.mark(1), at: feed.now)
        let scaled = chain.decide(Self.intent(feed, symbol: 2, side: .buy, quantity: 10), decisionID: 1, at: feed.now)
        #expect(scaled.reason == .correlationScaled)

        // A new regime: symbol 2 now moves against symbol 1. Half a window in, both regimes count …
        feed.run(&chain, steps: 20, rhos: [1, -0.9, 0, 0])
        let mixed = try #require(chain.correlations.correlation(1, 2, minSamples: 20))
        #expect(abs(mixed - Fixture.pearson(feed.sampled(1, window: 40), feed.sampled(2, window: 40))) < 1e-9)
        // … a full window in, only the new one does.
        feed.run(&chain, steps: 21, rhos: [1, -0.9, 0, 0])
        let after = try #require(chain.correlations.correlation(1, 2, minSamples: 20))
        let newRegimeOnly = Fixture.pearson(feed.sampled(1, window: 40), feed.sampled(2, window: 40))
        #expect(abs(after - newRegimeOnly) < 1e-9)
        #expect(after < -0.7)
        let unscaled = chain.decide(Self.intent(feed, client: 2, symbol: 2, side: .buy, quantity: 10), decisionID: 2, at: feed.now)
        // Strategy 1 already has 2.5 pending long in symbol 2 from the first decision; that is its own
        // symbol, so only symbol 1 weighs, and a buy against a now anti-correlated long is a hedge.
        #expect(unscaled.verdict == .approve && unscaled.finalQuantity == 10)
    }
}

@Suite("CorrelationSizer sums")
struct CorrelationSumsTests {
    /// A 64-symbol chain, two live strategies, a 40-step window; `silent` symbols (0-based)
    /// never have a return, so every pair with them is invalid. `holdings`: (strategy, symbol,
    /// signed quantity), filled at the symbol's mark.
    static func chain(seed: UInt64, silent: Set<Int> = [], holdings: [(UInt32, UInt32, Double)]) -> RiskChain {
        var random = SplitMix64(seed: seed)
        let symbols = (1...64).map { "S\($0)" }
        var chain = RiskChain(limits: Fixture.looseLimits(), symbols: symbols,
                              strategies: [(.live, 1_000_000), (.live, 1_000_000)], startingEquityUSD: 2_000_000)
        for _ in 0..<40 {
            let factor = Double(random.next() % 2_000) / 1e6 - 0.001
            chain.withCorrelations {
                $0.appendReturns((0..<64).map { silent.contains($0) ? .nan : factor + Double(random.next() % 1_000) / 1e6 - 0.0005 })
            }
        }
        for id in UInt32(1)...64 { chain.updateMark(symbol: id, price: 50 + Double(id) / 7, at: Fixture.day0) }
        for (strategy, symbol, quantity) in holdings {
            Fixture.hold(&chain, strategy: strategy, symbol: symbol, quantity: quantity, price: 50 + Double(symbol) / 7)
        }
        return chain
    }

    /// Twenty held symbols (1, 4, …, 58), the dense pass's case (20 × 8 ≥ 64), so the diagonal of
    /// every held symbol's row has a non-zero |N| to leave out.
    static func denseChain(silent: Set<Int>) -> RiskChain {
        let holdings = (0..<20).map { (index: Int) -> (UInt32, UInt32, Double) in
            let quantity = Double((index * 7_919) % 1_000) / 37 - 13.5
            return (UInt32(index % 2 + 1), UInt32(index * 3 + 1), quantity)
        }
        return chain(seed: 21, silent: silent, holdings: holdings)
    }

    /// The dense pass over `symbol`'s row reading every entry of `valid`.
    static func fullPass(_ chain: RiskChain, symbol: UInt32) -> (weighted: Double, weights: Double) {
        RiskChain.denseCorrelationSums(
            rho: chain.correlations.matrix, valid: chain.correlations.valid, exposure: chain.book.liveNetExposureUSD,
            magnitude: chain.book.liveNetExposureMagnitudeUSD, row: (Int(symbol) - 1) * 64, count: 64)
    }

    /// Σ |N| over the held symbols but `excluded`.
    static func heldMagnitude(_ chain: RiskChain, excluding excluded: Set<UInt32>) -> Double {
        chain.book.heldSymbols.filter { !excluded.contains($0) }.map { chain.book.liveNetExposureMagnitudeUSD[Int($0) - 1] }.reduce(0, +)
    }

    @Test func aFullyValidRowGivesTheFullPassSumsBitForBit() {
        let chain = Self.denseChain(silent: [])
        #expect(chain.correlations.rowFullyValid.allSatisfy { $0 })
        #expect(chain.book.heldSymbols.count * 8 >= 64)  // the dense path
        for symbol in UInt32(1)...64 {
            let fast = chain.bookCorrelationSums(symbol: symbol), full = Self.fullPass(chain, symbol: symbol)
            #expect(fast.weighted.bitPattern == full.weighted.bitPattern)
            #expect(fast.weights.bitPattern == full.weights.bitPattern, "symbol \(symbol)")
        }
        // The diagonal still weighs nothing: a held symbol's row is the others' |N| alone.
        let held = chain.book.heldSymbols[0]
        let others = Self.heldMagnitude(chain, excluding: [held])
        #expect(abs(chain.bookCorrelationSums(symbol: held).weights - others) <= 1e-9 * others)
    }

    @Test func aRowWithAnInvalidPairIsNotTakenForFullyValid() {
        let chain = Self.denseChain(silent: [6])
        #expect(!chain.correlations.rowFullyValid.contains(true))
        #expect(chain.correlations.valid[6 * 64 + 3] == 0 && chain.correlations.valid[3 * 64 + 6] == 0)
        for symbol in UInt32(1)...64 {
            #expect(chain.bookCorrelationSums(symbol: symbol).weights.bitPattern == Self.fullPass(chain, symbol: symbol).weights.bitPattern)
        }
        // Symbols 7 (silent) and 10 are both held; 7's pair with 10 weighs nothing in 10's row.
        #expect(chain.book.isHeldLive(7) && chain.book.isHeldLive(10))
        let expected = Self.heldMagnitude(chain, excluding: [7, 10])
        #expect(abs(chain.bookCorrelationSums(symbol: 10).weights - expected) <= 1e-9 * expected)
    }

    @Test func theHeldListScanAndTheDensePassGiveTheSameSums() {
        let chain = Self.chain(seed: 9, holdings: [(1, 3, 10.0), (1, 17, -4), (2, 40, 7), (2, 3, 2)])
        #expect(chain.book.heldSymbols.count * 8 < 64)  // the held-list path
        for symbol in UInt32(1)...64 {
            let sparse = chain.bookCorrelationSums(symbol: symbol)
            let dense = Self.fullPass(chain, symbol: symbol)
            #expect(abs(sparse.weighted - dense.weighted) <= 1e-9 * max(1, abs(dense.weighted)))
            #expect(abs(sparse.weights - dense.weights) <= 1e-9 * max(1, dense.weights))
        }
    }
}
