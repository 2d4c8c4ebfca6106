import Foundation
import Testing
@testable import Risk

/// Property tests: long random sequences of marks, fills, cancels, operator actions and intents
/// from three live strategies and one shadow strategy, with tight limits. After every decision the
/// chain's promises are checked against the book as the test itself computes it.
@Suite("Risk invariants")
struct RiskInvariantTests {
    static let symbols = ["BTC", "ETH", "SOL", "AVAX", "DOGE", "XRP"]
    static let startPrices = [60_000.0, 3_000, 150, 30, 0.2, 0.6]
    /// SOL, AVAX and DOGE move with a common alt factor as well as the market's.
    static let altCluster: Set<Int> = [2, 3, 4]
    static let strategies: [(mode: BookMode, allocatedCapitalUSD: Double)] =
        [(.live, 80_000), (.live, 40_000), (.live, 30_000), (.shadow, 40_000)]
    static let steps = 2_000

    /// Tight limits. Odd seeds cap gross at 50 % of equity, which then binds before anything else;
    /// even seeds at 80 %, so the per-symbol (25 %) and cluster (40 %, 30 %) caps bind first.
    static func limits(seed: UInt64) -> RiskLimits {
        var limits = RiskLimits()
        limits.maxGrossPctOfEquity = seed % 2 == 1 ? 50 : 80
        limits.maxSymbolPctOfEquity = 25
        limits.strategyMaxPositionPct = 25
        limits.strategyMaxRiskPerTradePct = 2
        limits.clusters = [
            .init(name: "alts", symbols: ["SOL", "AVAX", "DOGE"], maxPctOfEquity: 40),
            .init(name: "eth-sol", symbols: ["ETH", "SOL"], maxPctOfEquity: 30),  // SOL is in two clusters
        ]
        limits.staleAfterSeconds = 60
        limits.drawdownHaltPct = 3
        limits.drawdownBufferPct = 0.5
        limits.rolling24hDrawdownPct = 2.5
        limits.accountDailyLossPct = 2.5
        limits.strategyMaxTradesPerDay = 400
        limits.correlationWindowSamples = 60
        limits.correlationMinSamples = 20
        // Lots on two symbols: rounding down must never take a quantity past a cap.
        limits.instruments = ["ETH": InstrumentRules(lotSize: 0.001), "SOL": InstrumentRules(lotSize: 0.01)]
        return limits
    }

    // MARK: The random sequence

    /// One step of the sequence. Everything that depends on the state (which pending order fills,
    /// the size of an exit) is chosen when the step runs, from fixed fractions, so a replay on a
    /// fresh chain takes the same path.
    enum Action {
        case marks(returns: [Double])
        case fill(pick: Double, side: Double, fraction: Double, slippage: Double, fee: Double)
        case release(pick: Double, side: Double, fraction: Double)
        case killSwitch(Bool)
        case operatorState(TradingState)
        case resetLatch
        case resume(strategy: UInt32)
        case intent(strategy: UInt32, symbol: UInt32, side: Side, notionalUSD: Double, exitFraction: Double?,
                    stop: StopKind, stopDistance: Double, reduceOnly: Bool)
    }

    enum StopKind { case valid, missing, wrongSide }

