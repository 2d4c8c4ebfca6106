import Engine
import Foundation
import Testing
import ZeroMQ
@testable import Host

/// The risk event stream against slow, greedy and hostile subscribers (docs/events.md,
/// "Delivery" and "Subscribers"), on a real XPUB socket with real SUB sockets.
///
/// The stream's thread is played by the test: it calls `publish` and `service` itself, so each
/// step happens when the test says. Every receive has a timeout, so nothing waits forever.
@Suite("Event stream subscribers")
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

    /// A subscriber of `prefix` with receive high-water mark `hwm` (0: unlimited).
    static func subscriber(_ context: ZMQContext, to endpoint: String, hwm: Int32 = 0, prefix: String = "",
                           timeoutMs: Int32 = 300) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveHighWaterMark(hwm)
        try socket.setReceiveTimeout(milliseconds: timeoutMs)
        try socket.subscribe(prefix)
        try socket.connect(endpoint)
        return socket
    }

    /// A publisher on an ipc socket in `folder`, heartbeats every 10 ms of (test) wall time.
    static func publisher(in folder: URL, edit: (inout EventsConfig) -> Void = { _ in }) throws -> RiskEventPublisher {
        var config = EventsConfig(endpoint: "ipc://\(folder.path)/events.sock")
        config.heartbeatIntervalMs = 10
        edit(&config)
        return try RiskEventPublisher(config: config, hostID: "drop-test", strategies: ["ema"], logger: TestSupport.logger)
    }

    /// Services `publisher` (a heartbeat each call) until each of `subscribers` has a heartbeat
    /// or `rounds` pass; returns which ones got one. Synchronises on the slow joiner, no sleeps.
    static func heartbeats(_ publisher: RiskEventPublisher, _ subscribers: [ZMQSocket], wallNs: inout Int64, rounds: Int = 500) throws -> [Bool] {
        var got = Array(repeating: false, count: subscribers.count)
        for _ in 0..<rounds where got.contains(false) {
            wallNs += 10_000_000
            publisher.service(eventTimeNs: 0, wallTimeNs: wallNs)
            for (index, socket) in subscribers.enumerated() where !got[index] {
                if let frames = try socket.receiveMultipart(dontWait: false), try decode(frames).kind == "heartbeat" { got[index] = true }
            }
        }
        return got
    }

    @Test func aSubscriberThatStopsReadingLosesMessagesAloneAndTheOthersMissNothing() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A high-water mark far above 1: libzmq learns what a reader took only every half mark,
        // so a tiny one would drop for the reader too.
        let publisher = try Self.publisher(in: folder) { $0.sendHighWaterMark = 1_000 }
        defer { publisher.close() }
        let context = try ZMQContext()
        defer { context.shutdown() }
        let slow = try Self.subscriber(context, to: publisher.endpoint, hwm: 1)
        defer { slow.close() }
        let fast = try Self.subscriber(context, to: publisher.endpoint)
        defer { fast.close() }
        var wallNs: Int64 = 1_000_000_000
        try #require(try Self.heartbeats(publisher, [slow, fast], wallNs: &wallNs) == [true, true], "a subscriber never joined")
        _ = try Self.drain(slow)
        _ = try Self.drain(fast)

        // The burst: `slow` reads nothing, `fast` takes each message before the next is sent.
        // 4,000 kilobyte messages are far more than `slow`'s queue (1,000) and socket buffers hold.
        let padding = String(repeating: "x", count: 1_024)
        var fastSeqs: [Int] = []
        for n in 1...4_000 {
            publisher.publish(RiskEvent(kind: "alert", eventTimeNs: Int64(n), data: "{\"n\":\(n),\"pad\":\"\(padding)\"}"), wallTimeNs: wallNs)
            let frames = try #require(try fast.receiveMultipart(), "message \(n) never reached the subscriber that reads")
            fastSeqs.append(try Self.decode(frames).seq)
        }
        // A heartbeat still reaches the reader while the other's queue is full.
        try #require(try Self.heartbeats(publisher, [fast], wallNs: &wallNs) == [true], "the stalled subscriber blacked out the other")
        // `slow` reads again: what its queue held, then the next heartbeat, after the gap.
        var slowSeen = try Self.drain(slow)
        wallNs += 10_000_000
        publisher.service(eventTimeNs: 0, wallTimeNs: wallNs)
        slowSeen += try Self.drain(slow)

        #expect(fastSeqs == Array(fastSeqs[0]..<(fastSeqs[0] + 4_000)), "the reading subscriber saw a gap")
        let slowSeqs = slowSeen.map(\.seq)
        #expect(slowSeqs == slowSeqs.sorted() && Set(slowSeqs).count == slowSeqs.count, "seqs out of order or repeated")
        #expect(slowSeqs.count < 4_000, "the stalled subscriber's queue held \(slowSeqs.count) kilobyte messages")
        #expect(zip(slowSeqs, slowSeqs.dropFirst()).contains { $1 > $0 + 1 }, "the stalled subscriber saw no gap")
        // Nothing was lost for everyone, so the heartbeat's count of such losses stays 0.
        #expect(publisher.dropped == 0)
    }

    @Test func connectionsPastMaxSubscribersAreRefusedInTheirHandshakeAndAPlaceFreesWhenOneLeaves() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let publisher = try Self.publisher(in: folder) { $0.maxSubscribers = 2 }
        defer { publisher.close() }
        let context = try ZMQContext()
        defer { context.shutdown() }
        var wallNs: Int64 = 1_000_000_000
        let first = try Self.subscriber(context, to: publisher.endpoint, timeoutMs: 20)
        let second = try Self.subscriber(context, to: publisher.endpoint, timeoutMs: 20)
        defer { second.close() }
        try #require(try Self.heartbeats(publisher, [first, second], wallNs: &wallNs) == [true, true])
        let third = try Self.subscriber(context, to: publisher.endpoint, timeoutMs: 20)
        defer { third.close() }
        // Refused in its handshake, the third gets nothing (libzmq does not retry a refusal).
        #expect(try Self.heartbeats(publisher, [third], wallNs: &wallNs, rounds: 30) == [false])
        #expect(publisher.subscribers == 2)
        #expect(publisher.subscribersRefused == 1)
        // The first leaves: a new connection takes its place.
        first.close()
        let fourth = try Self.subscriber(context, to: publisher.endpoint, timeoutMs: 20)
        defer { fourth.close() }
        #expect(try Self.heartbeats(publisher, [fourth, second], wallNs: &wallNs, rounds: 300) == [true, true], "the freed place was not taken")
        #expect(publisher.subscribers == 2)
    }

    @Test func subscriptionsNoTopicStartsWithAreNotAppliedAndCounted() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let publisher = try Self.publisher(in: folder)
        defer { publisher.close() }
        let context = try ZMQContext()
        defer { context.shutdown() }
        var wallNs: Int64 = 1_000_000_000
        let listener = try Self.subscriber(context, to: publisher.endpoint, prefix: "risk.heartbeat", timeoutMs: 20)
        defer { listener.close() }
        // A subscription longer than any topic, and thousands of junk ones, on one connection.
        let greedy = try Self.subscriber(context, to: publisher.endpoint, prefix: "risk.heartbeat.and.more", timeoutMs: 20)
        defer { greedy.close() }
        // (Under the SUB's own high-water mark of 1,000, so libzmq sends every one.)
        for n in 0..<500 { try greedy.subscribe("junk-\(n)-" + String(repeating: "j", count: 100)) }
        try greedy.subscribe("risk.decision.ema")
        try #require(try Self.heartbeats(publisher, [listener], wallNs: &wallNs) == [true])
        for _ in 0..<20 { wallNs += 10_000_000; publisher.service(eventTimeNs: 0, wallTimeNs: wallNs) }
        #expect(publisher.subscriptionsRefused == 501, "refused \(publisher.subscriptionsRefused)")
        // The junk got nothing; the applied prefix of a real topic works.
        #expect(try Self.drain(greedy).isEmpty)
        publisher.publish(RiskEvent(kind: "decision", topic: "risk.decision.ema", eventTimeNs: 1, data: "{}"), wallTimeNs: wallNs)
        let decision = try #require(try greedy.receiveMultipart(), "an applied subscription delivered nothing")
        #expect(try Self.decode(decision).topic == "risk.decision.ema")
    }

    @Test func aConnectionHoldingMoreThanMaxSubscriptionsIsDroppedAndTheOthersGoOn() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let publisher = try Self.publisher(in: folder) { $0.maxSubscriptions = 40 }
        defer { publisher.close() }
        let context = try ZMQContext()
        defer { context.shutdown() }
        var wallNs: Int64 = 1_000_000_000
        let listener = try Self.subscriber(context, to: publisher.endpoint, prefix: "risk.heartbeat", timeoutMs: 20)
        defer { listener.close() }
        // Unsubscribing gives room back: its first, 30, 10 of them removed, 19 more: 40 held, at the cap.
        let modest = try Self.subscriber(context, to: publisher.endpoint, prefix: "risk.heartbeat", timeoutMs: 20)
        defer { modest.close() }
        for n in 0..<30 { try modest.subscribe("junk-\(n)") }
        for n in 0..<10 { try modest.unsubscribe("junk-\(n)") }
        for n in 30..<49 { try modest.subscribe("junk-\(n)") }
        // One past the cap: refused ones count too (libzmq keeps them all).
        let greedy = try ZMQSocket(context: context, type: .sub)
        defer { greedy.close() }
        try greedy.setLinger(milliseconds: 0)
        // It would reconnect in 100 ms and send all 41 again; once is what is tested here.
        try greedy.setReconnectInterval(milliseconds: 600_000)
        try greedy.subscribe("risk.heartbeat")
        try greedy.connect(publisher.endpoint)
        let monitor = try ZMQSocketMonitor(watching: greedy)
        defer { monitor.close() }
        for n in 0..<40 { try greedy.subscribe("junk-\(n)") }
        try #require(try Self.heartbeats(publisher, [listener, modest], wallNs: &wallNs) == [true, true])
        // The greedy connection is ended by the host (its SUB sees the disconnect), once.
        var disconnects = 0
        for _ in 0..<200 where disconnects == 0 {
            wallNs += 10_000_000
            publisher.service(eventTimeNs: 0, wallTimeNs: wallNs)
            while let event = try monitor.next() { if event.kind == .disconnected { disconnects += 1 } }
        }
        #expect(disconnects == 1, "the connection past max_subscriptions was not ended")
        // The others keep receiving: a connection at the cap is not dropped.
        for socket in [listener, modest] { _ = try Self.drain(socket) }
        #expect(try Self.heartbeats(publisher, [listener, modest], wallNs: &wallNs) == [true, true])
        #expect(publisher.subscribersDropped == 1)
        #expect(publisher.subscribers == 2)
    }

    @Test func withCurveOnlyListedSubscriberKeysReceiveAnything() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try CurveKeys.generate(), desk = try CurveKeys.generate(), stranger = try CurveKeys.generate()
        var config = EventsConfig(endpoint: "ipc://\(folder.path)/events.sock")
        config.heartbeatIntervalMs = 10
        let publisher = try RiskEventPublisher(
            config: config, hostID: "curve-test", strategies: [], serverSecretKey: server.secretKey,
            subscribersByKey: [try #require(CurveKeys.decode(desk.publicKey)): "desk"], logger: TestSupport.logger)
        defer { publisher.close() }
        let context = try ZMQContext()
        defer { context.shutdown() }
        func subscriber(_ keys: (publicKey: String, secretKey: String)?) throws -> ZMQSocket {
            let socket = try ZMQSocket(context: context, type: .sub)
            try socket.setReceiveTimeout(milliseconds: 20)
            if let keys { try socket.makeCurveClient(serverKey: server.publicKey, publicKey: keys.publicKey, secretKey: keys.secretKey) }
            try socket.subscribe("")
            try socket.connect(publisher.endpoint)
            return socket
        }
        let listed = try subscriber(desk), unlisted = try subscriber(stranger), plain = try subscriber(nil)
        defer { listed.close(); unlisted.close(); plain.close() }
        var wallNs: Int64 = 1_000_000_000
        #expect(try Self.heartbeats(publisher, [listed], wallNs: &wallNs) == [true])
        #expect(try Self.heartbeats(publisher, [unlisted, plain], wallNs: &wallNs, rounds: 30) == [false, false])
        #expect(publisher.subscribersRefused >= 1, "the unlisted key was not refused by the gate")
    }

    @Test func everyTopicTheHostPublishesCanBeSubscribedTo() {
        let filter = SubscriptionFilter(strategies: ["ema_majors", "b-2"])
        for topic in ["risk.decision.ema_majors", "risk.order.b-2", "risk.fill.ema_majors", "risk.state", "risk.breach", "risk.alert",
                      "risk.unwind", "risk.deadman", "risk.promotion", "risk.operator", "risk.heartbeat", "risk.", "", "risk.dec"] {
            #expect(filter.admits(Array(topic.utf8)[...]), "\(topic)")
        }
        for topic in ["risk.decision.ema_majorsX", "risk.decision.other", "Risk.", "risk.state.x", "x"] {
            #expect(!filter.admits(Array(topic.utf8)[...]), "\(topic)")
        }
    }
}
