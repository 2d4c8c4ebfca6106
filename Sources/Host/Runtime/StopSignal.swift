import Synchronization

/// A one-way flag asking the event loop to stop; set from any thread (signal handling, tests),
/// read by the loop between polls.
public final class StopSignal: Sendable {
    private let requested = Atomic<Bool>(false)

    /// A flag that is not yet set.
    public init() {}

    /// Asks the loop to stop. Idempotent.
    public func request() { requested.store(true, ordering: .releasing) }

    /// Whether a stop was asked for.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }
}