    static func actions(seed: UInt64) -> [(seconds: Double, action: Action)] {
        var rng = SplitMix64(seed: seed)
        var out: [(Double, Action)] = []
        out.reserveCapacity(steps)
        for _ in 0..<steps {
            let seconds = rng.uniform(0...6)
            let roll = rng.unit()
            let action: Action
            if roll < 0.35 {
                let market = rng.gaussian(), alts = rng.gaussian()
                action = .marks(returns: (0..<symbols.count).map { k in
                    let own = rng.gaussian()
                    return altCluster.contains(k) ? 0.005 * (0.5 * market + 0.7 * alts + 0.5 * own) : 0.005 * (0.6 * market + 0.8 * own)
                })
            } else if roll < 0.50 {
                action = .fill(pick: rng.unit(), side: rng.unit(), fraction: rng.unit() < 0.6 ? 1 : rng.uniform(0.2...0.9),
                               slippage: 0.001 * rng.gaussian(), fee: rng.uniform(0...3))
            } else if roll < 0.55 {
                action = .release(pick: rng.unit(), side: rng.unit(), fraction: rng.unit() < 0.5 ? 1 : rng.uniform(0.2...0.9))
            } else if roll < 0.565 {
                let other = rng.unit()
                action = other < 0.2 ? .killSwitch(true) : other < 0.4 ? .operatorState(.reducing)
                    : other < 0.5 ? .operatorState(.halted) : other < 0.6 ? .resetLatch : .resume(strategy: UInt32(1 + rng.next() % 4))
            } else if roll < 0.59 {
                action = rng.unit() < 0.5 ? .killSwitch(false) : .operatorState(.active)
            } else {
                let exit = rng.unit() < 0.3 ? rng.uniform(0.3...1.6) : nil
                let stopRoll = rng.unit(), symbolRoll = rng.unit()
                action = .intent(
                    strategy: UInt32(1 + rng.next() % 4),
                    // Crowded: BTC and the alt cluster draw most of the flow.
                    symbol: symbolRoll < 0.3 ? 1 : symbolRoll < 0.6 ? UInt32(3 + rng.next() % 3) : UInt32(1 + rng.next() % UInt64(symbols.count)),
                    side: rng.next() % 2 == 0 ? .buy : .sell, notionalUSD: Foundation.exp(rng.uniform(Foundation.log(200)...Foundation.log(20_000))),
                    exitFraction: exit, stop: stopRoll < 0.05 ? .missing : stopRoll < 0.08 ? .wrongSide : .valid,
                    stopDistance: rng.uniform(0.003...0.15), reduceOnly: rng.unit() < 0.05)
            }
            out.append((seconds, action))
        }
        return out
    }

    // MARK: The book as the test sees it

    static func liveGross(_ book: PortfolioBook, symbol: UInt32) -> Double {
        var total = 0.0
        for (k, entry) in strategies.enumerated() where entry.mode == .live {
            total += book.grossQuantity(strategy: UInt32(k + 1), symbol: symbol)
        }
        return total * book.mark(symbol)
    }

    static func liveGross(_ book: PortfolioBook) -> Double {
        (1...UInt32(symbols.count)).reduce(0) { $0 + liveGross(book, symbol: $1) }
    }

    /// What one run saw, for the determinism check and the coverage check.
    struct Record: Equatable {
        var decisions: [Decision] = []
        var traces: [[StageNote]] = []
        var stateChanges: [StateChange] = []
        var finalEquity = 0.0
        var finalLiveGross = 0.0
    }

    struct Coverage {
        var reasons: [ReasonCode: Int] = [:]      // every code seen in a trace
        var riskIncreasingLiveApprovals = 0
        var shadowApprovals = 0
        var blockedWhileRestricted = 0
        var killSwitchRejects = 0
        var fills = 0, partialFills = 0, releases = 0
    }

