import Foundation
import Logging
import MarketData
import ZeroMQ

/// One configured feed: a SUB socket connected to a publisher, the frames it received and the
/// frames it dropped (by reason). Lives on the event-loop thread.
///
/// Feed input is never trusted: every frame is decoded and validated, a bad one is dropped and
/// counted, and a warning about it is rate-limited so a broken publisher cannot flood the log. A
/// frame over `max_frame_bytes` is not even read: libzmq ends the connection, and the keeper logs
/// it, counts it and connects again.
final class FeedSubscriber {
    let config: FeedConfig
    let socket: ZMQSocket
    /// Reconnects the socket after any lost connection (an oversized frame included).
    let keeper: ConnectionKeeper
    private let decoder: FeedFrameDecoder
    /// The host's one guard against events dated too far ahead (shared by its feeds).
    private let clock: EventClockGuard
    private let logger: Logger
    private let topic = ZMQMessage()
    private let payload = ZMQMessage()
    private let extra = ZMQMessage()
    private var warnings: RateLimitedWarnings

    /// Data frames that decoded into events.
    private(set) var eventsReceived: UInt64 = 0
    /// Dropped frames, indexed by `FrameDropReason.rawValue`.
    private(set) var drops: [UInt64] = Array(repeating: 0, count: FrameDropReason.allCases.count)
    /// End-of-stream markers seen, and the data frames the publishers said they sent before them.
    private(set) var endOfStreamCount = 0
    private(set) var framesAnnounced: UInt64 = 0

    init(config: FeedConfig, context: ZMQContext, decoder: FeedFrameDecoder, clock: EventClockGuard, warningInterval: Double,
         logger: Logger) throws(HostStartError) {
        self.config = config
        self.decoder = decoder
        self.clock = clock
        var logger = logger
        logger[metadataKey: "feed"] = "\(config.name)"
        self.logger = logger
        self.warnings = RateLimitedWarnings(intervalSeconds: warningInterval)
        do {
            socket = try ZMQSocket(context: context, type: .sub)
            try socket.setReceiveHighWaterMark(config.receiveHighWaterMark)
            try socket.setMaxMessageSize(Int64(config.maxFrameBytes))
            for prefix in config.topics.isEmpty ? [""] : config.topics { try socket.subscribe(prefix) }
            keeper = try ConnectionKeeper(socket: socket, endpoint: config.endpoint, logger: logger)
            try socket.connect(config.endpoint)
        } catch {
            throw .feed(name: config.name, endpoint: config.endpoint, detail: "\(error)")
        }
    }

    /// Stops watching and closes the socket.
    func close() {
        keeper.close()
        socket.close()
    }

    /// Total frames dropped.
    var droppedTotal: UInt64 { drops.reduce(0, +) }

    /// Reads up to `budget` waiting messages without blocking and hands each valid event to
    /// `deliver`. Returns the number of messages read.
    func drain(budget: Int, deliver: (MarketEvent) -> Void) throws -> Int {
        var read = 0
        clock.beginBatch()
        while read < budget {
            guard try socket.receive(into: topic, dontWait: true) else { break }
            read += 1
            guard topic.hasMore else { drop(.wrongFrameCount); continue }
            try socket.receive(into: payload)
            if payload.hasMore {
                // Swallow the rest of an over-long message so the next read starts on a boundary.
                repeat { try socket.receive(into: extra) } while extra.hasMore
                drop(.wrongFrameCount)
                continue
            }
            switch decoder.decode(topic: topic.bytes, payload: payload.bytes) {
            case .event(let event):
                guard clock.accepts(event.timestampNs) else { drop(.futureTimestamp); continue }
                eventsReceived &+= 1
                deliver(event)
            case .endOfStream(let framesSent):
                endOfStreamCount += 1
                framesAnnounced &+= framesSent
                logger.info("end of stream", metadata: ["frames_sent": "\(framesSent)", "events_received": "\(eventsReceived)"])
            case .dropped(let reason):
                drop(reason)
            }
        }
        return read
    }

    private func drop(_ reason: FrameDropReason) {
        drops[reason.rawValue] &+= 1
        if let suppressed = warnings.shouldWarn(reason.rawValue) {
            logger.warning("dropped malformed feed frame", metadata: [
                "reason": "\(reason.name)", "total_dropped_for_reason": "\(drops[reason.rawValue])",
                "suppressed_since_last_warning": "\(suppressed)",
            ])
        }
    }
}

/// At most one warning per kind per interval (wall time); counts what it held back.
struct RateLimitedWarnings {
    let intervalSeconds: Double
    private var lastWarned: [Double] = Array(repeating: -.infinity, count: 64)
    private var suppressed: [UInt64] = Array(repeating: 0, count: 64)

    init(intervalSeconds: Double) { self.intervalSeconds = intervalSeconds }

    /// Whether to warn now about `kind`; if so, how many warnings were suppressed since the last.
    mutating func shouldWarn(_ kind: Int, now: Double = ProcessInfo.processInfo.systemUptime) -> UInt64? {
        if now - lastWarned[kind] >= intervalSeconds {
            lastWarned[kind] = now
            defer { suppressed[kind] = 0 }
            return suppressed[kind]
        }
        suppressed[kind] += 1
        return nil
    }
}
