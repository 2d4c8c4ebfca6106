import Foundation
import Logging
import ZeroMQ

/// Who may subscribe to the risk event stream: at most `maxSubscribers` connections at a time,
/// and with CURVE only the listed subscriber keys (docs/events.md, "Subscribers").
///
/// It is the ZAP handler (RFC 27) of the stream's own ZeroMQ context, so libzmq asks it about
/// every connection's handshake before the connection can subscribe or receive anything, and a
/// monitor of the XPUB socket, which tells it which connections completed their handshake and
/// which went away. A connection refused here is closed by libzmq; it never holds a queue.
///
/// Stream thread only (the sockets are not thread-safe); the counters are read by tests.
final class SubscriberGate {
    /// The ZAP domain the stream's XPUB socket asks this gate in.
    static let domain = "gatehouse-events"

    private let zap: ZMQSocket
    private let monitor: ZMQSocketMonitor
    private let maxSubscribers: Int
    /// Subscriber name by raw public key; nil without CURVE (any NULL-mechanism peer may try).
    private let subscribersByKey: [[UInt8]: String]?
    private let logger: Logger
    /// Open connections by file descriptor, from their acceptance to their end: those in their
    /// handshake count too, so a burst of handshakes cannot get past the cap before any
    /// completes (libzmq's monitor names a connection by its descriptor only there).
    private var open: Set<UInt32> = []
    /// Connections refused so far (cap reached, or a key not listed).
    private(set) var refused: UInt64 = 0

    /// Binds the ZAP handler in `context` (which must be the stream socket's own, and have no
    /// other handler) and starts monitoring `socket`. Call before `socket` binds.
    init(context: ZMQContext, watching socket: ZMQSocket, maxSubscribers: Int, subscribersByKey: [[UInt8]: String]?, logger: Logger) throws {
        zap = try ZMQSocket(context: context, type: .rep)
        do {
            try zap.setLinger(milliseconds: 0)
            try zap.bind("inproc://zeromq.zap.01")
            monitor = try ZMQSocketMonitor(watching: socket)
        } catch {
            zap.close()
            throw error
        }
        self.maxSubscribers = maxSubscribers
        self.subscribersByKey = subscribersByKey
        self.logger = logger
    }

    /// Connections open now (subscribers, and peers still in their handshake).
    var connected: Int { open.count }

    /// Reads the monitor's news, then answers every waiting ZAP request. Never blocks.
    func service() {
        readMonitor()
        while let request = try? zap.receiveMultipart(dontWait: true) {
            // Connections that ended meanwhile free their place first.
            readMonitor()
            answer(request)
        }
    }

    private func readMonitor() {
        while let event = try? monitor.next() {
            switch event.kind {
            case .accepted:
                open.insert(event.value)
            case .disconnected:
                open.remove(event.value)
            default:
                break
            }
        }
    }

    /// [version, request id, domain, address, routing id, mechanism, credentials...] →
    /// [version, request id, status code, status text, user id, metadata].
    private func answer(_ request: [[UInt8]]) {
        guard request.count >= 6 else { return }
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        var name = ""
        var refusal: String?
        if let subscribersByKey {
            if mechanism == "CURVE", request.count >= 7, let listed = subscribersByKey[request[6]] {
                name = listed
            } else {
                refusal = "subscriber key not authorized"
            }
        }
        // `open` includes the connection asking.
        if refusal == nil && open.count > maxSubscribers {
            refusal = "the stream has its \(maxSubscribers) subscribers (events.max_subscribers)"
        }
        if let refusal {
            refused &+= 1
            if shouldLogOccurrence(refused) {
                logger.warning("event stream subscriber refused", metadata: [
                    "address": "\(address)", "mechanism": "\(mechanism)", "reason": "\(refusal)", "refused_so_far": "\(refused)",
                ])
            }
        }
        _ = try? zap.send(multipart: CurveKeys.zapReply(to: request, refusal: refusal, userID: name), dontWait: true)
    }

    func close() {
        monitor.close()
        zap.close()
    }
}
