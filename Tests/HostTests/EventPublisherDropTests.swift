import Engine
import Foundation
import Testing
import ZeroMQ
@testable import Host

/// The risk event stream at its high-water mark (docs/events.md, "Drops"): with a subscriber
/// that stops reading, the publisher never blocks; the messages it cannot queue are refused for
/// every subscriber alike, counted, and their `seq` stays used, so each subscriber sees the same
/// gap; the next heartbeat reports the drops, and its counts add up to the seqs used.
///
/// The drops are certain, not likely: `send_hwm` 1 and a receive high-water mark of 1 on a
/// subscriber that reads nothing while the test publishes kilobyte events until the first one
/// is refused (a few hundred fill the socket buffers; the loop stops at 100,000 regardless).
/// Every receive has a timeout, so nothing waits forever.
@Suite("Event stream drops at the high-water mark")
struct EventPublisherDropTests {
    /// One received message: its topic, `seq`, `kind` and `data` object.
    struct Received {
        var topic: String
        var seq: Int
        var kind: String
        var data: [String: Any]
    }

    static func decode(_ frames: [[UInt8]]) throws -> Received {
        try #require(frames.count == 2, "a stream message is [topic, payload]")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frames[1])) as? [String: Any])
        return Received(
            topic: String(decoding: frames[0], as: UTF8.self), seq: try #require(object["seq"] as? Int),
            kind: try #require(object["kind"] as? String), data: try #require(object["data"] as? [String: Any]))
    }

    /// Everything `socket` has queued, until a receive times out.
    static func drain(_ socket: ZMQSocket) throws -> [Received] {
        var messages: [Received] = []
        while let frames = try socket.receiveMultipart() { messages.append(try decode(frames)) }
        return messages
    }

    /// A subscriber of every topic with receive high-water mark `hwm` (0: unlimited).
    static func subscriber(_ context: ZMQContext, to endpoint: String, hwm: Int32) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveHighWaterMark(hwm)
        try socket.setReceiveTimeout(milliseconds: 300)
        try socket.subscribe("")
        try socket.connect(endpoint)
        return socket
    }

    @Test func aSubscriberThatStopsReadingSeesAGapAndTheNextHeartbeatCountsTheDrops() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let context = try ZMQContext()
        defer { context.shutdown() }
        var config = EventsConfig(endpoint: "ipc://\(folder.path)/events.sock")
        config.sendHighWaterMark = 1
        config.heartbeatIntervalMs = 10
        let publisher = try RiskEventPublisher(config: config, hostID: "drop-test", context: context, logger: TestSupport.logger)
        defer { publisher.close() }
        let slow = try Self.subscriber(context, to: publisher.endpoint, hwm: 1)
        defer { slow.close() }
        let fast = try Self.subscriber(context, to: publisher.endpoint, hwm: 0)
        defer { fast.close() }

        // Both subscriptions have reached the publisher once each subscriber has a heartbeat
        // (slow joiner: synchronise, do not sleep). A heartbeat is due every 10 ms of wall time.
        var wallNs: Int64 = 1_000_000_000
        var slowSeen: [Received] = [], fastSeen: [Received] = []
        for _ in 0..<100 where slowSeen.isEmpty || fastSeen.isEmpty {
            wallNs += 10_000_000
            publisher.service(eventTimeNs: 0, wallTimeNs: wallNs)
            if slowSeen.isEmpty, let frames = try slow.receiveMultipart() { slowSeen.append(try Self.decode(frames)) }
            if fastSeen.isEmpty, let frames = try fast.receiveMultipart() { fastSeen.append(try Self.decode(frames)) }
        }
        try #require(!slowSeen.isEmpty && !fastSeen.isEmpty, "a subscriber never joined")
        try #require(publisher.dropped == 0, "dropped before the burst")

        // The burst: nobody reads. Publishing never blocks; it stops at the first refusal (plus
        // a thousand more, refused or not), or at 100,000 events if nothing was ever refused.
        let padding = String(repeating: "x", count: 1_024)
        var burst = 0
        func publishOne() {
            burst += 1
            publisher.publish(RiskEvent(kind: "alert", eventTimeNs: Int64(burst), data: "{\"n\":\(burst),\"pad\":\"\(padding)\"}"),
                              wallTimeNs: wallNs)
        }
        while publisher.dropped == 0 && burst < 100_000 { publishOne() }
        try #require(publisher.dropped > 0, "\(burst) events were all queued for a subscriber that reads nothing")
        for _ in 0..<1_000 { publishOne() }
        let droppedInBurst = publisher.dropped

        // Now both read what was queued for them, then the next heartbeat.
        slowSeen += try Self.drain(slow)
        fastSeen += try Self.drain(fast)
        var heartbeat: Received?
        for _ in 0..<50 where heartbeat == nil {
            wallNs += 10_000_000
            publisher.service(eventTimeNs: 0, wallTimeNs: wallNs)
            let arrived = try Self.drain(slow)
            slowSeen += arrived
            heartbeat = arrived.first { $0.kind == "heartbeat" && ($0.data["dropped"] as? Int ?? 0) > 0 }
        }
        let beat = try #require(heartbeat, "no heartbeat after the burst")
        fastSeen += try Self.drain(fast)

        // Each subscriber's seqs only grow, and skip the refused ones: a gap.
        for seen in [slowSeen, fastSeen] {
            let seqs = seen.map(\.seq)
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "seqs out of order or repeated: \(seqs)")
            #expect(zip(seqs, seqs.dropFirst()).contains { $1 > $0 + 1 }, "no gap in \(seqs.count) seqs")
        }
        // The heartbeat reports the drops: every seq used and never received was refused, and
        // nothing queued was lost (NODROP: a message is refused or delivered, never lost later).
        let reportedDropped = try #require(beat.data["dropped"] as? Int)
        let reportedPublished = try #require(beat.data["published"] as? Int)
        #expect(reportedDropped > 0)
        #expect(reportedDropped >= Int(droppedInBurst))
        #expect(UInt64(reportedDropped) == publisher.dropped)
        #expect(reportedPublished + reportedDropped == beat.seq - 1, "every seq before the heartbeat was sent or refused")
        let first = slowSeen[0].seq
        let missing = Set(first...beat.seq).subtracting(slowSeen.map(\.seq))
        #expect(missing.count == reportedDropped, "seqs missing: \(missing.count), reported dropped: \(reportedDropped)")
        // A refusal is for every subscriber: from the first seq both had, both saw the same seqs.
        let common = max(slowSeen[0].seq, fastSeen[0].seq)
        #expect(slowSeen.map(\.seq).filter { $0 >= common && $0 <= beat.seq } == fastSeen.map(\.seq).filter { $0 >= common && $0 <= beat.seq })
        #expect(beat.topic == "risk.heartbeat")
    }
}
