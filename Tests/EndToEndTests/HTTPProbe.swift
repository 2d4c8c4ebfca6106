import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP/1.1 client over a loopback TCP socket, for the metrics endpoint: it sends exactly
/// the bytes a test gives (malformed requests included) and reads the answer to the end.
enum HTTPProbe {
    struct Answer {
        let status: Int
        let head: String
        let body: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A TCP connection to 127.0.0.1:`port` whose reads time out after 5 s; the caller closes it.
    static func open(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    /// Sends `request` to 127.0.0.1:`port` and reads until the server closes (5 s at most).
    static func send(_ request: [UInt8], port: UInt16) throws -> Answer {
        let fd = try open(port: port)
        defer { close(fd) }
        var offset = 0
        while offset < request.count {
            let written = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { break }  // the server may answer and close before reading it all
            offset += written
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if read <= 0 { break }
            received.append(contentsOf: chunk[0..<read])
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP answer: \(text.debugDescription)") }
        let head = String(text[..<split.lowerBound])
        let statusField = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        guard let status = statusField else { throw Failure(description: "bad status line: \(head)") }
        return Answer(status: status, head: head, body: String(text[split.upperBound...]))
    }

    /// `GET path`.
    static func get(_ path: String, port: UInt16) throws -> Answer {
        try send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8), port: port)
    }

    /// Samples of a Prometheus text exposition: `name{labels}` → value (comments skipped).
    static func samples(_ exposition: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }
}
