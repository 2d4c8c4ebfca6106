import Foundation
import MarketData
import ZeroMQ

/// How fast a replay runs.
public enum ReplaySpeed: Sendable, Equatable {
    /// Send every frame as soon as the subscribers can take it.
    case asFastAsPossible
    /// Keep the file's spacing between events, divided by this factor (1 = real time, 10 = 10× faster).
    case realTime(multiple: Double)
}

/// Publishes a `TickFile` on an XPUB socket in the feed wire format: `[md.<venue>.<symbol>, payload]`
/// per event, then an end-of-stream frame on `md.<venue>._eos` announcing how many were sent.
///
/// Lossless by design: `ZMQ_XPUB_NODROP` makes a full subscriber queue slow the publisher down
/// instead of dropping ticks, and `waitForSubscribers` avoids the slow-joiner loss at the start.
/// Use one instance on one thread.
public final class ReplayPublisher {
    /// The endpoint actually bound (a wildcard port resolved).
    public let endpoint: String
    /// The venue named in topics.
    public let venue: String
    /// Payload encoding.
    public let encoding: PayloadEncoding
    private let socket: ZMQSocket
    private var subscriptions = 0

    /// Binds an XPUB socket to `endpoint` (e.g. `tcp://127.0.0.1:*`).
    /// - Parameter stallTimeoutMilliseconds: a send blocked this long by a full subscriber queue
    ///   fails the replay instead of hanging forever.
    public init(
        context: ZMQContext, bind endpoint: String, venue: String, encoding: PayloadEncoding,
        stallTimeoutMilliseconds: Int32 = 30_000
    ) throws {
        socket = try ZMQSocket(context: context, type: .xpub)
        try socket.setXPubNoDrop(true)
        try socket.setXPubVerbose(true)
        try socket.setSendHighWaterMark(100_000)
        try socket.setSendTimeout(milliseconds: stallTimeoutMilliseconds)
        try socket.bind(endpoint)
        self.endpoint = try socket.lastEndpoint()
        self.venue = venue
        self.encoding = encoding
    }

    /// Waits until `count` subscriptions have arrived, or `timeoutSeconds` passes.
    /// Returns whether enough arrived.
    public func waitForSubscribers(_ count: Int, timeoutSeconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while subscriptions < count {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            try socket.setReceiveTimeout(milliseconds: Int32(max(1, min(remaining, 0.2) * 1000)))
            if let frames = try socket.receiveMultipart(), let first = frames.first?.first, first == 1 {
                subscriptions += 1
            }
        }
        return true
    }

    /// A replay failed part-way.
    public struct StallError: Error, CustomStringConvertible {
        public let framesSent: Int
        public var description: String { "subscribers stopped taking frames after \(framesSent) were sent (send timed out)" }
    }

    /// Sends every event of `file`, then the end-of-stream frame. Calls `progress(sent, total)`
    /// about once a second. Returns the number of data frames sent. `shouldStop` is checked
    /// between frames; a stopped replay still ends with the end-of-stream frame.
    @discardableResult
    public func publish(
        _ file: TickFile, speed: ReplaySpeed = .asFastAsPossible,
        progress: ((Int, Int) -> Void)? = nil, shouldStop: () -> Bool = { false }
    ) throws -> Int {
        let topics: [[UInt8]] = file.symbols.allNames.map { Array(FeedTopic.topic(venue: venue, symbol: $0).utf8) }
        var payload = [UInt8]()
        let start = ContinuousClock.now
        var nextProgress = start + .seconds(1)
        let firstTimestamp = file.events.first?.timestampNs ?? 0
        var sent = 0
        for event in file.events {
            if shouldStop() { break }
            if case .realTime(let multiple) = speed {
                let offset = Double(event.timestampNs - firstTimestamp) / 1e9 / multiple
                let wait = (start + .nanoseconds(Int64(offset * 1e9))) - .now
                if wait > .zero {
                    Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
                }
            }
            switch encoding {
            case .binary: FeedFrameEncoder.encodeBinary(event, into: &payload)
            case .json: payload = Array(FeedFrameEncoder.encodeJSON(event).utf8)
            }
            guard try socket.send(topics[Int(event.symbolID) - 1], more: true) else { throw StallError(framesSent: sent) }
            try socket.send(payload)
            sent += 1
            if let progress, sent % 1024 == 0, ContinuousClock.now >= nextProgress {
                progress(sent, file.events.count)
                nextProgress = .now + .seconds(1)
            }
        }
        try sendEndOfStream(framesSent: UInt64(sent), timestampNs: file.events.last?.timestampNs ?? 0)
        progress?(sent, file.events.count)
        return sent
    }

    /// Sends the end-of-stream frame.
    public func sendEndOfStream(framesSent: UInt64, timestampNs: Int64) throws {
        var payload = [UInt8]()
        switch encoding {
        case .binary: FeedFrameEncoder.encodeBinaryEndOfStream(framesSent: framesSent, timestampNs: timestampNs, into: &payload)
        case .json: payload = Array(FeedFrameEncoder.encodeJSONEndOfStream(framesSent: framesSent, timestampNs: timestampNs).utf8)
        }
        guard try socket.send(Array(FeedTopic.endOfStream(venue: venue).utf8), more: true) else {
            throw StallError(framesSent: Int(framesSent))
        }
        try socket.send(payload)
    }

    /// Closes the socket, first giving queued frames up to `flushSeconds` to leave.
    public func close(flushSeconds: Double = 5) {
        try? socket.setLinger(milliseconds: Int32(flushSeconds * 1000))
        socket.close()
    }
}
