import Foundation
import Synchronization
import ZeroMQ

/// What the soak's subscriber kept of the whole risk event stream: per strategy, decisions by
/// verdict, order events by status and fills; every gap in `seq`; the last heartbeat's `dropped`.
struct StreamTally: Sendable {
    var messages = 0
    var firstSeq: Int64 = 0
    var lastSeq: Int64 = 0
    /// Missing `seq` ranges, first and last missing, inclusive.
    var gaps: [(first: Int64, last: Int64)] = []
    /// The host's own count of messages lost for every subscriber (last heartbeat).
    var heartbeatDropped: Int64 = 0
    var heartbeats = 0
    /// "strategy verdict" → count, e.g. "ema_00 APPROVE".
    var decisions: [String: Int] = [:]
    /// "strategy status" → count, e.g. "ema_00 submitted".
    var orders: [String: Int] = [:]
    /// strategy → fills.
    var fills: [String: Int] = [:]
    /// Envelope kind → count, for the kinds with no strategy (state, operator, alert, …).
    var kinds: [String: Int] = [:]
    /// The host's last message (`host` RUNNING → STOPPED) arrived.
    var sawHostStop = false

    var missing: Int64 { gaps.reduce(0) { $0 + $1.last - $1.first + 1 } }
}

/// Reads the stream on a thread of its own, in a tight loop with no JSON decoding (the fields it
/// needs are found in the bytes), so it keeps up with the host and any gap it sees is the host's.
final class StreamSubscriber: Sendable {
    private let result = Mutex(StreamTally())
    private let heartbeatSeen = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// Connects to `endpoint` and reads until the host's stop message, or `stop` and one quiet second.
    init(context: ZMQContext, endpoint: String, stop: StopFlag) throws {
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.setReceiveHighWaterMark(0)
        try socket.setReceiveTimeout(milliseconds: 100)
        try socket.subscribe("")
        try socket.connect(endpoint)
        nonisolated(unsafe) let owned = socket   // handed to the reader thread, used there only
        spawnThread { [self] in
            var tally = StreamTally()
            var quietSince = monotonicSeconds()
            while true {
                guard let frames = try? owned.receiveMultipart() else {
                    if stop.isRaised && monotonicSeconds() - quietSince > 1 { break }
                    continue
                }
                quietSince = monotonicSeconds()
                guard frames.count == 2 else { continue }
                Self.take(topic: frames[0], payload: frames[1], into: &tally)
                if tally.heartbeats > 0 { heartbeatSeen.store(true, ordering: .releasing) }
                if tally.sawHostStop { break }
            }
            owned.close()
            let final = tally
            result.withLock { $0 = final }
            finished.store(true, ordering: .releasing)
        }
    }

    /// Whether a heartbeat came: the subscription has reached the host.
    var connected: Bool { heartbeatSeen.load(ordering: .acquiring) }

    /// Waits for the reader to end and returns what it kept.
    func wait(timeoutSeconds: Double) -> StreamTally? {
        let deadline = monotonicSeconds() + timeoutSeconds
        while !finished.load(ordering: .acquiring) {
            if monotonicSeconds() > deadline { return nil }
            usleep(20_000)
        }
        return result.withLock { $0 }
    }

    private static func take(topic: [UInt8], payload: [UInt8], into tally: inout StreamTally) {
        guard let seq = integer(after: "\"seq\":", in: payload) else { return }
        tally.messages += 1
        if tally.firstSeq == 0 { tally.firstSeq = seq }
        else if seq != tally.lastSeq + 1 { tally.gaps.append((tally.lastSeq + 1, seq - 1)) }
        tally.lastSeq = seq
        let name = String(decoding: topic, as: UTF8.self)
        func strategy(_ prefix: String) -> String { String(name.dropFirst(prefix.count)) }
        if name.hasPrefix("risk.decision.") {
            tally.decisions[strategy("risk.decision.") + " " + (text(after: "\"verdict\":\"", in: payload) ?? "?"), default: 0] += 1
        } else if name.hasPrefix("risk.order.") {
            tally.orders[strategy("risk.order.") + " " + (text(after: "\"status\":\"", in: payload) ?? "?"), default: 0] += 1
        } else if name.hasPrefix("risk.fill.") {
            tally.fills[strategy("risk.fill."), default: 0] += 1
        } else if name == "risk.heartbeat" {
            tally.heartbeats += 1
            tally.heartbeatDropped = integer(after: "\"dropped\":", in: payload) ?? tally.heartbeatDropped
        } else {
            tally.kinds[name, default: 0] += 1
            if name == "risk.state", text(after: "\"kind\":\"host\"", in: payload) != nil,
               text(after: "\"to\":\"STOPPED\"", in: payload) != nil {
                tally.sawHostStop = true
            }
        }
    }

    /// Where `needle` first ends in `bytes`.
    private static func end(of needle: String, in bytes: [UInt8]) -> Int? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        var index = 0
        while index <= bytes.count - pattern.count {
            if bytes[index] == pattern[0] && bytes[index..<index + pattern.count].elementsEqual(pattern) { return index + pattern.count }
            index += 1
        }
        return nil
    }

    /// The JSON integer right after the first `needle`.
    private static func integer(after needle: String, in bytes: [UInt8]) -> Int64? {
        guard var index = end(of: needle, in: bytes) else { return nil }
        var value: Int64 = 0, digits = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            value = value * 10 + Int64(bytes[index] - 48)
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The string up to the next quote after the first `needle` (empty when `needle` ends the text).
    private static func text(after needle: String, in bytes: [UInt8]) -> String? {
        guard let start = end(of: needle, in: bytes) else { return nil }
        let stop = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) ?? bytes.count
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }
}
