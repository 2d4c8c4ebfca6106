import Testing
@testable import Risk

/// The breach unwind's ranking, the dead man's switch and the alert levels: pure rules with the
/// seeds' numbers.
@Suite("Operations rules")
struct OperationsTests {
    // MARK: Unwind (seed 000)

    /// Seed 000: three bots at −280, −150 and −90 on 10,000 with a 5 % cap (500 USD).
    static func seed000(btcGross: Double, ethGross: Double, solGross: Double) -> [UnwindPlan.Candidate] {
        [
            .init(strategyID: 1, name: "bot1_btc", unrealizedUSD: -280, grossUSD: btcGross),
            .init(strategyID: 2, name: "bot2_eth", unrealizedUSD: -150, grossUSD: ethGross),
            .init(strategyID: 3, name: "bot3_sol", unrealizedUSD: -90, grossUSD: solGross),
        ]
    }

    @Test func theSeedsThreeBotsFlattenTheWorstRiskAdjustedFirstUntilTheOpenLossFitsTheCap() {
        // BTC −280 on 2,000 (−14 %), SOL −90 on 1,000 (−9 %), ETH −150 on 3,000 (−5 %).
        let plan = UnwindPlan(candidates: Self.seed000(btcGross: 2_000, ethGross: 3_000, solGross: 1_000), capUSD: 500, lockedLossUSD: 0)
        #expect(plan.openLossUSD == 520)
        #expect(plan.roomUSD == 500)
        #expect(plan.entries.map(\.candidate.name) == ["bot1_btc", "bot3_sol", "bot2_eth"])
        #expect(plan.entries.map(\.action) == [.flatten, .keepInsideCap, .keepInsideCap])
        #expect(plan.flattened == [1])
        #expect(plan.openLossAfterUSD == 240)
    }

    @Test func riskAdjustedMeansPerUnitOfExposureNotTheLargestLoss() {
        // The same losses on other exposures: SOL's −90 on 500 (−18 %) is now the worst.
        let plan = UnwindPlan(candidates: Self.seed000(btcGross: 4_000, ethGross: 3_000, solGross: 500), capUSD: 500, lockedLossUSD: 0)
        #expect(plan.entries.first?.candidate.name == "bot3_sol")
        #expect(plan.flattened == [3])
        #expect(plan.openLossAfterUSD == 430)
    }

    @Test func aLockedLossLeavesLessRoomSoMoreIsFlattened() {
        // 300 USD already realized: 200 of room; 520 open → flatten until at most 200 is open.
        let plan = UnwindPlan(candidates: Self.seed000(btcGross: 2_000, ethGross: 3_000, solGross: 1_000), capUSD: 500, lockedLossUSD: 300)
        #expect(plan.roomUSD == 200)
        #expect(plan.flattened == [1, 3])
        #expect(plan.openLossAfterUSD == 150)
    }

    @Test func winningLegsAndEmptyBooksAreLeftAlone() {
        var candidates = Self.seed000(btcGross: 2_000, ethGross: 3_000, solGross: 1_000)
        candidates.append(.init(strategyID: 4, name: "bot4_win", unrealizedUSD: 120, grossUSD: 1_500))
        candidates.append(.init(strategyID: 5, name: "bot5_flat", unrealizedUSD: 0, grossUSD: 0))
        let plan = UnwindPlan(candidates: candidates, capUSD: 500, lockedLossUSD: 600)
        // No room at all: every loser goes, the winner and the empty book stay.
        #expect(plan.flattened == [1, 3, 2])
        #expect(plan.entries.first { $0.candidate.strategyID == 4 }?.action == .keepWinning)
        #expect(plan.entries.last?.candidate.strategyID == 5)
        #expect(plan.entries.last?.action == .noPosition)
    }

    @Test func tiesGoToTheLargerExposureThenTheName() {
        let plan = UnwindPlan(candidates: [
            .init(strategyID: 1, name: "b", unrealizedUSD: -50, grossUSD: 1_000),
            .init(strategyID: 2, name: "a", unrealizedUSD: -50, grossUSD: 1_000),
            .init(strategyID: 3, name: "c", unrealizedUSD: -100, grossUSD: 2_000),
        ], capUSD: 0, lockedLossUSD: 0)
        #expect(plan.entries.map(\.candidate.name) == ["c", "a", "b"])
    }

    @Test func theSamePlanWhateverTheOrderOfTheCandidates() {
        var generator = SystemRandomNumberGenerator()
        let base = Self.seed000(btcGross: 2_000, ethGross: 3_000, solGross: 1_000)
        let expected = UnwindPlan(candidates: base, capUSD: 500, lockedLossUSD: 0)
        for _ in 0..<20 {
            #expect(UnwindPlan(candidates: base.shuffled(using: &generator), capUSD: 500, lockedLossUSD: 0) == expected)
        }
    }

    // MARK: Dead man's switch (seed 001, layer 8), on a manual clock

    static let hour: Int64 = 3_600_000_000_000

    @Test func itWarnsAt83PercentGoesCriticalAt96AndFiresAt100() {
        var dms = DeadMansSwitch(periodNs: 24 * Self.hour, startedAtNs: 0)
        let step1 = dms.advance(to: 19 * Self.hour)
        #expect(step1 == nil)
        let step2 = dms.advance(to: 20 * Self.hour)
        #expect(step2 == .warning)        // 83.3 %
        let step3 = dms.advance(to: 21 * Self.hour)
        #expect(step3 == nil)             // once per level
        let step4 = dms.advance(to: 23 * Self.hour + Self.hour / 2)
        #expect(step4 == .critical)   // 97.9 %
        let step5 = dms.advance(to: 24 * Self.hour)
        #expect(step5 == .fired)
        #expect(dms.level == .fired)
    }

