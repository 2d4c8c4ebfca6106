import Testing
@testable import Risk

/// Promotion in the book: a flat shadow strategy joins the live book with a fresh live record, so
/// neither its paper PnL nor its paper positions ever reach live equity or exposure.
@Suite("Promotion in the book")
struct PromotionBookTests {
    /// Strategy 1 live with 10,000, strategy 2 shadow with 5,000; one symbol.
    func book() -> PortfolioBook {
        PortfolioBook(startingEquityUSD: 10_000, strategies: [(.live, 10_000), (.shadow, 5_000)], symbolCount: 1)
    }

    @Test func aFlatShadowStrategyStartsItsLiveRecordAtItsAllocation() {
        var book = book()
        book.updateMark(symbol: 1, price: 100, at: 1)
        // A shadow round trip: +200 on paper, never in live equity.
        _ = book.applyFill(strategy: 2, symbol: 1, side: .buy, quantity: 10, price: 100, feeUSD: 0, at: 2)
        #expect(!book.isFlat(strategy: 2))
        _ = book.applyFill(strategy: 2, symbol: 1, side: .sell, quantity: 10, price: 120, feeUSD: 0, at: 3)
        #expect(book.isFlat(strategy: 2))
        #expect(book.strategy(2).realizedUSD == 200)
        #expect(book.equityUSD == 10_000)

        book.promoteToLive(2)
        #expect(book.strategy(2).mode == .live)
        #expect(book.strategy(2).realizedUSD == 0)
        #expect(book.strategy(2).peakEquityUSD == 5_000 && book.strategy(2).dayStartEquityUSD == 5_000)
        #expect(book.equityUSD == 10_000, "paper PnL reached live equity")
        #expect(book.realizedUSD(strategy: 2, symbol: 1) == 0)

        // From now on its fills are live: exposure and equity move.
        _ = book.applyFill(strategy: 2, symbol: 1, side: .buy, quantity: 5, price: 100, feeUSD: 0, at: 4)
        #expect(book.liveGrossUSD == 500)
        book.updateMark(symbol: 1, price: 90, at: 5)
        #expect(book.equityUSD == 9_950)
        #expect(book.equityUSD(strategy: 2) == 4_950)
    }

    @Test func theLosingStreakIsKept() {
        var book = book()
        _ = book.applyFill(strategy: 2, symbol: 1, side: .buy, quantity: 1, price: 100, feeUSD: 0, at: 1)
        _ = book.applyFill(strategy: 2, symbol: 1, side: .sell, quantity: 1, price: 90, feeUSD: 0, at: 2)
        #expect(book.strategy(2).consecutiveLosses == 1)
        book.promoteToLive(2)
        #expect(book.strategy(2).consecutiveLosses == 1)
    }
}
