import MarketData
import Risk

/// The engine's way to the strategies: the plugin host implements it by calling each plugin's C
/// callbacks. The engine calls it on the event-loop thread only, outside any of its own
/// mutations, so a strategy may call back into the engine (submit, cancel, query) from any of
/// these: its intents are decided there and then, and their decisions delivered in turn.
///
/// `strategy` is the strategy's index (its id − 1). A strategy that is not running (destroyed,
/// or failed to create) is skipped by the implementation.
package protocol StrategyPort: AnyObject {
    /// One market event of a symbol the strategy subscribes to.
    func marketData(_ event: MarketEvent, strategy: Int)
    /// The decision on one of the strategy's intents (after `submit` returned it).
    func decision(_ decision: Decision, strategy: Int)
    /// A fill of one of the strategy's orders, booked already.
    func fill(_ fill: FillFact, strategy: Int)
    /// One of the strategy's orders was cancelled or rejected; nothing more of it fills.
    func orderUpdate(_ update: OrderUpdate, strategy: Int)
    /// The strategy's timer is due at event time `eventTimeNs`.
    func timer(at eventTimeNs: Int64, strategy: Int)
    /// The host is ready to trade (`Engine.startStrategies`).
    func start(strategy: Int)
    /// The host is stopping, in order (`Engine.stopStrategies`).
    func stop(strategy: Int)
}

/// What happened to a strategy's order after its decision, for `on_order_update`.
package struct OrderUpdate: Sendable, Equatable {
    package enum Status: Sendable, Equatable {
        /// Cancelled (by the strategy, the host's latches, an operator or the venue).
        case cancelled
        /// Refused by the venue after the chain approved it.
        case rejected
    }

    package var clientID: UInt64
    package var symbolID: UInt32
    package var status: Status
    /// Quantity that will never fill, units.
    package var remainingQuantity: Double
    /// Why the host cancelled it (nil: the strategy asked, or the venue did it).
    package var reason: ReasonCode?
    /// Event time, ns.
    package var eventTimeNs: Int64

    package init(clientID: UInt64, symbolID: UInt32, status: Status, remainingQuantity: Double, reason: ReasonCode?,
                 eventTimeNs: Int64) {
        self.clientID = clientID
        self.symbolID = symbolID
        self.status = status
        self.remainingQuantity = remainingQuantity
        self.reason = reason
        self.eventTimeNs = eventTimeNs
    }
}
