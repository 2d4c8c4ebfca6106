import Foundation
import MarketData
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// Where a run's publisher binds.
enum Transport: String {
    case ipc, tcp

    /// A fresh endpoint for one run (tcp: an ephemeral loopback port, resolved after bind).
    func endpoint(run label: String) -> String {
        switch self {
        case .ipc: "ipc:///tmp/gatehouse-bench-feed-\(getpid())-\(label).ipc"
        case .tcp: "tcp://127.0.0.1:*"
        }
    }

    /// Removes what a run left behind (an ipc socket file).
    func cleanUp(_ endpoint: String) {
        if self == .ipc, endpoint.hasPrefix("ipc://") { unlink(String(endpoint.dropFirst("ipc://".count))) }
    }
}

/// How a run paces the receiver.
enum RunMode: String {
    /// Publisher and receiver run at once; a full queue slows the publisher (lossless).
    case live
    /// The publisher sends everything first into an unlimited receive queue; then the receiver
    /// drains it. Measures the receiving side alone, and the publisher alone.
    case drain
}

/// One throughput run.
struct TransportRun {
    var messages: Int
    var bytes: Int
    /// Receiver: live, first send → last message; drain, first receive call → last message.
    var receiveSeconds: Double
    /// Publisher: first send → last send queued.
    var publishSeconds: Double
    var complete: Bool

    var messagesPerSecond: Double { Double(messages) / receiveSeconds }
    var megabytesPerSecond: Double { Double(bytes) / receiveSeconds / 1e6 }
    var publishRate: Double { Double(messages) / publishSeconds }
}

/// Baseline: libzmq alone, through the project's thin wrapper (`ZMQSocket.send` and
/// `receive(into:)` are one `zmq_send` / `zmq_msg_recv` each). The wire traffic is byte-identical
/// to the host path: the same topics and the same 64-byte binary payloads, pre-encoded, so no
/// encoding or decoding is measured; the socket settings are the replayer's and the host's
/// (XPUB with NODROP and send HWM 100 000; SUB with receive HWM 100 000, unlimited for `drain`),
/// one shared context with one I/O thread.
enum RawBaseline {
    struct Wire: Sendable {
        /// The four topics, `md.sim.<symbol>`.
        let topics: [[UInt8]]
        /// Per message: index into `topics`.
        let topicIndex: [UInt8]
        /// Per message: 64 bytes at `index * 64`.
        let payloads: [UInt8]
        var count: Int { topicIndex.count }

        init(_ events: [MarketEvent], venue: String) {
            topics = SyntheticTicks.symbols.map { Array(FeedTopic.topic(venue: venue, symbol: $0).utf8) }
            topicIndex = events.map { UInt8($0.symbolID - 1) }
            var all = [UInt8]()
            all.reserveCapacity(events.count * 64)
            var one = [UInt8]()
            for event in events {
                FeedFrameEncoder.encodeBinary(event, into: &one)
                all.append(contentsOf: one)
            }
            payloads = all
        }
    }

    static let settleSeconds = 0.5

    static func run(wire: Wire, transport: Transport, mode: RunMode, label: String) throws -> TransportRun {
        let context = try ZMQContext(ioThreads: 1)
        let bound = Handoff<Result<String, any Error>>()
        let published = Handoff<Result<(first: UInt64, last: UInt64), any Error>>()
        let received = Handoff<Result<TransportRun, any Error>>()
        let requested = transport.endpoint(run: label)

        spawnThread("bench-raw-pub") {
            do {
                let socket = try ZMQSocket(context: context, type: .xpub)
                try socket.setXPubNoDrop(true)
                try socket.setSendHighWaterMark(100_000)
                try socket.setSendTimeout(milliseconds: 30_000)
                try socket.bind(requested)
                bound.set(.success(try socket.lastEndpoint()))
                // Wait for the subscription (no slow-joiner loss), as ReplayPublisher does.
                try socket.setReceiveTimeout(milliseconds: 30_000)
                guard let subscription = try socket.receiveMultipart(), subscription.first?.first == 1 else {
                    throw BenchmarkFailure("raw baseline: no subscriber within 30 s")
                }
                let first = monotonicNanos()
                try wire.payloads.withUnsafeBytes { payloads in
                    let topics = wire.topics
                    for index in 0..<wire.count {
                        let topic = topics[Int(wire.topicIndex[index])]
                        let sent = try topic.withUnsafeBytes { try socket.send($0, more: true) }
                        guard sent else { throw BenchmarkFailure("raw baseline: send timed out after \(index) messages") }
                        try socket.send(UnsafeRawBufferPointer(rebasing: payloads[(index * 64)..<(index * 64 + 64)]))
                    }
                }
                let last = monotonicNanos()
                published.set(.success((first, last)))
                try socket.setLinger(milliseconds: 5_000)
                socket.close()
            } catch {
                if bound.current == nil { bound.set(.failure(error)) }
                published.set(.failure(error))
            }
        }
        guard let endpointResult = bound.wait(timeoutSeconds: 30) else { throw BenchmarkFailure("raw baseline: publisher did not bind") }
        let endpoint = try endpointResult.get()
        defer { transport.cleanUp(endpoint) }

        spawnThread("bench-raw-sub") {
            do {
                let socket = try ZMQSocket(context: context, type: .sub)
                try socket.setReceiveHighWaterMark(mode == .drain ? 0 : 100_000)
                try socket.subscribe("md.sim.")
                try socket.connect(endpoint)
                // A lost message must show up as an incomplete run, not as a hang.
                try socket.setReceiveTimeout(milliseconds: 10_000)
                var firstSend: UInt64? = nil
                if mode == .drain {
                    guard case .success = published.wait(timeoutSeconds: 600) else {
                        throw BenchmarkFailure("raw baseline: publisher failed")
                    }
                    Thread.sleep(forTimeInterval: settleSeconds)
                }
                let topic = ZMQMessage()
                let payload = ZMQMessage()
                var count = 0
                var bytes = 0
                var start: UInt64 = 0
                while count < wire.count {
                    if count == 0 { start = monotonicNanos() }
                    guard try socket.receive(into: topic) else { break }
                    try socket.receive(into: payload)
                    count += 1
                    bytes += topic.count + payload.count
                }
                let end = monotonicNanos()
                if mode == .live {
                    // Live: from the publisher's first send (it may precede our first receive call).
                    firstSend = (try? published.wait(timeoutSeconds: 60)?.get())?.first
                    start = firstSend ?? start
                }
                let publishing = try published.wait(timeoutSeconds: 60)?.get()
                received.set(.success(TransportRun(
                    messages: count, bytes: bytes, receiveSeconds: seconds(from: start, to: end),
                    publishSeconds: publishing.map { seconds(from: $0.first, to: $0.last) } ?? .nan,
                    complete: count == wire.count)))
                socket.close()
            } catch {
                received.set(.failure(error))
            }
        }
        guard let result = received.wait(timeoutSeconds: 600) else { throw BenchmarkFailure("raw baseline: receiver hung") }
        return try result.get()
    }
}
