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

/// Publishes a ticks file (streamed from a `TickFileReader`, or a loaded `TickFile`) on an XPUB socket in the feed wire format: `[md.<venue>.<symbol>, payload]`
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
        var index = 0
        let events = file.events
        return try publishEvents(
            symbols: file.symbols, speed: speed, progressInterval: .seconds(1),
            next: {
                guard index < events.count else { return nil }
                defer { index += 1 }
                return events[index]
            },
            reportsProgress: progress != nil, progress: { sent in progress?(sent, events.count) },
            shouldStop: shouldStop)
    }

    /// Streams the events `reader` has left, reading each just before it is sent (constant
    /// memory whatever the file's length), then sends the end-of-stream frame announcing how
    /// many data frames were sent. Returns that number.
    ///
    /// `shouldStop` is checked between frames; a stopped replay still ends with the end-of-stream
    /// frame. A bad line throws its `TickFile.ParseError` with no end-of-stream frame: the stream
    /// did not end, it broke, and a host must not take it for a complete replay.
    /// - Parameter progress: called about every `progressInterval` and once at the end.
    @discardableResult
    public func publish(
        _ reader: inout TickFileReader, speed: ReplaySpeed = .asFastAsPossible,
        progressInterval: Duration = .seconds(1), progress: ((ReplayProgress) -> Void)? = nil,
        shouldStop: () -> Bool = { false }
    ) throws -> Int {
        try publishEvents(
            symbols: reader.symbols, speed: speed, progressInterval: progressInterval,
            next: { try reader.next() },
            reportsProgress: progress != nil,
            progress: { sent in progress?(ReplayProgress(framesSent: sent, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes)) },
            shouldStop: shouldStop)
    }

    /// The replay loop of both `publish` methods. Topics are made as symbols appear (a stream's
    /// symbol table grows as it is read; ids are dense, so each new id is the next index).
    private func publishEvents(
        symbols: SymbolTable, speed: ReplaySpeed, progressInterval: Duration,
        next: () throws -> MarketEvent?, reportsProgress: Bool, progress: (Int) -> Void, shouldStop: () -> Bool
    ) throws -> Int {
        var topics: [[UInt8]] = []
        var payload = [UInt8]()
        let start = ContinuousClock.now
        var nextProgress = start + progressInterval
        var firstTimestamp: Int64?
        var lastTimestamp: Int64 = 0
        var sent = 0
        while !shouldStop(), let event = try next() {
            if case .realTime(let multiple) = speed {
                let first = firstTimestamp ?? event.timestampNs
                firstTimestamp = first
                let offset = Double(event.timestampNs - first) / 1e9 / multiple
                let wait = (start + .nanoseconds(Int64(offset * 1e9))) - .now
                if wait > .zero {
                    Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
                }
            }
            let symbolIndex = Int(event.symbolID) - 1
            while topics.count <= symbolIndex {
                topics.append(Array(FeedTopic.topic(venue: venue, symbol: symbols.name(of: UInt32(topics.count + 1))).utf8))
            }
            switch encoding {
            case .binary: FeedFrameEncoder.encodeBinary(event, into: &payload)
            case .json: payload = Array(FeedFrameEncoder.encodeJSON(event).utf8)
            }
            guard try socket.send(topics[symbolIndex], more: true) else { throw StallError(framesSent: sent) }
            try socket.send(payload)
            sent += 1
            lastTimestamp = event.timestampNs
            if reportsProgress, sent % 1024 == 0, ContinuousClock.now >= nextProgress {
                progress(sent)
                nextProgress = .now + progressInterval
            }
        }
        try sendEndOfStream(framesSent: UInt64(sent), timestampNs: lastTimestamp)
        if reportsProgress { progress(sent) }
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

/// Where a streamed replay is: frames sent and how far into the file.
public struct ReplayProgress: Sendable, Equatable {
    /// Data frames sent so far.
    public var framesSent: Int
    /// Bytes of the file read so far.
    public var bytesRead: Int
    /// The file's size in bytes, if known.
    public var totalBytes: Int?

    /// Progress at the given counts.
    public init(framesSent: Int, bytesRead: Int, totalBytes: Int?) {
        self.framesSent = framesSent
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }

    /// The share of the file read, 0…1, if its size is known (an empty file counts as done).
    public var fractionRead: Double? {
        totalBytes.map { $0 > 0 ? min(1, Double(bytesRead) / Double($0)) : 1 }
    }
}