    /// Runs the sequence on a fresh chain. With `violations`, checks every invariant on the way.
    static func run(seed: UInt64, actions: [(seconds: Double, action: Action)],
                    violations: inout [String], coverage: inout Coverage) -> Record {
        let limits = limits(seed: seed)
        var chain = RiskChain(limits: limits, symbols: symbols, strategies: strategies, startingEquityUSD: 100_000)
        var record = Record()
        var ns = Fixture.day0 + 85_000 * 1_000_000_000  // the run crosses midnight
        for (k, price) in startPrices.enumerated() { chain.updateMark(symbol: UInt32(k + 1), price: price, at: ns) }
        var clientIDs = Array(repeating: UInt64(0), count: strategies.count)
        var decisionID: UInt64 = 0
        let clusterMembers: [[UInt32]] = limits.clusters.map { cluster in cluster.symbols.map { UInt32(symbols.firstIndex(of: $0)! + 1) } }
        let clusterCaps = limits.clusters.map(\.maxPctOfEquity)

        func fail(_ step: Int, _ message: String) {
            if violations.count < 50 { violations.append("seed \(seed) step \(step): \(message)") }
        }
        /// The pending order `pick` and `sideRoll` choose among all of them, in a fixed order:
        /// (strategy, symbol, side, open units).
        func pendingOrder(pick: Double, sideRoll: Double) -> (UInt32, UInt32, Side, Double)? {
            var slots: [(UInt32, UInt32)] = []
            for strategy in 1...UInt32(strategies.count) {
                for symbol in 1...UInt32(symbols.count) {
                    let orders = chain.book.pendingOrders(strategy: strategy, symbol: symbol)
                    if orders.buy + orders.sell > 0 { slots.append((strategy, symbol)) }
                }
            }
            guard !slots.isEmpty else { return nil }
            let (strategy, symbol) = slots[min(slots.count - 1, Int(pick * Double(slots.count)))]
            let orders = chain.book.pendingOrders(strategy: strategy, symbol: symbol)
            let side: Side = orders.sell == 0 || (orders.buy > 0 && sideRoll < 0.5) ? .buy : .sell
            return (strategy, symbol, side, side == .buy ? orders.buy : orders.sell)
        }

        for (step, (seconds, action)) in actions.enumerated() {
            ns += Int64(seconds * 1e9)
            switch action {
            case let .marks(returns):
                for k in 0..<symbols.count {
                    let symbol = UInt32(k + 1)
                    chain.updateMark(symbol: symbol, price: chain.book.mark(symbol) * Foundation.exp(returns[k]), at: ns)
                }

            case let .fill(pick, sideRoll, fraction, slippage, fee):
                guard let (strategy, symbol, side, open) = pendingOrder(pick: pick, sideRoll: sideRoll) else { continue }
                let liveBefore = chain.book.liveGrossQuantity, realizedBefore = chain.book.liveRealizedUSD
                chain.applyFill(strategy: strategy, symbol: symbol, side: side, quantity: open * fraction,
                                price: chain.book.mark(symbol) * (1 + slippage), feeUSD: fee, at: ns)
                coverage.fills += 1
                if fraction < 1 { coverage.partialFills += 1 }
                if strategies[Int(strategy) - 1].mode == .shadow
                    && (chain.book.liveGrossQuantity != liveBefore || chain.book.liveRealizedUSD != realizedBefore) {
                    fail(step, "a shadow fill changed the live book")
                }

            case let .release(pick, sideRoll, fraction):
                guard let (strategy, symbol, side, open) = pendingOrder(pick: pick, sideRoll: sideRoll) else { continue }
                chain.releasePending(strategy: strategy, symbol: symbol, quantity: side.sign * open * fraction)
                coverage.releases += 1

            case let .killSwitch(on):
                chain.setKillSwitch(on)
            case let .operatorState(state):
                chain.setOperatorState(state)
            case .resetLatch:
                _ = chain.resetHaltLatch(force: true)
            case let .resume(strategy):
                chain.resumeStrategy(strategy)

            case let .intent(strategy, symbol, side, notionalUSD, exitFraction, stopKind, stopDistance, reduceOnly):
                let book = chain.book
                let mark = book.mark(symbol)
                let filled = book.position(strategy: strategy, symbol: symbol)
                let pending = book.pendingOrders(strategy: strategy, symbol: symbol)
                let effective = filled + pending.buy - pending.sell
                var side = side, quantity = notionalUSD / mark
                if let exitFraction, effective != 0 {
                    side = effective > 0 ? .sell : .buy
                    quantity = abs(effective) * exitFraction
                }
                // Every fourth intent is a limit order priced from half the mark to 10 % above it:
                // budgets must hold when exposure is valued at the mark, whatever the limit.
                let isLimit = decisionID % 4 == 3
                let limitPrice = isLimit ? mark * (0.5 + Double(decisionID % 7) / 10) : 0
                let entry = isLimit ? limitPrice : mark
                let stop: Double = switch stopKind {
                case .valid: side == .buy ? entry * (1 - stopDistance) : entry * (1 + stopDistance)
                case .missing: 0
                case .wrongSide: side == .buy ? entry * (1 + stopDistance) : entry * (1 - stopDistance)
                }
                clientIDs[Int(strategy) - 1] += 1
                decisionID += 1
                let intent = OrderIntent(strategyID: strategy, clientID: clientIDs[Int(strategy) - 1], symbolID: symbol, side: side,
                                         quantity: quantity, orderType: isLimit ? .limit : .market, limitPrice: limitPrice,
                                         stopLossPrice: stop, reduceOnly: reduceOnly)

                // Before: what the intent reduces, and the restrictions in force. Reducing is what
                // shrinks the filled position and is not already being taken away by pending orders
                // on the intent's side (a sell against an unfilled buy is not reducing: the buy may
                // be cancelled).
                let direction = side.sign
                var reducing = 0.0
                if filled != 0 && (filled > 0) != (direction > 0) {
                    reducing = min(quantity, max(0, abs(filled) - (filled > 0 ? pending.sell : pending.buy)))
                }
                let isLive = strategies[Int(strategy) - 1].mode == .live
                let killSwitch = chain.controls.killSwitch
                let restricted = chain.controls.effectiveState != .active || chain.decayPaused[Int(strategy) - 1]
                let liveGrossBefore = book.liveGrossUSD
                let liveQuantitiesBefore = (book.liveGrossQuantity, book.liveNetQuantity)

                let decision = chain.decide(intent, decisionID: decisionID, at: ns)
                record.decisions.append(decision)
                record.traces.append(chain.trace)
                for note in chain.trace { coverage.reasons[note.code, default: 0] += 1 }

                // (a) the quantity: never more than asked, never negative, 0 on a reject.
                let final = decision.finalQuantity
                if let lot = limits.instruments[Self.symbols[Int(symbol) - 1]]?.lotSize, !InstrumentRules.isMultiple(final, of: lot) {
                    fail(step, "\(final) is not a whole number of lots of \(lot)")
                }
                if final < 0 || final > quantity { fail(step, "final \(final) outside [0, \(quantity)]") }
                switch decision.verdict {
                case .reject: if final != 0 { fail(step, "REJECT with final \(final)") }
                case .approve: if final != quantity || decision.reason != .none { fail(step, "APPROVE changed the quantity or gave \(decision.reason)") }
                case .reshape: if !(final > 0 && final < quantity) { fail(step, "RESHAPE to \(final) of \(quantity)") }
                }
                for note in chain.trace where note.quantityOut > note.quantityIn * (1 + 1e-12) + 1e-15 {
                    fail(step, "\(note.stage) grew the quantity: \(note.quantityIn) → \(note.quantityOut)")
                }
                let increased = final > reducing * (1 + 1e-12) + 1e-12

                // (c) the operator's and the chain's restrictions.
                if killSwitch {
                    if decision.verdict != .reject || decision.reason != .killSwitchActive { fail(step, "kill switch on: \(decision.verdict) \(decision.reason)") }
                    coverage.killSwitchRejects += 1
                } else if restricted {
                    if increased { fail(step, "restricted (\(chain.controls.effectiveState), paused \(chain.decayPaused[Int(strategy) - 1])) but \(final) passed of which \(reducing) reduces") }
                    coverage.blockedWhileRestricted += 1
                }

                // (b) risk-increasing quantity let through for a live strategy stays inside every cap.
                let after = chain.book
                if isLive && increased {
                    coverage.riskIncreasingLiveApprovals += 1
                    let equity = after.equityUSD
                    let slack = 1 + 1e-6
                    let gross = liveGross(after)
                    if gross > limits.maxGrossPctOfEquity / 100 * equity * slack { fail(step, "live gross \(gross) over its cap \(limits.maxGrossPctOfEquity / 100 * equity)") }
                    let symbolGross = liveGross(after, symbol: symbol)
                    if symbolGross > limits.maxSymbolPctOfEquity / 100 * equity * slack { fail(step, "symbol \(symbol) gross \(symbolGross) over its cap") }
                    for (c, members) in clusterMembers.enumerated() where members.contains(symbol) {
                        let clusterGross = members.reduce(0) { $0 + liveGross(after, symbol: $1) }
                        if clusterGross > clusterCaps[c] / 100 * equity * slack { fail(step, "cluster \(c) gross \(clusterGross) over its cap") }
                    }
                    // The strategy's own caps, on the largest position it could hold in the intent's
                    // direction: the filled one plus every pending order on that side.
                    let allocated = strategies[Int(strategy) - 1].allocatedCapitalUSD
                    let sameSide = after.pendingOrders(strategy: strategy, symbol: symbol)
                    let largest = max(0, direction > 0 ? filled + sameSide.buy : sameSide.sell - filled)
                    if largest * mark > limits.strategyMaxPositionPct / 100 * allocated * slack { fail(step, "position \(largest * mark) over its cap") }
                    // Loss at the stop from the entry price: the limit price of a limit order.
                    let entryPrice = intent.orderType == .limit ? intent.limitPrice : mark
                    if (final - reducing) * abs(entryPrice - stop) > limits.strategyMaxRiskPerTradePct / 100 * allocated * slack { fail(step, "risk per trade over its cap") }
                    // The running aggregate the guard read agrees with the recomputation.
                    if abs(after.liveGrossUSD - gross) > 1e-6 * max(1, gross) { fail(step, "running live gross \(after.liveGrossUSD) vs \(gross)") }
                }

                // (e) a shadow decision never moves the live book.
                if !isLive {
                    if decision.verdict != .reject { coverage.shadowApprovals += 1 }
                    if after.liveGrossUSD != liveGrossBefore || after.liveGrossQuantity != liveQuantitiesBefore.0
                        || after.liveNetQuantity != liveQuantitiesBefore.1 {
                        fail(step, "a shadow decision changed live gross")
                    }
                }
            }
        }
        record.stateChanges = chain.stateChanges
        record.finalEquity = chain.book.equityUSD
        record.finalLiveGross = chain.book.liveGrossUSD
        return record
    }

