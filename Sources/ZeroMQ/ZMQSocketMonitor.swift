import CZeroMQ
import Synchronization

/// What happened to one connection of a monitored socket (`zmq_socket_monitor`).
public struct ZMQMonitorEvent: Sendable, Equatable {
    /// The libzmq event (`ZMQ_EVENT_*`).
    public let kind: Kind
    /// The event's value: the connection's file descriptor for `accepted`, `connected` and
    /// `disconnected`, the listening socket's for `listening`; an errno or a reconnect interval for others.
    public let value: UInt32
    /// The endpoint concerned: the bound one for a listener's events, the connected one for a
    /// connecting socket's.
    public let endpoint: String

    /// The events this project reacts to; everything else is `.other`.
    public enum Kind: Sendable, Equatable {
        /// A connecting socket's connection is up (TCP level; the ZMTP handshake follows).
        case connected
        /// A connecting socket's connect is in progress (non-blocking connect started).
        case connectDelayed
        /// A connecting socket scheduled its next attempt (after a failure or a lost connection).
        case connectRetried
        /// A bind succeeded: the socket listens.
        case listening
        /// A listener accepted a connection.
        case accepted
        /// The ZMTP handshake (and ZAP, if any) of a connection succeeded.
        case handshakeSucceeded
        /// A connection is gone: the peer went away, a protocol error (a frame over
        /// `ZMQ_MAXMSGSIZE`), or a refused handshake.
        case disconnected
        /// The monitor is stopping (the socket closed).
        case monitorStopped
        /// Any other `ZMQ_EVENT_*` value.
        case other(UInt16)

        init(_ raw: UInt16) {
            switch Int32(raw) {
            case ZMQ_EVENT_CONNECTED: self = .connected
            case ZMQ_EVENT_CONNECT_DELAYED: self = .connectDelayed
            case ZMQ_EVENT_CONNECT_RETRIED: self = .connectRetried
            case ZMQ_EVENT_LISTENING: self = .listening
            case ZMQ_EVENT_ACCEPTED: self = .accepted
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: self = .handshakeSucceeded
            case ZMQ_EVENT_DISCONNECTED: self = .disconnected
            case ZMQ_EVENT_MONITOR_STOPPED: self = .monitorStopped
            default: self = .other(raw)
            }
        }
    }
}

/// Watches the connections of one socket: libzmq publishes each connection event on an
/// inproc PAIR socket, which this reads without blocking.
///
/// Create it right after the socket, on the thread that then reads `next()`; it must be closed
/// before the watched socket's context ends. Events come in the order libzmq emitted them.
public final class ZMQSocketMonitor {
    private let pair: ZMQSocket
    private let watched: ZMQSocket
    /// The socket the events arrive on, to wait on it in a poller (readable: an event waits).
    public var socket: ZMQSocket { pair }
    private let message = ZMQMessage()
    private static let counter = Atomic<UInt64>(0)

    /// Starts monitoring every event of `socket` (filtering happens in `next()`'s callers).
    public init(watching socket: ZMQSocket) throws {
        let number = Self.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let endpoint = "inproc://gatehouse-monitor-\(number)"
        let handle = try socket.liveHandle("zmq_socket_monitor")
        if zmq_socket_monitor(handle, endpoint, ZMQ_EVENT_ALL) != 0 {
            throw ZMQError("zmq_socket_monitor \(socket.type)")
        }
        watched = socket
        pair = try ZMQSocket(context: socket.context, type: .pair)
        try pair.connect(endpoint)
    }

    /// The next event, or nil when none is waiting. An event is two frames: 2 bytes of event
    /// number and 4 of value (host byte order), then the endpoint.
    public func next() throws -> ZMQMonitorEvent? {
        guard try pair.receive(into: message, dontWait: true) else { return nil }
        var kind: UInt16 = 0, value: UInt32 = 0
        let header = message.bytes
        if header.count >= 6 {
            kind = header.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
            value = header.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        }
        var endpoint = ""
        while message.hasMore {
            try pair.receive(into: message)
            endpoint = message.string
        }
        return ZMQMonitorEvent(kind: .init(kind), value: value, endpoint: endpoint)
    }

    /// Stops monitoring and closes the PAIR socket.
    public func close() {
        if let handle = try? watched.liveHandle("zmq_socket_monitor stop") { zmq_socket_monitor(handle, nil, 0) }
        pair.close()
    }
}
