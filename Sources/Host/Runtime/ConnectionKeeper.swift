import Foundation
import Logging
import ZeroMQ

/// Keeps a connecting socket (a feed's SUB, the gateway's DEALER) connected, and says when it
/// was not.
///
/// libzmq reconnects a socket whose peer went away, but not one whose connection ended in a
/// protocol error, and a part over the socket's `ZMQ_MAXMSGSIZE` is one: without this, one
/// oversized frame would cut the feed or the gateway off for good, without a word. The keeper
/// watches the socket's connection events (`ZMQSocketMonitor`, polled with the loop's sockets);
/// when a connection ends it logs it (info, the first ten then every hundredth) and counts
/// it, and if libzmq has not scheduled its own retry within `reconnectDelayNs`, connects the
/// endpoint again.
/// Messages sent while the connection was down are lost to this socket (a feed sees the gap in
/// its ticks; the gateway's orders are handled by `GatewayAdapter`'s send delay).
///
/// Event-loop thread only.
final class ConnectionKeeper {
    /// How long libzmq has to announce its own retry after a lost connection before the keeper
    /// connects again (ns); a peer that keeps sending oversized frames costs at most two
    /// reconnects a second (long enough that a busy loop reads libzmq's own retry first).
    static let reconnectDelayNs: Int64 = 500_000_000

    let socket: ZMQSocket
    let endpoint: String
    /// The monitor's socket, for the loop's poller.
    var monitorSocket: ZMQSocket { monitor.socket }
    private let monitor: ZMQSocketMonitor
    private let logger: Logger
    /// Connections that ended so far.
    private(set) var connectionsLost: UInt64 = 0
    /// Times the keeper connected the endpoint again.
    private(set) var reconnects: UInt64 = 0
    /// When to connect again (ns of wall time), 0 when nothing is pending.
    private(set) var reconnectDueWallNs: Int64 = 0

    /// Starts watching `socket`, which connects to `endpoint`. Call before it connects.
    init(socket: ZMQSocket, endpoint: String, logger: Logger) throws {
        self.socket = socket
        self.endpoint = endpoint
        self.logger = logger
        monitor = try ZMQSocketMonitor(watching: socket)
    }

    /// Whether a reconnect waits for its time (the loop then calls `service` every turn).
    var isReconnectPending: Bool { reconnectDueWallNs != 0 }

    /// Reads the connection events, and connects again when a lost connection was not taken up
    /// again by libzmq within the delay.
    ///
    /// After an ordinary disconnect libzmq schedules its own retry (`ZMQ_EVENT_CONNECT_RETRIED`)
    /// and the keeper leaves it alone: a `zmq_disconnect` would throw away the messages already
    /// received and not yet read (a replay's last ticks and its end-of-stream frame). Only a
    /// connection libzmq gave up on (a protocol error: no retry follows) is connected again.
    func service(nowWallNs: Int64) {
        while let event = try? monitor.next() {
            switch event.kind {
            case .disconnected:
                connectionsLost &+= 1
                reconnectDueWallNs = nowWallNs + Self.reconnectDelayNs
                // Info: a publisher that ends its replay, or restarts, does this, and libzmq
                // retries; the warning is for a connection libzmq gave up on (below).
                if shouldLogOccurrence(connectionsLost, every: 100) {
                    logger.info("connection lost", metadata: [
                        "endpoint": "\(endpoint)", "connections_lost": "\(connectionsLost)",
                        "note": "the peer went away, or sent a frame over the size limit",
                    ])
                }
            case .connectRetried, .connectDelayed, .connected:
                // libzmq is on it.
                reconnectDueWallNs = 0
            case .handshakeSucceeded where connectionsLost > 0:
                logger.info("connected again", metadata: ["endpoint": "\(endpoint)", "connections_lost": "\(connectionsLost)"])
            default:
                break
            }
        }
        guard reconnectDueWallNs != 0, nowWallNs >= reconnectDueWallNs else { return }
        reconnectDueWallNs = 0
        reconnects &+= 1
        logger.warning("connection not retried by libzmq (a protocol error, such as a frame over the size limit): connecting again",
                       metadata: ["endpoint": "\(endpoint)", "reconnects": "\(reconnects)"])
        // libzmq ignores a second connect of a SUB or DEALER to an endpoint it still lists, so
        // the dead one is removed first (its session is gone: nothing unread is left in it).
        try? socket.disconnect(endpoint)
        do {
            try socket.connect(endpoint)
        } catch {
            logger.error("reconnect failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            reconnectDueWallNs = nowWallNs + Self.reconnectDelayNs
        }
    }

    func close() { monitor.close() }
}
