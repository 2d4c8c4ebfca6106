import Synchronization

/// A fixed-capacity single-producer, single-consumer queue: the event-loop thread pushes, one
/// consumer thread pops. No lock and no allocation after init, so the decision path can hand
/// an event over without waiting on the journal or the stream.
///
/// Elements are moved in and moved out: an element holding references (a snapshot's arrays,
/// an operator's name) is retained once by the ring and released by the consumer, and anything
/// left at deinit is released with the ring. Plain-value elements (a decision, a batch of ticks)
/// cost a copy and nothing else.
package final class EventRing<Element>: @unchecked Sendable {
    // @unchecked: the slots are plain memory shared by exactly two threads under the SPSC protocol
    // below: the producer initializes a slot and then publishes `tail` (release); the consumer
    // reads `tail` (acquire), moves the slot out, then publishes `head` (release). A slot is never
    // written while the consumer may read it, nor read while the producer may write it.
    /// Slots, > 1.
    @usableFromInline package let capacity: Int
    @usableFromInline let slots: UnsafeMutablePointer<Element>
    @usableFromInline let head = Atomic<Int>(0)   // next slot to read (consumer)
    @usableFromInline let tail = Atomic<Int>(0)   // next slot to write (producer)

    package init(capacity: Int) {
        precondition(capacity >= 2)
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
    }

    deinit {
        var index = head.load(ordering: .acquiring)
        let end = tail.load(ordering: .acquiring)
        while index < end {
            (slots + index % capacity).deinitialize(count: 1)
            index += 1
        }
        slots.deallocate()
    }

    /// Elements waiting; exact for the producer and the consumer, a snapshot for anyone else.
    @inlinable package var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }

    /// Producer only. False when full (nothing is written; `element` stays the caller's).
    @inlinable package func push(_ element: Element) -> Bool {
        let t = tail.load(ordering: .relaxed)
        if t - head.load(ordering: .acquiring) >= capacity { return false }
        (slots + t % capacity).initialize(to: element)
        tail.store(t + 1, ordering: .releasing)
        return true
    }

    /// Consumer only. The oldest element, or nil when empty.
    @inlinable package func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        if h == tail.load(ordering: .acquiring) { return nil }
        let element = (slots + h % capacity).move()
        head.store(h + 1, ordering: .releasing)
        return element
    }
}
