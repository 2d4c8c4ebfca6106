import Foundation
import Testing
import ZeroMQ

@Suite("PUB/SUB topic filtering")
struct PubSubTests {
    /// Publishes `probe` until `subscriber` receives it, so the subscription has reached the
    /// publisher (no sleeping). Probes still in flight arrive later and must be skipped.
    func synchronise(publisher: ZMQSocket, subscriber: ZMQSocket, probe: String) throws {
        var poller = ZMQPoller()
        let index = try poller.addReadable(subscriber)
        for _ in 0..<5_000 {
            try publisher.send(multipart: [bytes(probe), []])
            if try poller.poll(timeoutMilliseconds: 10) > 0, poller.isReadable(index) {
                let frames = try receiveOrFail(subscriber)
                if frames.first == bytes(probe) { return }
                Issue.record("unexpected message before synchronisation: \(frames.map(text))")
                return
            }
        }
        Issue.record("the subscriber never received a probe")
    }

    /// Receives topics until `marker`, skipping probes.
    func topicsUntil(_ marker: String, on subscriber: ZMQSocket, skipping probe: String) throws -> [String] {
        var topics: [String] = []
        while true {
            let frames = try receiveOrFail(subscriber)
            let topic = text(try #require(frames.first))
            if topic == marker { return topics }
            if topic != probe { topics.append(topic) }
        }
    }

    @Test(arguments: Transport.allCases)
    func subscriberReceivesOnlyTopicsStartingWithItsPrefix(transport: Transport) throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        let endpoint = try transport.bindUnique(publisher)
        defer { removeIPCFile(endpoint) }
        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.connect(endpoint)
        try subscriber.subscribe("md.a.")

        try synchronise(publisher: publisher, subscriber: subscriber, probe: "md.a.probe")

        for topic in ["md.a.X", "md.b.X", "md.ab.X", "md.A.X", "md.a.Y", "xmd.a.X", "md.a.end"] {
            try publisher.send(multipart: [bytes(topic), bytes("payload of \(topic)")])
        }
        #expect(try topicsUntil("md.a.end", on: subscriber, skipping: "md.a.probe") == ["md.a.X", "md.a.Y"])
    }

    @Test func subscriberWithTwoPrefixesReceivesBoth() throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        let endpoint = try Transport.tcp.bindUnique(publisher)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.connect(endpoint)
        try subscriber.subscribe("md.a.")
        try subscriber.subscribe("md.c.")
        // Synchronise on the second prefix: subscriptions travel in order on one connection.
        try synchronise(publisher: publisher, subscriber: subscriber, probe: "md.c.probe")

        for topic in ["md.a.1", "md.b.1", "md.c.1", "md.c.end"] {
            try publisher.send(multipart: [bytes(topic), []])
        }
        #expect(try topicsUntil("md.c.end", on: subscriber, skipping: "md.c.probe") == ["md.a.1", "md.c.1"])
    }

    @Test(arguments: Transport.allCases)
    func unsubscribedPrefixIsNoLongerDelivered(transport: Transport) throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .xpub)
        let endpoint = try transport.bindUnique(publisher)
        defer { removeIPCFile(endpoint) }
        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.connect(endpoint)
        try subscriber.subscribe("md.a.")
        try subscriber.subscribe("md.ctl.")

        // XPUB hands up each subscription as one frame: 1 (subscribe) or 0 (unsubscribe) + prefix.
        var seen = Set<[UInt8]>()
        while seen.count < 2 { seen.insert(try receiveOrFail(publisher)[0]) }
        #expect(seen == [[1] + bytes("md.a."), [1] + bytes("md.ctl.")])

        try publisher.send(multipart: [bytes("md.a.1"), bytes("before")])
        #expect(try receiveOrFail(subscriber) == [bytes("md.a.1"), bytes("before")])

        try subscriber.unsubscribe("md.a.")
        #expect(try receiveOrFail(publisher) == [[0] + bytes("md.a.")])

        try publisher.send(multipart: [bytes("md.a.2"), bytes("after")])
        try publisher.send(multipart: [bytes("md.ctl.end"), []])
        #expect(try receiveOrFail(subscriber) == [bytes("md.ctl.end"), []])
        #expect(try subscriber.receiveMultipart(dontWait: true) == nil)
    }
}
