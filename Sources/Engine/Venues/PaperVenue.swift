import MarketData
import Risk

/// A fill the paper venue made, ready for the book and the strategy's `on_fill`.
package struct PaperFill: Equatable, Sendable {
    package var fillID: UInt64
    package var order: Order
    /// Fill price, quote currency per unit.
    package var price: Double
    /// Fee charged, USD.
    package var feeUSD: Double
    /// Event time of the market event that filled it, ns.
    package var timestampNs: Int64

    package init(fillID: UInt64, order: Order, price: Double, feeUSD: Double, timestampNs: Int64) {
        self.fillID = fillID
        self.order = order
        self.price = price
        self.feeUSD = feeUSD
        self.timestampNs = timestampNs
    }
}

/// A simulated venue inside the engine: the execution adapter for paper trading and for shadow
/// strategies (whose fills go to their shadow book and never reach a real venue).
///
/// Rules (documented in docs/execution.md):
/// - A market order fills in full at the next trade, quote or bar of its symbol after it was
///   accepted: a buy at the trade price (or the ask, or the bar close) plus `slippageBps`, a sell at
///   the trade price (or the bid, or the bar close) minus `slippageBps`.
/// - A limit order fills in full when the market reaches it: a buy when a trade prints at or below
///   the limit (or the ask is at or below it, or a bar's low reaches it), at the better of the
///   limit and that price (for a bar, the better of the limit and the bar's open); a sell
///   symmetrically. A limit order rests until it fills or is cancelled.
/// - The fee is `feeBps` of the fill's notional, in USD.
/// - No partial fills, no queue position, no market impact beyond the fixed slippage.
///
/// Confined to the event-loop thread. Open orders are kept per symbol, so a market event looks
/// only at its symbol's orders. One instance serves shadow strategies and, with
/// `live_adapter: paper`, live ones too (each order keeps its mode, so fills reach the right book).
package final class PaperVenue: Venue {
    /// Slippage applied to market orders, basis points of the price.
    package let slippageBps: Double
    /// Fee, basis points of the fill's notional.
    package let feeBps: Double
    /// Open orders by symbol id (index 0 unused).
    package private(set) var openOrders: [[Order]]
    private var nextFillID: UInt64 = 1
    /// Orders accepted and fills made, for the run summary.
    package private(set) var ordersAccepted = 0
    package private(set) var fillsMade = 0

    package init(symbolCount: Int, slippageBps: Double, feeBps: Double) {
        self.slippageBps = slippageBps
        self.feeBps = feeBps
        openOrders = Array(repeating: [], count: symbolCount + 1)
    }

    /// What a restarted host needs back: the resting orders and the next fill id.
    package struct State: Codable, Equatable, Sendable {
        package var openOrders: [[Order]]
        package var nextFillID: UInt64

        package init(openOrders: [[Order]], nextFillID: UInt64) {
            self.openOrders = openOrders
            self.nextFillID = nextFillID
        }
    }

    package var state: State { State(openOrders: openOrders, nextFillID: nextFillID) }

    /// Puts back the resting orders of an earlier run (same symbol count).
    package func restore(_ saved: State) -> Bool {
        guard saved.openOrders.count == openOrders.count else { return false }
        openOrders = saved.openOrders
        nextFillID = max(nextFillID, saved.nextFillID)
        return true
    }

    /// The next fill id, for a fill made elsewhere (the gateway): one sequence for every fill.
    package func takeFillID() -> UInt64 {
        defer { nextFillID += 1 }
        return nextFillID
    }

    /// Numbers the next fill after `fillID` (fill ids stay unique across runs of one journal).
    package func continueFillIDs(after fillID: UInt64) {
        nextFillID = max(nextFillID, fillID + 1)
    }

    /// Accepts an approved order; it waits for the next market event of its symbol.
    package func submit(_ order: Order) {
        openOrders[Int(order.symbolID)].append(order)
        ordersAccepted += 1
    }

    package var title: String { "the paper venue (live book)" }
    package var isReplayable: Bool { true }

    /// Accepts an approved order (`Venue`).
    package func submit(_ order: Order, eventTimeNs: Int64) { submit(order) }

    /// Cancels the open order of `strategy` with `clientID` and an order id of at least `first`.
    /// (A restarted strategy numbers its intents afresh, so its cancels must not reach an order
    /// restored from an earlier run under the same client id.)
    package func cancel(strategy: UInt32, clientID: UInt64, fromOrderID first: UInt64 = 0) -> VenueCancel {
        for symbol in openOrders.indices {
            if let index = openOrders[symbol].firstIndex(where: {
                $0.strategyID == strategy && $0.clientID == clientID && $0.orderID >= first
            }) {
                return .cancelled(openOrders[symbol].remove(at: index))
            }
        }
        return .notFound
    }

    /// The strategy's resting orders of this run, symbol by symbol in acceptance order (a paper
    /// order is always whole, so its remaining quantity is its quantity).
    package func forEachOpenOrder(strategy: UInt32, fromOrderID first: UInt64, _ body: (Order, Double, OpenOrderState) -> Void) {
        for symbol in openOrders.indices {
            for order in openOrders[symbol] where order.strategyID == strategy && order.orderID >= first {
                body(order, order.quantity, .working)
            }
        }
    }

    /// The first live limit order resting in `symbol` that an order on `side` at `price` would
    /// trade against (`Venue.crossingOrder`), in acceptance order.
    package func crossingOrder(symbol: UInt32, side: Side, price: Double) -> Order? {
        for order in openOrders[Int(symbol)] where order.isCrossed(bySide: side, price: price) { return order }
        return nil
    }

    /// Removes and returns the open order with `orderID` in `symbol`, if there is one (recovery
    /// re-applying a journaled fill or cancel).
    package func remove(orderID: UInt64, symbol: UInt32) -> Order? {
        guard Int(symbol) < openOrders.count,
              let index = openOrders[Int(symbol)].firstIndex(where: { $0.orderID == orderID }) else { return nil }
        return openOrders[Int(symbol)].remove(at: index)
    }

    /// Removes every open order `shouldCancel` picks and appends it to `cancelled`, in acceptance
    /// order per symbol (`Venue.cancelAll`: a paper order is always whole, so `remaining` is its
    /// quantity).
    package func cancelAll(where shouldCancel: (Order, Double) -> Bool, into cancelled: inout [Order]) {
        for symbol in openOrders.indices where !openOrders[symbol].isEmpty {
            cancelled += openOrders[symbol].filter { shouldCancel($0, $0.quantity) }
            openOrders[symbol].removeAll { shouldCancel($0, $0.quantity) }
        }
    }

    /// Matches the symbol's open orders against one market event, appending fills to `fills`
    /// (a buffer the caller reuses) in the order the orders were accepted.
    package func match(_ event: MarketEvent, into fills: inout [PaperFill]) {
        let symbol = Int(event.symbolID)
        guard !openOrders[symbol].isEmpty else { return }
        var index = 0
        while index < openOrders[symbol].count {
            let order = openOrders[symbol][index]
            if let price = fillPrice(order, event) {
                fills.append(PaperFill(
                    fillID: nextFillID, order: order, price: price,
                    feeUSD: abs(order.quantity * price) * feeBps / 10_000, timestampNs: event.timestampNs))
                nextFillID += 1
                fillsMade += 1
                openOrders[symbol].remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// The price `order` fills at on `event`, or nil if it does not fill.
    package func fillPrice(_ order: Order, _ event: MarketEvent) -> Double? {
        let buy = order.side == .buy
        // The price a buyer pays and a seller gets on this event.
        let (buyPrice, sellPrice): (Double, Double)
        switch event.kind {
        case .trade: (buyPrice, sellPrice) = (event.v0, event.v0)
        case .quote: (buyPrice, sellPrice) = (event.v2, event.v0)   // ask, bid
        case .bar:
            // A closed bar: market orders take its close; a limit fills if the bar's range
            // reached it, at the better of the limit and the open.
            if order.orderType == .limit {
                if buy { return event.v2 <= order.limitPrice ? min(order.limitPrice, event.v0) : nil }
                return event.v1 >= order.limitPrice ? max(order.limitPrice, event.v0) : nil
            }
            (buyPrice, sellPrice) = (event.v3, event.v3)
        }
        switch order.orderType {
        case .market:
            let slip = slippageBps / 10_000
            return buy ? buyPrice * (1 + slip) : sellPrice * (1 - slip)
        case .limit:
            if buy { return buyPrice <= order.limitPrice ? min(order.limitPrice, buyPrice) : nil }
            return sellPrice >= order.limitPrice ? max(order.limitPrice, sellPrice) : nil
        }
    }
}
