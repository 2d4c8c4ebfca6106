/// An order the chain approved, as the execution stage receives it.
public struct Order: Sendable, Equatable, Codable {
    /// The decision's id; unique within a run.
    public var orderID: UInt64
    public var strategyID: UInt32
    public var clientID: UInt64
    public var symbolID: UInt32
    public var side: Side
    /// Approved quantity (units, > 0): the decision's final quantity.
    public var quantity: Double
    public var orderType: OrderType
    /// Limit price (limit orders), 0 for market orders.
    public var limitPrice: Double
    /// The intent's stop-loss price (0 if none, for a purely reducing intent).
    public var stopLossPrice: Double
    public var reduceOnly: Bool
    /// Live orders may reach a venue; shadow orders never do.
    public var mode: BookMode
    /// Event time of the decision, ns.
    public var timestampNs: Int64

    public init(decision: Decision, intent: OrderIntent, mode: BookMode) {
        orderID = decision.decisionID
        strategyID = intent.strategyID
        clientID = intent.clientID
        symbolID = intent.symbolID
        side = intent.side
        quantity = decision.finalQuantity
        orderType = intent.orderType
        limitPrice = intent.limitPrice
        stopLossPrice = intent.stopLossPrice
        reduceOnly = intent.reduceOnly
        self.mode = mode
        timestampNs = decision.timestampNs
    }
}

/// The last stage: turns an approved order into action for the strategy's mode (a paper venue,
/// an external gateway, or a shadow recorder). Called on the event-loop thread, synchronously,
/// right after the decision; it must not block.
public protocol ExecutionAdapter {
    /// Takes an approved order. Fills come back later through the book.
    mutating func submit(_ order: Order)
}

/// Records the orders it is given and does nothing else: nothing is sent and nothing fills. Keeps
/// the most recent `capacity` orders (a ring, so a long-running host does not grow without bound)
/// and counts all of them. For tests, `gatehouse decide`, and hosts that only record decisions.
public struct RecordingExecutionAdapter: ExecutionAdapter, Sendable {
    public let capacity: Int
    private var ring: [Order] = []
    private var next = 0
    /// Orders submitted, by mode.
    public private(set) var liveCount = 0
    public private(set) var shadowCount = 0

    /// An adapter keeping up to `capacity` (>= 1) recent orders.
    public init(capacity: Int = 100_000) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    public mutating func submit(_ order: Order) {
        if order.mode == .live { liveCount += 1 } else { shadowCount += 1 }
        if ring.count < capacity {
            ring.append(order)
        } else {
            ring[next] = order
        }
        next = (next + 1) % capacity
    }

    /// The recorded orders, oldest first.
    public var orders: [Order] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }
}
