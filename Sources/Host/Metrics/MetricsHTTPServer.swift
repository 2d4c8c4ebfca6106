import Foundation
import Logging
import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers the registry in the
/// text exposition format; anything else gets a short error. One thread of its own polling the
/// listener and up to `maxPendingClients` connections, `Connection: close`; none of it touches
/// the event loop.
///
/// Bad requests never stop it: a request line it cannot read is answered 400, a request longer
/// than `maxRequestBytes` 431, and a client has `clientTimeoutSeconds` in all to send its
/// request, so one that trickles it (slow loris) or sends nothing is dropped without holding up
/// the others.
final class MetricsHTTPServer: Sendable {
    /// The address it listens on, as `host:port` with the port actually bound.
    let address: String
    /// The port actually bound (the configured one, or the one chosen for port 0).
    let port: UInt16
    private let listener: Int32
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    static let maxRequestBytes = 8_192
    static let clientTimeoutSeconds = 2

    /// What went wrong while binding.
    struct BindError: Error, CustomStringConvertible {
        let description: String
    }

    /// Binds and listens on `host` (a numeric loopback address) and `port` (0: any free port).
    /// Nothing is served until `start`.
    init(host: String, port: UInt16, registry: PrometheusCollectorRegistry, logger: Logger) throws(BindError) {
        self.registry = registry
        self.logger = logger
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let info = found else {
            throw BindError(description: "cannot read address \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BindError(description: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BindError(description: "cannot listen on \(host):\(port): \(reason)")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let boundPort: UInt16 = withUnsafeMutablePointer(to: &bound) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            if Int32(storage.pointee.ss_family) == AF_INET6 {
                return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        listener = fd
        self.port = boundPort
        address = host.contains(":") ? "[\(host)]:\(boundPort)" : "\(host):\(boundPort)"
    }

    /// Starts serving on a thread of its own.
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            nameCurrentThread("gh-metrics")
            serve()
        }
        thread.name = "gh-metrics"
        thread.start()
    }

    /// Stops serving (the request in progress, if any, is finished first) and closes the socket.
    /// Also closes a server that never started. Once only.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if started.load(ordering: .acquiring) { done.wait() }
        close(listener)
    }

    /// A connection whose request is still coming in.
    private struct Pending {
        let fd: Int32
        var request: [UInt8]
        /// Monotonic ns after which the connection is dropped, however it is trickling in.
        let deadlineNs: UInt64
    }

    /// Connections read at once; a newer one past this replaces the oldest.
    static let maxPendingClients = 64

    /// One poll over the listener and every pending connection: each connection has
    /// `clientTimeoutSeconds` in all to send its request, so a client trickling a byte at a time
    /// (slow loris) or many silent ones cannot hold the server, and a scrape arriving meanwhile
    /// is answered as soon as its own request is in.
    private func serve() {
        defer {
            done.signal()
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 * 1024)
        var pending: [Pending] = []
        defer { for client in pending { close(client.fd) } }
        var chunk = [UInt8](repeating: 0, count: 2_048)
        var fds: [pollfd] = []
        while !stopping.load(ordering: .acquiring) {
            fds.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            for client in pending { fds.append(pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)) }
            let ready = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 100) }
            let now = DispatchTime.now().uptimeNanoseconds
            var finished: Set<Int32> = []
            if ready > 0 {
                for (index, entry) in fds.enumerated().dropFirst() where entry.revents != 0 {
                    var client = pending[index - 1]
                    let read = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                    if read <= 0 {
                        if read < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                        finished.insert(client.fd)  // closed before asking: nothing to answer
                        continue
                    }
                    client.request.append(contentsOf: chunk[0..<read])
                    pending[index - 1] = client
                    if client.request.count > Self.maxRequestBytes {
                        send(client.fd, status: "431 Request Header Fields Too Large", body: "request over \(Self.maxRequestBytes) bytes\n")
                        finished.insert(client.fd)
                    } else if Self.hasHeaderEnd(client.request) {
                        answer(client.fd, request: client.request, buffer: &buffer)
                        finished.insert(client.fd)
                    }
                }
                if fds[0].revents != 0 {
                    let fd = accept(listener, nil, nil)
                    if fd >= 0 {
                        // Not inherited by plugins' or tests' child processes.
                        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                        // Answers are small: a client that does not read them is given up on.
                        var timeout = timeval(tv_sec: Self.clientTimeoutSeconds, tv_usec: 0)
                        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                        if pending.count - finished.count >= Self.maxPendingClients, let oldest = pending.first(where: { !finished.contains($0.fd) }) {
                            finished.insert(oldest.fd)
                        }
                        pending.append(Pending(fd: fd, request: [], deadlineNs: now + UInt64(Self.clientTimeoutSeconds) * 1_000_000_000))
                    }
                }
            }
            for client in pending where client.deadlineNs <= now { finished.insert(client.fd) }
            guard !finished.isEmpty else { continue }
            pending.removeAll { client in
                guard finished.contains(client.fd) else { return false }
                close(client.fd)
                return true
            }
        }
    }

    /// Answers the complete request `request` on `client`.
    private func answer(_ client: Int32, request: [UInt8], buffer: inout [UInt8]) {
        switch Self.route(request) {
        case .metrics(let head):
            buffer.removeAll(keepingCapacity: true)
            registry.emit(into: &buffer)
            send(client, status: "200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8", body: buffer, head: head)
        case .error(let status, let message, let extra):
            send(client, status: status, body: message + "\n", extraHeaders: extra)
        }
    }

    /// What to answer a request with.
    enum Route: Equatable {
        /// The metrics; `head`: headers only.
        case metrics(head: Bool)
        /// An error status, its message and any extra header lines.
        case error(status: String, message: String, extraHeaders: String)
    }

    /// The answer to a request (its bytes up to and including the blank line).
    static func route(_ request: [UInt8]) -> Route {
        guard let lineEnd = request.firstIndex(of: UInt8(ascii: "\r")),
              let line = String(validating: request[..<lineEnd], as: UTF8.self)
        else { return .error(status: "400 Bad Request", message: "the request line is not UTF-8 text", extraHeaders: "") }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return .error(status: "400 Bad Request", message: "expected 'METHOD /path HTTP/1.x'", extraHeaders: "")
        }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else {
            return .error(status: "404 Not Found", message: "not found: the metrics are at /metrics", extraHeaders: "")
        }
        switch parts[0] {
        case "GET": return .metrics(head: false)
        case "HEAD": return .metrics(head: true)
        default:
            return .error(status: "405 Method Not Allowed", message: "\(parts[0]) is not served: use GET", extraHeaders: "Allow: GET, HEAD\r\n")
        }
    }

    private static func hasHeaderEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return true
        }
        return false
    }

    private func send(_ client: Int32, status: String, contentType: String = "text/plain; charset=utf-8", body: String,
                      extraHeaders: String = "") {
        send(client, status: status, contentType: contentType, body: Array(body.utf8), head: false, extraHeaders: extraHeaders)
    }

    private func send(_ client: Int32, status: String, contentType: String, body: [UInt8], head: Bool, extraHeaders: String = "") {
        let header = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\(extraHeaders)\r\n"
        guard writeAll(client, Array(header.utf8)), !head else { return }
        _ = writeAll(client, body)
    }

    /// Writes every byte unless the client goes away (no SIGPIPE) or stalls past the timeout.
    private func writeAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 {
                logger.debug("metrics client went away mid-answer", metadata: ["errno": "\(errno)"])
                return false
            }
            offset += written
        }
        return true
    }
}
