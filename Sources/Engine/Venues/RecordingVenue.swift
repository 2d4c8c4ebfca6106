import Risk

/// The live venue of `execution.live_adapter: record`: approved orders are recorded and nothing
/// is sent or filled, so the approved quantity stays pending for the rest of the run. Keeps the
/// most recent `capacity` orders (a ring, so a long-running host does not grow without bound)
/// and counts all of them. For hosts that only record decisions, and for tests.
package final class RecordingVenue: Venue {
    package let capacity: Int
    private var ring: [Order] = []
    private var next = 0
    /// Orders submitted.
    package private(set) var submitted = 0

    /// A venue keeping up to `capacity` (>= 1) recent orders.
    package init(capacity: Int = 100_000) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    package var title: String { "the recording adapter" }
    package var isReplayable: Bool { true }

    package func submit(_ order: Order, eventTimeNs: Int64) {
        submitted += 1
        if ring.count < capacity {
            ring.append(order)
        } else {
            ring[next] = order
        }
        next = (next + 1) % capacity
    }

    /// The recorded orders, oldest first.
    package var orders: [Order] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }

    /// It keeps no open orders: there is nothing to cancel.
    package func cancel(strategy: UInt32, clientID: UInt64, fromOrderID: UInt64) -> VenueCancel { .notFound }
    package func cancelAll(where shouldCancel: (Order, Double) -> Bool, into cancelled: inout [Order]) {}
}
