import Engine
import Foundation
import Journal
import MarketData
import Synchronization
import Testing
import ZeroMQ
@testable import Host

/// The feed path over real sockets: a test publisher, the host's SUB sockets and event loop on
/// its own thread, and the gcc-built fixture plugin.
@Suite("Feed path")
struct FeedPathTests {
    /// A binary payload with chosen header bytes and values.
    static func binary(kind: UInt8, ts: Int64, _ values: [Double], magic: (UInt8, UInt8) = (0x47, 0x4D), version: UInt8 = 1) -> [UInt8] {
        var bytes = [magic.0, magic.1, version, kind, 0, 0, 0, 0]
        withUnsafeBytes(of: ts.littleEndian) { bytes += $0 }
        for index in 0..<6 { withUnsafeBytes(of: (index < values.count ? values[index] : 0).bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    struct Running {
        let publisher: ZMQSocket
        let folder: URL
        let loop: LoopThread
        let stop: StopSignal
    }

    /// The event loop on a plain thread (not the test's concurrency pool, which the test blocks).
    final class LoopThread: Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let outcome = Mutex<Result<RunSummary, any Error>?>(nil)

        init(config: LoadedConfig, context: ZMQContext, stop: StopSignal) {
            let thread = Thread { [self] in
                let result = Result<RunSummary, any Error> {
                    let loop = try EventLoop(config: config, context: context, options: RunOptions(stopAtEndOfStream: true), stop: stop, logger: TestSupport.logger)
                    return try loop.run()
                }
                outcome.withLock { $0 = result }
                done.signal()
            }
            thread.start()
        }

        /// Waits (at most a minute, so a broken loop fails the test instead of hanging it).
        func join() throws -> RunSummary {
            try #require(done.wait(timeout: .now() + 60) == .success, "event loop did not finish")
            return try outcome.withLock { $0! }.get()
        }
    }

    /// Starts a host with fixture strategies a [BTCUSD] and b [ETHUSD] fed by a test XPUB socket,
    /// and waits until the host's subscription has arrived (no slow-joiner loss).
    func start(transport: String, extra: String = "", quantity: String = "") throws -> Running {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .xpub)
        try publisher.bind(transport == "ipc" ? "ipc://\(folder.path)/md.sock" : "tcp://127.0.0.1:*")
        let endpoint = try publisher.lastEndpoint()
        let config = try TestSupport.writeConfig(in: folder, feedEndpoint: endpoint, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"], params: "{trace_path: \"\(folder.path)/a.trace\"\(quantity)}"),
            TestSupport.strategy("b", plugin: plugin, symbols: ["ETHUSD"], params: "{trace_path: \"\(folder.path)/b.trace\"\(quantity)}"),
        ], extra: extra)
        let loaded = try ConfigLoader.load(path: config)
        let stop = StopSignal()
        let loop = LoopThread(config: loaded, context: context, stop: stop)
        try publisher.setReceiveTimeout(milliseconds: 10_000)
        let subscription = try #require(try publisher.receiveMultipart(), "the host never subscribed")
        #expect(subscription.first?.first == 1)
        return Running(publisher: publisher, folder: folder, loop: loop, stop: stop)
    }

