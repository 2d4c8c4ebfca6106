import Synchronization

/// A fixed-capacity single-producer, single-consumer queue of plain values: the event-loop thread
/// pushes, the audit feeder thread pops. No lock and no allocation after init, so the decision
/// path can record without waiting on the journal.
final class AuditRing<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the slots are plain memory shared by exactly two threads under the SPSC protocol
    // below: the producer writes a slot and then publishes `tail` (release); the consumer reads
    // `tail` (acquire), reads the slot, then publishes `head` (release). A slot is never written
    // while the consumer may read it, nor read while the producer may write it.
    let capacity: Int
    private let slots: UnsafeMutablePointer<Element>
    private let head = Atomic<Int>(0)   // next slot to read (consumer)
    private let tail = Atomic<Int>(0)   // next slot to write (producer)

    init(capacity: Int) {
        precondition(capacity >= 2)
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
    }

    deinit { slots.deallocate() }

    /// Elements waiting; exact for the producer and the consumer, a snapshot for anyone else.
    var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }

    /// Producer only. False when full (nothing is written).
    func push(_ element: Element) -> Bool {
        let t = tail.load(ordering: .relaxed)
        if t - head.load(ordering: .acquiring) >= capacity { return false }
        (slots + t % capacity).initialize(to: element)
        tail.store(t + 1, ordering: .releasing)
        return true
    }

    /// Consumer only. The oldest element, or nil when empty.
    func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        if h == tail.load(ordering: .acquiring) { return nil }
        let element = (slots + h % capacity).pointee
        head.store(h + 1, ordering: .releasing)
        return element
    }
}
