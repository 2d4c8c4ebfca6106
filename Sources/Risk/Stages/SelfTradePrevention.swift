/// A live limit order of the host's resting at its venue, as self-trade prevention names it: the
/// one a new intent would trade against (`RiskChain.decide(_:decisionID:at:resting:)`).
public struct RestingOrder: Sendable, Equatable {
    /// The order's id (its decision's id).
    public var orderID: UInt64
    public var strategyID: UInt32
    /// Its limit price, quote currency per unit.
    public var limitPrice: Double

    public init(orderID: UInt64, strategyID: UInt32, limitPrice: Double) {
        self.orderID = orderID
        self.strategyID = strategyID
        self.limitPrice = limitPrice
    }
}

/// Self-trade prevention (issue 12), part of the Firewall: every strategy of the host trades for
/// one account, so a live intent whose price reaches a live limit order of the host's resting on
/// the other side of the same symbol would trade the account with itself (a wash trade).
///
/// The chain keeps no resting orders (the venues do): the engine finds the order the intent
/// would cross (`Venue.crossingOrder`) and passes it to `decide`. "Would cross": a buy's price at
/// or above a resting sell's limit, a sell's at or below a resting buy's, where a market
/// intent's price is its entry price (the mark, or the price band's edge), the worst it may fill
/// at. Resting market orders are not looked at: they do not rest at a venue.
///
/// `risk.firewall.self_trade`: `refuse` blocks the risk-increasing part (`SELF_TRADE_PREVENTED`);
/// a reducing part still passes, as every exit does. Whatever passes, under `refuse` or
/// `cancel_resting`, makes the engine cancel the resting orders it would cross before it is sent
/// (`SELF_TRADE_RESTING_CANCELLED` in the trace; `selfTradeCancelDue`).
extension RiskChain {
    /// The block of the risk-increasing part under `refuse`.
    mutating func preventSelfTrade(_ work: inout Work, resting: RestingOrder?) {
        guard let resting, limits.selfTradePolicy == .refuse, work.increasing > 0 else { return }
        block(&work, .selfTradePrevented, stage: .firewall, details: Self.selfTradeDetails(work.price, resting))
    }

    /// After the decision let `final` units through: the resting order is to be cancelled.
    mutating func cancelSelfTradeResting(_ resting: RestingOrder?, price: Double, final: Double) {
        guard let resting, limits.selfTradePolicy != .off, final > 0 else { return }
        selfTradeCancelDue = true
        note(.firewall, .selfTradeRestingCancelled, quantityIn: final, quantityOut: final,
             details: Self.selfTradeDetails(price, resting))
    }

    static func selfTradeDetails(_ price: Double, _ resting: RestingOrder) -> (Double, Double, Double, Double) {
        (price, resting.limitPrice, Double(resting.strategyID), Double(resting.orderID))
    }

    /// The price a live intent is checked at for self-trade prevention (and risk per trade): its
    /// limit price, or for a market intent the mark, or with a price band its edge on the
    /// intent's side.
    public func entryPrice(of intent: OrderIntent) -> Double {
        Self.entryPrice(of: intent, mark: book.mark(intent.symbolID), bandPct: limits.priceBandPct)
    }

    /// The same from its parts: what `decide` calls, so the chain (about a kilobyte) is not
    /// copied for a method call in the middle of a mutation.
    @inline(__always)
    static func entryPrice(of intent: OrderIntent, mark: Double, bandPct: Double?) -> Double {
        intent.orderType == .limit ? intent.limitPrice : bandPct.map { mark * (1 + intent.side.sign * $0 / 100) } ?? mark
    }
}