    @Test(arguments: ["tcp", "ipc"])
    func validEventsReachOnlyTheirSubscribersAndEveryMalformedFrameIsDroppedAndCounted(transport: String) throws {
        let running = try start(transport: transport)
        let pub = running.publisher
        func send(_ frames: [[UInt8]]) throws { try pub.send(multipart: frames) }
        func text(_ string: String) -> [UInt8] { Array(string.utf8) }
        let ts: Int64 = 1_772_460_000_000_000_000

        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1772460000000000000,"price":60000.5,"size":0.25}"#)])
        try send([text("md.sim.ETHUSD"), Self.binary(kind: 1, ts: ts + 1, [3000, 2])])
        // One frame of each malformed kind:
        try send([text("md.sim.BTCUSD")])                                                            // wrong_frame_count
        try send([text("md.sim.BTCUSD"), text("{}"), text("extra")])                                 // wrong_frame_count
        try send([text("md.sim."), text(#"{"type":"trade","ts_ns":1,"price":1,"size":1}"#)])         // bad_topic
        try send([text("md.sim.DOGEUSD"), text(#"{"type":"trade","ts_ns":1,"price":1,"size":1}"#)])  // unknown_symbol
        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1,"price":1,"#)])            // bad_json
        try send([text("md.sim.BTCUSD"), text(#"{"type":"auction","ts_ns":1,"price":1,"size":1}"#)]) // unknown_type
        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1,"price":1}"#)])            // missing_field
        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1,"price":-5,"size":1}"#)])  // invalid_price
        try send([text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts, [.nan, 1])])                    // invalid_price
        try send([text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts, [0, 1])])                       // invalid_price
        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1,"price":5,"size":-1}"#)])  // invalid_size
        try send([text("md.sim.BTCUSD"), text(#"{"type":"trade","ts_ns":1.5,"price":5,"size":1}"#)]) // invalid_timestamp
        try send([text("md.sim.BTCUSD"), Array(Self.binary(kind: 1, ts: ts, [5, 1]).dropLast())])    // wrong_binary_length
        try send([text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts, [5, 1], version: 9)])          // bad_binary_header
        try send([text("md.sim._eos"), text(#"{"type":"eos","ts_ns":1772460000000000002,"frames_sent":2}"#)])

        let summary = try running.loop.join()
        let feed = try #require(summary.feeds.first)
        #expect(feed.events == 2)
        #expect(feed.framesAnnounced == 2)
        #expect(feed.dropped == [
            "wrong_frame_count": 2, "bad_topic": 1, "unknown_symbol": 1, "bad_json": 1, "unknown_type": 1,
            "missing_field": 1, "invalid_price": 3, "invalid_size": 1, "invalid_timestamp": 1,
            "wrong_binary_length": 1, "bad_binary_header": 1,
        ])
        let a = TestSupport.traceLines(running.folder.appendingPathComponent("a.trace").path)
        let b = TestSupport.traceLines(running.folder.appendingPathComponent("b.trace").path)
        #expect(a.first == "md BTCUSD 1772460000000000000 60000.5")
        #expect(b.first == "md ETHUSD 1772460000000000001 3000")
        #expect(a.filter { $0.hasPrefix("md ") }.count == 1)
        #expect(b.filter { $0.hasPrefix("md ") }.count == 1)
        #expect(a.last == "destroy" && b.last == "destroy")
        #expect(summary.strategies.map(\.intents) == [1, 1])
    }

    @Test func theEventLoopCallsOnStartBeforeTheFirstEventAndOnStopBeforeDestroyAtTheEndOfTheStream() throws {
        // a buys once on its first tick (it fills at the second) and flattens in on_stop.
        let running = try start(transport: "ipc", quantity: ", quantity: 0.01, max_intents: 1, start_buy: 1, stop_flatten: 1")
        let pub = running.publisher
        func text(_ string: String) -> [UInt8] { Array(string.utf8) }
        let ts: Int64 = 1_772_460_000_000_000_000
        try pub.send(multipart: [text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts, [60_000, 1])])
        try pub.send(multipart: [text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts + 1, [60_010, 1])])
        try pub.send(multipart: [text("md.sim._eos"), text(#"{"type":"eos","ts_ns":1772460000000000002,"frames_sent":2}"#)])
        let summary = try running.loop.join()
        let a = TestSupport.traceLines(running.folder.appendingPathComponent("a.trace").path)
        // on_start ran before any event: its buy had no price to be valued at.
        #expect(Array(a.prefix(2)) == ["start", "start submit 1 rc=0 verdict=3 reason=NO_MARKET_DATA"])
        #expect(a.contains { $0.hasPrefix("fill 2 1 0.01 ") && $0.hasSuffix(" position=0.01") })
        // on_stop came after the last event and before destroy, and its exit was decided and
        // delivered (on_decision) before destroy.
        let stop = try #require(a.firstIndex(of: "stop"))
        #expect(stop > (a.lastIndex { $0.hasPrefix("md ") } ?? 0))
        #expect(a[stop + 1].hasPrefix("view rc=0 mode=1 paused_by=0 ") && a[stop + 2] == "stop submit 3 rc=0 verdict=1 reason=NONE")
        #expect(a[stop + 3] == "decision 3 1 0.01 NONE")
        #expect(a.last == "destroy")
        let strategyA = try #require(summary.strategies.first { $0.name == "a" })
        #expect(strategyA.intents == 3 && strategyA.reasons["NO_MARKET_DATA"] == 1)
        // b held nothing at the stop: on_stop had nothing to sell.
        let b = TestSupport.traceLines(running.folder.appendingPathComponent("b.trace").path)
        #expect(b.contains("stop") && !b.contains { $0.hasPrefix("stop submit") } && b.last == "destroy")
    }

    @Test func oneFrameDatedYearsAheadIsDroppedAndDoesNotMakeTheOtherSymbolsStale() throws {
        let running = try start(transport: "ipc")
        let pub = running.publisher
        func text(_ string: String) -> [UInt8] { Array(string.utf8) }
        let ts: Int64 = 1_772_460_000_000_000_000
        let tenYears: Int64 = 10 * 365 * 86_400 * 1_000_000_000
        // Well formed in every field, ten years ahead of the wall clock.
        try pub.send(multipart: [text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts + tenYears, [60_000, 1])])
        try pub.send(multipart: [text("md.sim.ETHUSD"), Self.binary(kind: 1, ts: ts, [3_000, 2])])
        try pub.send(multipart: [text("md.sim.BTCUSD"), Self.binary(kind: 1, ts: ts + 1, [60_001, 1])])
        try pub.send(multipart: [text("md.sim._eos"), text(#"{"type":"eos","ts_ns":1772460000000000002,"frames_sent":3}"#)])

        let summary = try running.loop.join()
        let feed = try #require(summary.feeds.first)
        #expect(feed.events == 2)
        #expect(feed.dropped == ["future_timestamp": 1])
        // Each strategy decided on its one tick at the feed's own time, not ten years before it.
        for strategy in summary.strategies {
            #expect(strategy.intents == 1)
            #expect(strategy.reasons["STALE_MARKET_DATA"] == nil, "\(strategy.name): \(strategy.reasons)")
        }
        let a = TestSupport.traceLines(running.folder.appendingPathComponent("a.trace").path)
        #expect(a.first == "md BTCUSD \(ts + 1) 60001")
    }

    @Test func everyDecisionOrderAndFillIsJournaledInOrder() throws {
        let running = try start(transport: "ipc", extra: "journal: {path: audit.sqlite}")
        let pub = running.publisher
        let ts: Int64 = 1_772_460_000_000_000_000
        for step in 0..<20 {
            let symbol = step % 2 == 0 ? "md.sim.BTCUSD" : "md.sim.ETHUSD"
            try pub.send(multipart: [Array(symbol.utf8), Self.binary(kind: 1, ts: ts + Int64(step) * 1_000_000_000, [100 + Double(step), 1])])
        }
        try pub.send(multipart: [Array("md.sim._eos".utf8), Array(#"{"type":"eos","ts_ns":1,"frames_sent":20}"#.utf8)])
        let summary = try running.loop.join()
        let reader = try JournalReader(path: running.folder.appendingPathComponent("audit.sqlite").path)
        defer { reader.close() }
        let fills = summary.strategies.reduce(0) { $0 + Int($1.fills) }
        #expect(try reader.count(.intent) == Int(summary.totalIntents))
        #expect(try reader.count(.decision) == Int(summary.totalIntents))
        #expect(try reader.count(.fill) == fills)
        #expect(fills > 0)
        #expect(try reader.stageRowCount() >= 4 * Int(summary.totalIntents))
        let all = try reader.allRecords()
        #expect(all.map(\.seq) == Array(1...Int64(all.count)), "journal sequence has gaps")
        // A decision is journaled before the order it approved, and the order before its fill.
        let kinds = all.map(\.record.kind)
        let firstOrder = try #require(kinds.firstIndex(of: .order))
        let firstFill = try #require(kinds.firstIndex(of: .fill))
        #expect(kinds.firstIndex(of: .decision)! < firstOrder && firstOrder < firstFill)
    }

    @Test func aJournalHeldByAnotherHostStopsTheStart() throws {
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("held.sqlite").path
        let holder = try JournalWriter(path: path, options: JournalOptions(hostID: "other"))
        defer { try? holder.close() }
        let plugin = try TestSupport.buildFixture(in: folder)
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"], params: "{trace_path: \"\(folder.path)/a.trace\"}"),
        ], extra: "journal: {path: held.sqlite}")
        let loaded = try ConfigLoader.load(path: config)
        let context = try ZMQContext()
        do throws(HostStartError) {
            _ = try EventLoop(config: loaded, context: context, options: RunOptions(), stop: StopSignal(), logger: TestSupport.logger)
            Issue.record("the host started on a journal another host holds")
        } catch {
            guard case .journal(let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(detail.contains("held.sqlite"))
        }
        // Refusing to start destroyed the strategy it had created.
        #expect(TestSupport.traceLines(folder.appendingPathComponent("a.trace").path) == ["destroy"])
    }

    @Test func aStopRequestEndsTheLoopAndDestroysTheStrategies() throws {
        let running = try start(transport: "tcp")
        running.stop.request()
        let summary = try running.loop.join()
        #expect(summary.ticks == 0)
        #expect(TestSupport.traceLines(running.folder.appendingPathComponent("a.trace").path) == ["destroy"])
        #expect(TestSupport.traceLines(running.folder.appendingPathComponent("b.trace").path) == ["destroy"])
    }
}
