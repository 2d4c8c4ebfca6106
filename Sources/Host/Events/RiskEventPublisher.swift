import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The risk event stream's socket (docs/events.md): an XPUB bound to `events.endpoint` that
/// sends `[topic, payload]` messages with a gap-free per-publisher `seq`.
///
/// A slow or dead subscriber never slows the host nor the other subscribers: each subscriber has
/// its own queue of `send_hwm` messages, sent to without blocking, and a message that does not
/// fit a full queue is lost for that subscriber alone (it sees the gap in `seq`). Memory is
/// bounded against any peer: at most `max_subscribers` connections (a `SubscriberGate` refuses
/// the rest in their handshake), subscriptions applied only when they are a prefix of a topic
/// this host publishes (`SubscriptionFilter`, the socket in `ZMQ_XPUB_MANUAL`), at most
/// `max_subscriptions` held per connection (the gate drops a connection that sends more), and no
/// subscription message over 128 bytes (1 KiB with CURVE, `ZMQ_MAXMSGSIZE`).
///
/// The socket lives in a ZeroMQ context of its own, so the stream's ZAP handler (the gate) and
/// the control channel's never meet. Confined to the stream thread after init (ZeroMQ sockets are
/// not thread-safe); the counters are atomics so the event loop and metrics can read them.
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
    private nonisolated(unsafe) let gate: SubscriberGate
    private let filter: SubscriptionFilter
    /// The stream's own context (see the type's doc).
    private let context: ZMQContext
    private let subscribersNow = Atomic<Int>(0)
    private let subscribersRefusedCount = Atomic<UInt64>(0)
    private let subscriptionsRefusedCount = Atomic<UInt64>(0)
    private let subscribersDroppedCount = Atomic<UInt64>(0)
    /// Where each subscription message is read into (stream thread).
    private nonisolated(unsafe) let subscription = ZMQMessage()
    private let nextSeq = Atomic<UInt64>(1)
    private let publishedCount = Atomic<UInt64>(0)
    private let droppedCount = Atomic<UInt64>(0)
    private nonisolated(unsafe) var lastHeartbeatNs: Int64 = 0
    /// Trading state and kill switch for heartbeats, set by the event loop.
    private let tradingState = Atomic<UInt8>(0)
    private let killSwitch = Atomic<Bool>(false)
    private let logger: Logger

    /// Binds the socket. `strategies`: the names whose topics may be subscribed to;
    /// `serverSecretKey` and `subscribersByKey` with `events.curve`. Throws what libzmq reports
    /// (address in use, bad endpoint).
    init(config: EventsConfig, hostID: String, strategies: [String], serverSecretKey: String? = nil,
         subscribersByKey: [[UInt8]: String]? = nil, logger: Logger) throws {
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: .xpub)
        do {
            try socket.setLinger(milliseconds: 0)
            try socket.setSendHighWaterMark(config.sendHighWaterMark)
            try socket.setXPubManual(true)
            try socket.setMaxMessageSize(serverSecretKey == nil ? MessageLimits.subscriptionBytes : MessageLimits.curveSubscriptionBytes)
            // A connection that never completes its handshake gives its place back after this.
            try socket.setHandshakeInterval(milliseconds: 5_000)
            try socket.setZAPDomain(SubscriberGate.domain)
            if let serverSecretKey { try socket.makeCurveServer(secretKey: serverSecretKey) }
            gate = try SubscriberGate(context: context, watching: socket, maxSubscribers: config.maxSubscribers,
                                      maxSubscriptions: config.maxSubscriptions, subscribersByKey: subscribersByKey, logger: logger)
        } catch {
            socket.close()
            throw error
        }
        do {
            try socket.bind(config.endpoint)
            endpoint = (try? socket.lastEndpoint()) ?? config.endpoint
        } catch {
            gate.close()
            socket.close()
            throw error
        }
        filter = SubscriptionFilter(strategies: strategies)
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
    /// Messages lost for every subscriber so far: lost to a full stream ring, or a send that
    /// failed. (A message lost at one subscriber's full queue is not counted: libzmq does not
    /// say; that subscriber sees the gap in `seq`.)
    var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }
    /// Subscribers connected now.
    var subscribers: Int { subscribersNow.load(ordering: .relaxed) }
    /// Connections refused so far: over `max_subscribers`, or (CURVE) a key not listed.
    var subscribersRefused: UInt64 { subscribersRefusedCount.load(ordering: .relaxed) }
    /// Subscriptions not applied so far: no topic of this host starts with them.
    var subscriptionsRefused: UInt64 { subscriptionsRefusedCount.load(ordering: .relaxed) }
    /// Connections dropped so far for holding more than `max_subscriptions` subscriptions.
    var subscribersDropped: UInt64 { subscribersDroppedCount.load(ordering: .relaxed) }

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

    /// Stream thread: answers the gate's handshakes, applies or refuses the subscriptions libzmq
    /// passes up (unread they would pile up, and none applies until read), and sends a
    /// heartbeat when one is due.
    func service(eventTimeNs: Int64, wallTimeNs: Int64) {
        gate.service()
        subscribersNow.store(gate.connected, ordering: .relaxed)
        subscribersRefusedCount.store(gate.refused, ordering: .relaxed)
        applySubscriptions()
        subscribersDroppedCount.store(gate.dropped, ordering: .relaxed)
        guard wallTimeNs - lastHeartbeatNs >= heartbeatIntervalNs else { return }
        lastHeartbeatNs = wallTimeNs
        publishHeartbeat(eventTimeNs: eventTimeNs, wallTimeNs: wallTimeNs)
    }

    /// A subscription message is one frame: 1 (subscribe) or 0 (unsubscribe), then the prefix.
    /// In `ZMQ_XPUB_MANUAL` it takes effect only when set on the socket right after it was read
    /// (libzmq applies it to the connection it came from). Each counts against its connection's
    /// `max_subscriptions` first (`SubscriberGate`).
    private func applySubscriptions() {
        while (try? socket.receive(into: subscription, dontWait: true)) == true {
            if subscription.hasMore {
                // Not a subscription (an XSUB peer's message): skip the rest of it.
                while subscription.hasMore, (try? socket.receive(into: subscription, dontWait: true)) == true {}
                continue
            }
            let frame = subscription.bytes
            guard let command = frame.first, command <= 1 else { continue }
            let prefix = Array(frame.dropFirst())
            guard gate.admitSubscription(subscribe: command == 1, from: subscription.sourceFileDescriptor) else { continue }
            if command == 1 {
                if filter.admits(prefix[...]) {
                    try? socket.subscribe(bytes: prefix)
                } else {
                    subscriptionsRefusedCount.wrappingAdd(1, ordering: .relaxed)
                }
            } else {
                // Unapplied prefixes are not in libzmq's table: removing them is a no-op.
                try? socket.unsubscribe(bytes: prefix)
            }
        }
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
        gate.close()
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
