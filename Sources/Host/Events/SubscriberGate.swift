import Foundation
import Logging
import ZeroMQ

/// Who may subscribe to the risk event stream, and how much: at most `maxSubscribers`
/// connections at a time, with CURVE only the listed subscriber keys, and at most
/// `maxSubscriptions` subscriptions held per connection (docs/events.md, "Subscribers").
///
/// It is the ZAP handler (RFC 27) of the stream's own ZeroMQ context, so libzmq asks it about
/// every connection's handshake before the connection can subscribe or receive anything, and a
/// monitor of the XPUB socket, which tells it which connections were accepted and which went
/// away. A connection refused here is closed by libzmq; it never holds a queue.
///
/// libzmq keeps every subscription a connection sends (in `ZMQ_XPUB_MANUAL` too, applied or
/// not) until that connection ends, and has no option to cap them nor a call to end one
/// connection of a socket. So the gate counts each connection's subscriptions by the descriptor
/// they arrived on (`ZMQ_SRCFD`) and, past the cap, shuts that descriptor down: libzmq then sees
/// the connection fail, ends it and frees what it kept.
///
/// Stream thread only (the sockets are not thread-safe); the counters are read by tests.
final class SubscriberGate {
    /// The ZAP domain the stream's XPUB socket asks this gate in.
    static let domain = "gatehouse-events"

    private let zap: ZMQSocket
    private let monitor: ZMQSocketMonitor
    private let maxSubscribers: Int
    private let maxSubscriptions: Int
    /// Subscriber name by raw public key; nil without CURVE (any NULL-mechanism peer may try).
    private let subscribersByKey: [[UInt8]: String]?
    private let logger: Logger
    /// Open connections by file descriptor, from their acceptance to their end: those in their
    /// handshake count too, so a burst of handshakes cannot get past the cap before any
    /// completes (libzmq's monitor names a connection by its descriptor only there).
    private var open: Set<UInt32> = []
    /// Subscriptions each open connection holds, by descriptor: subscribe messages less
    /// unsubscribe messages, applied or not (libzmq keeps both kinds).
    private var held: [UInt32: Int] = [:]
    /// Connections this gate shut down that libzmq has not reported ended yet: nothing more they
    /// send is applied.
    private var cut: Set<UInt32> = []
    /// The listening socket's own address (`getsockname`), from the monitor's `listening` event:
    /// an accepted connection has the same, which tells a descriptor of this stream from one
    /// libzmq closed and the process reused for something else.
    private var listenerAddress: LocalAddress?
    /// Connections refused so far (cap reached, or a key not listed).
    private(set) var refused: UInt64 = 0
    /// Connections shut down so far for holding more than `maxSubscriptions` subscriptions.
    private(set) var dropped: UInt64 = 0

    /// Binds the ZAP handler in `context` (which must be the stream socket's own, and have no
    /// other handler) and starts monitoring `socket`. Call before `socket` binds.
    init(context: ZMQContext, watching socket: ZMQSocket, maxSubscribers: Int, maxSubscriptions: Int,
         subscribersByKey: [[UInt8]: String]?, logger: Logger) throws {
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
        self.maxSubscriptions = maxSubscriptions
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
            case .listening:
                listenerAddress = LocalAddress(of: Int32(bitPattern: event.value))
            case .accepted:
                open.insert(event.value)
                held[event.value] = nil
                cut.remove(event.value)
            case .disconnected:
                open.remove(event.value)
                held[event.value] = nil
                cut.remove(event.value)
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

    /// Counts one subscription message (`subscribe`, or an unsubscribe) that arrived on the
    /// connection `descriptor` (nil: libzmq did not say; not counted) and says whether it may be
    /// applied. The message that takes a connection past `maxSubscriptions` shuts it down, and
    /// nothing more from it is applied.
    func admitSubscription(subscribe: Bool, from descriptor: Int32?) -> Bool {
        guard let descriptor else { return true }
        let fd = UInt32(bitPattern: descriptor)
        if cut.contains(fd) { return false }
        let count = max(0, (held[fd] ?? 0) + (subscribe ? 1 : -1))
        held[fd] = count
        guard count > maxSubscriptions else { return true }
        cutConnection(fd)
        return false
    }

    /// Shuts down connection `fd` if it still is one of this stream's: libzmq's I/O thread then
    /// reads its end, reports it disconnected and frees its pipe and subscriptions.
    private func cutConnection(_ fd: UInt32) {
        // A connection that ended meanwhile is gone already, and its descriptor may be reused.
        readMonitor()
        let descriptor = Int32(bitPattern: fd)
        guard open.contains(fd), let listenerAddress, LocalAddress(of: descriptor) == listenerAddress else { return }
        // shutdown, not close: the descriptor stays libzmq's to close.
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
        cut.insert(fd)
        dropped &+= 1
        if shouldLogOccurrence(dropped) {
            logger.warning("event stream subscriber dropped: it sent more subscriptions than events.max_subscriptions", metadata: [
                "max_subscriptions": "\(maxSubscriptions)", "dropped_so_far": "\(dropped)",
            ])
        }
    }

    func close() {
        monitor.close()
        zap.close()
    }
}

/// A socket's local address (`getsockname`): the family, and the port (TCP) or the path (ipc).
/// A listener bound to a wildcard address accepts connections whose local address is a specific
/// one, so for TCP the port alone is compared.
struct LocalAddress: Equatable {
    let family: Int32
    /// Port bytes (IPv4 / IPv6) or path bytes (Unix domain).
    let key: [UInt8]

    /// Nil when `descriptor` is not a socket (or is closed).
    init?(of descriptor: Int32) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        let family = Int32(storage.ss_family)
        self.family = family
        key = withUnsafeBytes(of: &storage) { raw in
            switch family {
            case AF_INET: Self.port(raw, at: MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!)
            case AF_INET6: Self.port(raw, at: MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)!)
            default: Array(raw[..<Int(length)])
            }
        }
    }

    private static func port(_ raw: UnsafeRawBufferPointer, at offset: Int) -> [UInt8] {
        Array(raw[offset..<offset + 2])
    }
}
