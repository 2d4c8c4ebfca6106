import Engine
import Foundation
import Logging
import Synchronization

/// Moves engine events from their ring to the risk event stream: a thread that pops
/// `EngineEvent`s, projects them into messages (`StreamProjection`) and publishes them, in order,
/// and sends the heartbeats. It has its own ring, apart from the journal's: a journal that falls
/// behind never holds up the stream or its heartbeats, and a stream that falls behind never makes
/// the host refuse risk. When its ring is full the loop does not wait: the events that do not fit
/// are lost to the stream (never to the journal), their `seq`s stay used so every subscriber sees
/// the gap, and the heartbeat's `dropped` counts them (docs/events.md, "Delivery").
final class StreamFeeder: Sendable {
    /// Slots of the stream's ring: at the book workload's rate (about 80 published facts per
    /// 1,000 ticks) a few seconds of a stalled stream thread before anything is lost.
    static let ringCapacity = 16_384

    let ring: EventRing<EngineEvent>
    let publisher: RiskEventPublisher
    private let projection: StreamProjection
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)
    /// Messages the loop could not queue (ring full), and how many of them this thread has
    /// accounted for in `seq` so far.
    private let lostByLoop = Atomic<UInt64>(0)
    private let lostAccounted = Atomic<UInt64>(0)
    /// Latest event time published, for heartbeats.
    private let lastEventTimeNs = Atomic<Int64>(0)

    init(ring: EventRing<EngineEvent>, publisher: RiskEventPublisher, names: EventNames) {
        self.ring = ring
        self.publisher = publisher
        projection = StreamProjection(names: names, decisions: publisher.decisions)
        let thread = Thread { [self] in
            nameCurrentThread("gh-stream")
            run()
        }
        thread.name = "gh-stream"
        thread.start()
    }

    /// Event loop: how many messages `event` is published as (0 when the stream leaves it out),
    /// without building them. Allocates nothing.
    func messageCount(of event: EngineEvent) -> Int { projection.messageCount(for: event) }

    /// Event loop: `count` messages were lost because the ring was full.
    func countLost(_ count: Int) {
        lostByLoop.wrappingAdd(UInt64(count), ordering: .relaxed)
    }

    /// Messages lost to a full ring so far. Any thread.
    var lost: UInt64 { lostByLoop.load(ordering: .relaxed) }

    /// Stops after everything pushed so far is published, publishes `final` (the run's end),
    /// then closes the socket. Blocks until done.
    func stop(final: TransitionFact? = nil) {
        running.store(false, ordering: .releasing)
        paused.store(false, ordering: .releasing)
        done.wait()
        // The stream thread has stopped: this thread may use the socket now.
        if let final { publisher.publish(StreamProjection.state(final), wallTimeNs: EventSink.wallNs()) }
        publisher.close()
    }

    /// Holds the thread off its ring until `resumeForTesting` (a stalled stream, for tests).
    func pauseForTesting() { paused.store(true, ordering: .releasing) }
    func resumeForTesting() { paused.store(false, ordering: .releasing) }
    private let paused = Atomic<Bool>(false)

    /// The stream thread services its socket at least this often, busy or not (ns).
    static let serviceIntervalNs: Int64 = 1_000_000
    /// Stream thread only.
    private nonisolated(unsafe) var lastServiceWallNs: Int64 = 0

    private func run() {
        defer { done.signal() }
        while true {
            if paused.load(ordering: .acquiring) {
                usleep(200)
                continue
            }
            if let event = ring.pop() {
                let wall = EventSink.wallNs()
                for message in projection.messages(for: event) {
                    if message.eventTimeNs > lastEventTimeNs.load(ordering: .relaxed) {
                        lastEventTimeNs.store(message.eventTimeNs, ordering: .relaxed)
                    }
                    publisher.publish(message, wallTimeNs: wall)
                }
                // A stream that never drains its ring still answers handshakes, applies
                // subscriptions and keeps the heartbeat's period.
                if wall - lastServiceWallNs >= Self.serviceIntervalNs {
                    lastServiceWallNs = wall
                    publisher.service(eventTimeNs: lastEventTimeNs.load(ordering: .relaxed), wallTimeNs: wall)
                }
                continue
            }
            accountForLost()
            if !running.load(ordering: .acquiring) && ring.count == 0 { return }
            lastServiceWallNs = EventSink.wallNs()
            publisher.service(eventTimeNs: lastEventTimeNs.load(ordering: .relaxed), wallTimeNs: lastServiceWallNs)
            usleep(200)
        }
    }

    /// Skips the `seq`s of messages the loop lost since the last look, so subscribers see the gap.
    /// Called when the ring is empty: the messages were lost after everything the ring held, so
    /// the gap comes after those (under a stream that stays saturated, at its next pause).
    private func accountForLost() {
        let lost = lostByLoop.load(ordering: .relaxed), accounted = lostAccounted.load(ordering: .relaxed)
        guard lost > accounted else { return }
        publisher.skip(lost - accounted)
        lostAccounted.store(lost, ordering: .relaxed)
    }
}
