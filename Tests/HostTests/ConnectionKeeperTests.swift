import Foundation
import MarketData
import Testing
import ZeroMQ
@testable import Host

/// A feed frame over `feeds[].max_frame_bytes` is never read: libzmq ends the connection (a
/// protocol error, which it does not reconnect by itself), and the feed's `ConnectionKeeper`
/// reports it and connects again, so the ticks after it still arrive. Real PUB and SUB sockets.
@Suite("Feed connections")
struct ConnectionKeeperTests {
    @Test func aFrameOverTheLimitEndsTheConnectionAndTheFeedConnectsAgain() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "ipc://\(folder.path)/md.sock"
        let context = try ZMQContext()
        defer { context.shutdown() }
        let publisher = try ZMQSocket(context: context, type: .pub)
        defer { publisher.close() }
        try publisher.bind(endpoint)
        let config = try JSONDecoder().decode(FeedConfig.self, from: Data("""
            {"name": "md", "endpoint": "\(endpoint)", "topics": ["md."], "max_frame_bytes": 1024}
            """.utf8))
        let feed = try FeedSubscriber(
            config: config, context: context, decoder: FeedFrameDecoder(symbols: SymbolTable(["BTCUSD"])),
            clock: EventClockGuard(reference: .feedTime(jumpNs: 604_800_000_000_000), readWall: { 0 }), warningInterval: 60, logger: TestSupport.logger)
        defer { feed.close() }
        let topic = Array(FeedTopic.topic(venue: "sim", symbol: "BTCUSD").utf8)
        var ts: Int64 = 1_700_000_000_000_000_000
        var frame: [UInt8] = []
        /// Publishes a trade, reads what arrived and lets the keeper work, until `done` or 10 s.
        func pump(until done: () -> Bool) throws -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while !done() && Date() < deadline {
                ts += 1_000_000
                frame.removeAll(keepingCapacity: true)
                FeedFrameEncoder.encodeBinary(.trade(symbolID: 0, timestampNs: ts, price: 100, size: 1), into: &frame)
                _ = try publisher.send(multipart: [topic, frame], dontWait: true)
                _ = try feed.drain(budget: 1_000) { _ in }
                feed.keeper.service(nowWallNs: EventSink.wallNs())
                usleep(1_000)
            }
            return done()
        }
        try #require(try pump { feed.eventsReceived > 0 }, "the feed never joined")
        _ = try publisher.send(multipart: [topic, Array(repeating: 0x41, count: 4_096)])
        try #require(try pump { feed.keeper.connectionsLost > 0 }, "a 4 KiB frame did not end the connection")
        let atLoss = feed.eventsReceived
        #expect(try pump { feed.eventsReceived > atLoss + 20 }, "no tick arrived after the oversized frame: the feed was cut off")
        #expect(feed.keeper.reconnects >= 1)
        #expect(feed.droppedTotal == 0, "the oversized frame was read: \(FrameDropReason.allCases.filter { feed.drops[$0.rawValue] > 0 }.map { "\($0.name)=\(feed.drops[$0.rawValue])" })")
    }
}