    static let seeds = Array(UInt64(1)...20)

    @Test(arguments: seeds)
    func everyDecisionKeepsTheChainsPromisesAndReplaysIdentically(seed: UInt64) {
        let actions = Self.actions(seed: seed)
        var violations: [String] = []
        var coverage = Coverage()
        let first = Self.run(seed: seed, actions: actions, violations: &violations, coverage: &coverage)
        #expect(violations.isEmpty, "\(violations.count) violations, first: \(violations.prefix(5))")

        // (d) determinism: the same sequence on a fresh chain, decision for decision, note for note.
        var ignored: [String] = []
        var ignoredCoverage = Coverage()
        let replay = Self.run(seed: seed, actions: actions, violations: &ignored, coverage: &ignoredCoverage)
        #expect(replay.decisions.count == first.decisions.count)
        let firstDifference = zip(first.decisions, replay.decisions).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "decisions differ from index \(firstDifference ?? -1)")
        let firstTraceDifference = zip(first.traces, replay.traces).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstTraceDifference == nil, "traces differ from index \(firstTraceDifference ?? -1)")
        #expect(replay.stateChanges == first.stateChanges)
        #expect(replay.finalEquity == first.finalEquity && replay.finalLiveGross == first.finalLiveGross)

        // Each sequence does real work (the invariants above were not vacuous).
        #expect(first.decisions.count > 600)
        #expect(coverage.riskIncreasingLiveApprovals > 30)
        #expect(coverage.fills > 60)
    }

    /// Across the seeds, the sequences reach every rule the invariants are about, so a rule that
    /// stopped firing would show here rather than pass the properties unnoticed.
    @Test func theRandomSequencesReachEveryRule() {
        var coverage = Coverage()
        var violations: [String] = []
        for seed in Self.seeds.prefix(6) {
            _ = Self.run(seed: seed, actions: Self.actions(seed: seed), violations: &violations, coverage: &coverage)
        }
        let expected: [ReasonCode] = [
            .killSwitchActive, .accountHalted, .accountReducing, .stopLossRequired, .stopLossWrongSide,
            .aggregateNotionalReshape, .aggregateNotionalExhausted, .symbolNotionalReshape, .symbolNotionalExhausted,
            .clusterNotionalReshape, .clusterNotionalExhausted, .strategyPositionReshape, .strategyPositionExhausted,
            .riskPerTradeReshape, .correlationScaled, .correlationInsufficientData, .cooldownScaled, .decayPaused,
            .reduceOnlyTrimmed, .drawdownBuffer, .belowMinOrderSize,
        ]
        let missing = expected.filter { (coverage.reasons[$0] ?? 0) == 0 }
        #expect(missing.isEmpty, "never reached: \(missing)")
        #expect(coverage.blockedWhileRestricted > 20 && coverage.killSwitchRejects > 20)
        #expect(coverage.shadowApprovals > 50 && coverage.partialFills > 20 && coverage.releases > 20)
    }
}