    @Test func aCheckInRestartsThePeriodButCannotClearAFiredSwitchOnlyAResetCan() {
        var dms = DeadMansSwitch(periodNs: 24 * Self.hour, startedAtNs: 0)
        let step6 = dms.advance(to: 21 * Self.hour)
        #expect(step6 == .warning)
        let step7 = dms.checkIn(at: 21 * Self.hour)
        #expect(step7)
        #expect(dms.level == .ok)
        let step8 = dms.advance(to: 44 * Self.hour)
        #expect(step8 == .warning)        // 23 h since the check-in: 95.8 %, warning only
        #expect(dms.level == .warning)
        let step9 = dms.advance(to: 45 * Self.hour)
        #expect(step9 == .fired)
        let step10 = dms.checkIn(at: 46 * Self.hour)
        #expect(!step10)
        #expect(dms.level == .fired)
        dms.reset(at: 47 * Self.hour)
        #expect(dms.level == .ok)
        #expect(dms.deadlineNs == 71 * Self.hour)
    }

    @Test func aJumpPastSeveralLevelsReportsTheHighestAndAClockGoingBackIsNoTime() {
        var dms = DeadMansSwitch(periodNs: 10, warningPct: 50, criticalPct: 90, startedAtNs: 100)
        let step11 = dms.advance(to: 50)
        #expect(step11 == nil)
        #expect(dms.elapsedNs(at: 50) == 0)
        let step12 = dms.advance(to: 200)
        #expect(step12 == .fired)
    }

    // MARK: Alert levels (seed 002)

    @Test func levelsRiseAtFiftySeventyFiveAndOneHundredPercent() {
        #expect(AlertLevel.next(after: .green, usagePct: 49.9, hysteresisPct: 5) == .green)
        #expect(AlertLevel.next(after: .green, usagePct: 50, hysteresisPct: 5) == .yellow)
        #expect(AlertLevel.next(after: .green, usagePct: 80, hysteresisPct: 5) == .orange)
        #expect(AlertLevel.next(after: .yellow, usagePct: 100, hysteresisPct: 5) == .red)
    }

    @Test func aValueWobblingAtAThresholdAlertsOnceNotOncePerTick() {
        var alerts = LimitAlerts(slots: 1, hysteresisPct: 5)
        var changes: [(AlertLevel, AlertLevel)] = []
        for usage in [40.0, 50, 49, 51, 48, 50.5, 46, 52, 44, 30, 55] {
            if let change = alerts.update(slot: 0, usagePct: usage) { changes.append((change.from, change.to)) }
        }
        // Up at 50, down only below 45 (at 44), up again at 55.
        #expect(changes.map { "\($0.0)>\($0.1)" } == ["green>yellow", "yellow>green", "green>yellow"])
    }

    @Test func fallingStepsDownThroughEachLevelPastItsHysteresis() {
        #expect(AlertLevel.next(after: .red, usagePct: 97, hysteresisPct: 5) == .red)
        #expect(AlertLevel.next(after: .red, usagePct: 94, hysteresisPct: 5) == .orange)
        #expect(AlertLevel.next(after: .red, usagePct: 60, hysteresisPct: 5) == .yellow)
        #expect(AlertLevel.next(after: .red, usagePct: 10, hysteresisPct: 5) == .green)
        #expect(AlertLevel.next(after: .orange, usagePct: .nan, hysteresisPct: 5) == .orange)
    }

    @Test func theAlertWalkGivesEveryWatchedLimitTheUsageItsOwnRuleMeasures() {
        // Random books: after each step, every slot's level is what feeding `usage(of:)` to a
        // fresh set of levels, step by step, gives (the walk computes the same values in bulk).
        var limits = Fixture.looseLimits()
        limits.maxGrossPctOfEquity = 60
        limits.maxSymbolPctOfEquity = 30
        limits.clusters = [RiskLimits.Cluster(name: "ab", symbols: ["AAA", "BBB"], maxPctOfEquity: 40)]
        var chain = Fixture.chain(limits: limits, strategies: [(.live, 40_000), (.live, 30_000), (.shadow, 20_000)])
        var reference = LimitAlerts(slots: chain.watchedLimits.count)
        var rng = SplitMix64(seed: 2_026)
        var crossings: [AlertCrossing] = []
        var walked = 0, referenced = 0
        for step in 0..<3_000 {
            let symbol = UInt32(1 + rng.next() % 4), strategy = UInt32(1 + rng.next() % 3)
            let at = Fixture.at(seconds: Double(step) * 7)
            if rng.next() % 3 == 0 {
                Fixture.hold(&chain, strategy: strategy, symbol: symbol, quantity: rng.uniform(-8...8), price: chain.book.mark(symbol), at: at)
            } else {
                chain.updateMark(symbol: symbol, price: chain.book.mark(symbol) * (1 + rng.uniform(-0.02...0.02)), at: at)
            }
            crossings.removeAll()
            chain.updateAlertLevels(into: &crossings)
            walked += crossings.count
            for (slot, watched) in chain.watchedLimits.enumerated() {
                let (value, limit) = chain.usage(of: watched)
                if reference.update(slot: slot, usagePct: limit > 0 ? value / limit * 100 : 0) != nil { referenced += 1 }
            }
            #expect(chain.alertLevels.levels == reference.levels, "step \(step)")
            if chain.alertLevels.levels != reference.levels { break }
        }
        #expect(walked == referenced)
        #expect(walked > 20, "too few crossings (\(walked)) to test anything")
    }
}
