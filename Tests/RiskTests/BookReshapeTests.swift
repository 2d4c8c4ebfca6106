import Risk
import Testing

/// A restart whose configuration adds, removes or re-allocates strategies: the journal's state
/// reshaped to the new set (`RiskChain.reshaping`).
@Suite("Reshaping the book for another set of strategies")
struct BookReshapeTests {
    /// Two strategies trading two symbols, with positions, a pending order, a losing streak.
    static func tradedChain() -> RiskChain {
        var chain = Fixture.chain(strategies: [(.live, 40_000), (.live, 30_000)])
        Fixture.hold(&chain, strategy: 1, symbol: 1, quantity: 5, price: 1_000)
        Fixture.hold(&chain, strategy: 2, symbol: 2, quantity: -3, price: 1_000)
        chain.updateMark(symbol: 1, price: 1_040, at: Fixture.at(seconds: 60))
        chain.updateMark(symbol: 2, price: 980, at: Fixture.at(seconds: 61))
        _ = chain.decide(Fixture.intent(strategy: 2, client: 9, symbol: 3, quantity: 2), decisionID: 1, at: Fixture.at(seconds: 62))
        return chain
    }

    @Test func carriedStrategiesKeepEverythingInTheirNewPlacesAndAnAddedOneStartsFlat() throws {
        let before = Self.tradedChain()
        // The new configuration: strategy 2 first, then a new one, then strategy 1 with more capital.
        var after = Fixture.chain(strategies: [(.live, 30_000), (.live, 10_000), (.live, 50_000)])
        let state = after.reshaping(before.state, from: [1, nil, 0])
        try after.restore(state)
        let old = before.book, new = after.book
        #expect(new.position(strategy: 1, symbol: 2) == old.position(strategy: 2, symbol: 2))
        #expect(new.pending(strategy: 1, symbol: 3) == old.pending(strategy: 2, symbol: 3))
        #expect(new.position(strategy: 3, symbol: 1) == old.position(strategy: 1, symbol: 1))
        #expect(new.strategy(3).realizedUSD == old.strategy(1).realizedUSD)
        #expect(new.isFlat(strategy: 2) && new.strategy(2).peakEquityUSD == 10_000 && new.equityUSD(strategy: 2) == 10_000)
        // The account and its aggregates are those of the journal.
        #expect(new.equityUSD == old.equityUSD && new.peakEquityUSD == old.peakEquityUSD)
        #expect(new.liveGrossUSD == old.liveGrossUSD && new.liveUnrealizedUSD == old.liveUnrealizedUSD)
        // More capital for strategy 1 (now 3): its equity, peak and day start all move by 10,000,
        // so its drawdown and daily loss are what they were.
        #expect(new.equityUSD(strategy: 3) == old.equityUSD(strategy: 1) + 10_000)
        #expect(new.strategy(3).peakEquityUSD == old.strategy(1).peakEquityUSD + 10_000)
        #expect(new.strategy(3).dayStartEquityUSD == old.strategy(1).dayStartEquityUSD + 10_000)
        #expect(new.strategy(3).allocatedCapitalUSD == 50_000)
    }

    @Test func aCarriedStrategyIsDecidedAsIfNothingHadChanged() throws {
        var before = Self.tradedChain()
        var after = Fixture.chain(strategies: [(.live, 10_000), (.live, 30_000)])
        try after.restore(after.reshaping(before.state, from: [nil, 1]))
        // Strategy 2 of the journal is strategy 2 here too, same capital: the same intents get
        // the same decisions, one after another.
        for (index, quantity) in [1.0, 6, 0.5, 12].enumerated() {
            let at = Fixture.at(seconds: 70 + Double(index))
            let a = before.decide(Fixture.intent(strategy: 2, client: UInt64(10 + index), symbol: 4, quantity: quantity), decisionID: UInt64(2 + index), at: at)
            let b = after.decide(Fixture.intent(strategy: 2, client: UInt64(10 + index), symbol: 4, quantity: quantity), decisionID: UInt64(2 + index), at: at)
            #expect(a == b)
        }
    }
}
