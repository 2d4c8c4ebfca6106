import MarketData
import Risk

/// Where approved orders go: the last stage of the chain. Shadow orders always go to the paper
/// venue; live orders go to the host's live venue (`execution.live_adapter`): the same paper
/// venue, the recording venue, or the order gateway, which implements this protocol in the
/// module that owns its socket.
///
/// Called on the event-loop thread, synchronously, right after a decision; nothing here may
/// block. What happens to an order later reaches the engine as fills (`match`, for venues the
/// engine simulates) or as `VenueReport`s (for a venue outside the host).
package protocol Venue: AnyObject {
    /// How an operator message names it ("the paper venue (live book)", "the order gateway").
    var title: String { get }
    /// Whether recovery re-derives what `submit` did from the journal's rows (a simulated venue)
    /// or not (a venue outside the host: the state is journaled after each of its orders).
    var isReplayable: Bool { get }
    /// Takes an approved order at event time `eventTimeNs`.
    func submit(_ order: Order, eventTimeNs: Int64)
    /// Cancels the open order of `strategy` with its own `clientID`, placed in this run (order
    /// id at least `fromOrderID`).
    func cancel(strategy: UInt32, clientID: UInt64, fromOrderID: UInt64) -> VenueCancel
    /// Cancels every open order `shouldCancel(order, remaining)` picks. Those cancelled at once
    /// are appended to `cancelled`; a venue outside the host asks for the cancel and reports
    /// it later (`VenueReport.cancelled`).
    func cancelAll(where shouldCancel: (Order, Double) -> Bool, into cancelled: inout [Order])
    /// Matches resting orders against one market event, appending fills in order (a simulated
    /// venue; others do nothing).
    func match(_ event: MarketEvent, into fills: inout [PaperFill])
    /// A live limit order resting here in `symbol` on the other side of `side` that an order at
    /// `price` would trade against (`Order.isCrossed(bySide:price:)`), or nil: self-trade
    /// prevention. A venue that keeps no open orders (the recording venue) has none.
    func crossingOrder(symbol: UInt32, side: Side, price: Double) -> Order?
    /// Calls `body` with each open order of `strategy` placed in this run (order id at least
    /// `fromOrderID`): the order, its unfilled quantity and where it stands. A venue that keeps
    /// no open orders (the recording venue) has none. Allocates nothing.
    func forEachOpenOrder(strategy: UInt32, fromOrderID: UInt64, _ body: (Order, Double, OpenOrderState) -> Void)
    /// Orders in flight outside the host, for the state snapshot (nil: none kept, a simulated venue).
    var inFlight: [GatewayOrder]? { get }
    /// Takes back orders in flight from an earlier run (their fate unknown until the venue
    /// answers); false when this venue keeps none.
    func restore(inFlight: [GatewayOrder], nowWallNs: Int64) -> Bool
}

extension Venue {
    package func match(_ event: MarketEvent, into fills: inout [PaperFill]) {}
    package func crossingOrder(symbol: UInt32, side: Side, price: Double) -> Order? { nil }
    package func forEachOpenOrder(strategy: UInt32, fromOrderID: UInt64, _ body: (Order, Double, OpenOrderState) -> Void) {}
    package var inFlight: [GatewayOrder]? { nil }
    package func restore(inFlight: [GatewayOrder], nowWallNs: Int64) -> Bool { inFlight.isEmpty }
}

/// Where an open order stands (`gh_order_info.state`: the raw values are `GH_ORDER_STATE_*`).
package enum OpenOrderState: UInt32, Sendable {
    /// Resting at the venue: on the paper venue, or acknowledged by the order gateway.
    case working = 1
    /// Not yet acknowledged: waiting for the journal's commit or a connection, or sent.
    case sent = 2
    /// The gateway's answer timed out; the host asked for its status and waits.
    case unknown = 3
}

/// What a cancel request did.
package enum VenueCancel: Equatable {
    /// Cancelled now: nothing of it fills; the engine releases its pending quantity.
    case cancelled(Order)
    /// Asked for; the venue reports the outcome later.
    case requested
    /// No open order of the strategy has that client id.
    case notFound
}

/// What a venue outside the host said about an order (or a timeout it ran): the engine applies
/// it to the book, the journal and the strategy (`Engine.apply(_:)`).
package enum VenueReport: Sendable {
    case acknowledged(Order)
    case filled(Order, quantity: Double, price: Double, feeUSD: Double, complete: Bool)
    case rejected(Order, reason: String, remaining: Double)
    case cancelled(Order, remaining: Double)
    /// No acknowledgement within the timeout: new risk in its (strategy, symbol) is refused.
    case becameUnknown(Order)
    /// An answer for an order whose state was unknown.
    case reconciled(Order)
    /// A fill refused, not booked: priced more than `bandPct` percent from the symbol's `mark`
    /// (the order stays in flight for an operator to reconcile). Published as a red alert.
    case fillRefused(Order, price: Double, mark: Double, bandPct: Double)
}

extension Order {
    /// Whether this order is a live limit order an order on `side` at `price` would trade
    /// against: on the other side, a sell at or below a buy's price, a buy at or above a sell's.
    /// Market orders do not rest at a venue and are never crossed.
    package func isCrossed(bySide side: Side, price: Double) -> Bool {
        guard mode == .live, orderType == .limit, self.side != side else { return false }
        return side == .buy ? limitPrice <= price : limitPrice >= price
    }
}
