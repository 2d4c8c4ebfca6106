import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The risk event stream's socket (docs/events.md): an XPUB bound to `events.endpoint` that
/// sends `[topic, payload]` messages with a gap-free per-publisher `seq`.
///
/// A slow or dead subscriber never slows the host: the socket is XPUB with NODROP and a send
/// high-water mark, sent to without blocking. When a subscriber's queue is full libzmq refuses
/// the message for everyone (`EAGAIN`); it is counted in `dropped` and its `seq` stays used, so
/// every subscriber sees the same gap and the next heartbeat says how many were lost.
///
/// Confined to the stream thread after init (ZeroMQ sockets are not thread-safe); the counters
/// are atomics so the event loop and metrics can read them.
final class RiskEventPublisher: Sendable {
    /// Random per process start, 16 hex digits: a new one tells subscribers `seq` restarted.
    let publisherID: String
    let hostID: String
    let endpoint: String
    let decisions: EventsConfig.Decisions
    private let heartbeatIntervalNs: Int64
    // The socket is used by one thread at a time: created here, then only by the stream thread
    // (`StreamFeeder`; thread start orders the two); `close` runs after that thread has stopped.
    private nonisolated(unsafe) let socket: ZMQSocket
    private let nextSeq = Atomic<UInt64>(1)
    private let publishedCount = Atomic<UInt64>(0)
    private let droppedCount = Atomic<UInt64>(0)
    private nonisolated(unsafe) var lastHeartbeatNs: Int64 = 0
    /// Trading state and kill switch for heartbeats, set by the event loop.
    private let tradingState = Atomic<UInt8>(0)
    private let killSwitch = Atomic<Bool>(false)
    private let logger: Logger

    /// Binds the socket. Throws what libzmq reports (address in use, bad endpoint).
    init(config: EventsConfig, hostID: String, context: ZMQContext, logger: Logger) throws {
        socket = try ZMQSocket(context: context, type: .xpub)
        do {
            try socket.setLinger(milliseconds: 0)
            try socket.setSendHighWaterMark(config.sendHighWaterMark)
            try socket.setXPubNoDrop(true)
            try socket.setMaxMessageSize(MessageLimits.subscriptionBytes)
            try socket.bind(config.endpoint)
            endpoint = (try? socket.lastEndpoint()) ?? config.endpoint
        } catch {
            socket.close()
            throw error
        }
        var generator = SystemRandomNumberGenerator()
        let id = String(generator.next() as UInt64, radix: 16)
        publisherID = String(repeating: "0", count: 16 - id.count) + id
        self.hostID = hostID
        decisions = config.decisions
        heartbeatIntervalNs = Int64(config.heartbeatIntervalMs) * 1_000_000
        self.logger = logger
    }

    /// Messages sent so far.
    var published: UInt64 { publishedCount.load(ordering: .relaxed) }
    /// Messages refused at the high-water mark, or lost to a full stream ring, so far.
    var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

    /// Event loop: the state heartbeats report.
    func setStatus(tradingState state: UInt8, killSwitch on: Bool) {
        tradingState.store(state, ordering: .relaxed)
        killSwitch.store(on, ordering: .relaxed)
    }

    /// Stream thread: `count` messages were lost before they reached the socket (the stream's
    /// ring was full): their `seq`s are used and they count as dropped, so every subscriber sees
    /// the same gap and the heartbeat says how many.
    func skip(_ count: UInt64) {
        nextSeq.wrappingAdd(count, ordering: .relaxed)
        droppedCount.wrappingAdd(count, ordering: .relaxed)
    }

    /// Stream thread: sends `event` with the next `seq`.
    func publish(_ event: RiskEvent, wallTimeNs: Int64) {
        let seq = nextSeq.wrappingAdd(1, ordering: .relaxed).oldValue
        var envelope = EventJSON()
        envelope.add("schema_version", 1)
        envelope.add("kind", event.kind)
        envelope.add("seq", seq)
        envelope.add("publisher_id", publisherID)
        envelope.add("host_id", hostID)
        envelope.add("event_time_ns", event.eventTimeNs)
        envelope.add("wall_time_ns", wallTimeNs)
        envelope.add("data", raw: event.data)
        let payload = envelope.closed
        do {
            if try socket.send(multipart: [Array(event.topic.utf8), Array(payload.utf8)], dontWait: true) {
                publishedCount.wrappingAdd(1, ordering: .relaxed)
            } else {
                droppedCount.wrappingAdd(1, ordering: .relaxed)
            }
        } catch {
            droppedCount.wrappingAdd(1, ordering: .relaxed)
            logger.error("risk event not published", metadata: ["error": "\(error)", "seq": "\(seq)", "kind": "\(event.kind)"])
        }
    }

    /// Stream thread: reads the subscriptions libzmq passes up (XPUB queues them; unread they
    /// would pile up) and sends a heartbeat when one is due.
    func service(eventTimeNs: Int64, wallTimeNs: Int64) {
        while let _ = try? socket.receiveMultipart(dontWait: true) {}
        guard wallTimeNs - lastHeartbeatNs >= heartbeatIntervalNs else { return }
        lastHeartbeatNs = wallTimeNs
        publishHeartbeat(eventTimeNs: eventTimeNs, wallTimeNs: wallTimeNs)
    }

    /// Stream thread: one heartbeat now.
    func publishHeartbeat(eventTimeNs: Int64, wallTimeNs: Int64) {
        var data = EventJSON()
        data.add("published", published)
        data.add("dropped", dropped)
        let state = TradingStateCode(rawValue: tradingState.load(ordering: .relaxed)) ?? .active
        data.add("trading_state", state.name)
        data.add("kill_switch", killSwitch.load(ordering: .relaxed))
        data.add("interval_ms", Int(heartbeatIntervalNs / 1_000_000))
        publish(RiskEvent(kind: "heartbeat", eventTimeNs: eventTimeNs, data: data.closed), wallTimeNs: wallTimeNs)
    }

    /// After the stream thread stopped. Waits up to half a second for queued messages (the run's
    /// last event among them) to leave, then closes.
    func close() {
        try? socket.setLinger(milliseconds: 500)
        socket.close()
    }

    /// Trading states as one byte, for the heartbeat atomics.
    enum TradingStateCode: UInt8 {
        case active, reducing, halted

        var name: String {
            switch self {
            case .active: "ACTIVE"
            case .reducing: "REDUCING"
            case .halted: "HALTED"
            }
        }
    }
}
