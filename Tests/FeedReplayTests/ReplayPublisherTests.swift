import FeedReplay
import Foundation
import MarketData
import Testing
import ZeroMQ

enum ReplayTransport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case tcp, ipc
    var testDescription: String { rawValue }

    /// A fresh endpoint for the publisher to bind.
    func bindEndpoint() -> String {
        switch self {
        case .tcp: "tcp://127.0.0.1:*"
        case .ipc: "ipc://" + FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).sock").path
        }
    }
}

/// A small deterministic ticks file: trades and quotes over three symbols.
func smallTickFile(events: Int = 250) throws -> TickFile {
    try TickFile.parse(Data(smallTickText(events: events).utf8), name: "small.csv")
}

/// The text of `smallTickFile`: a comment line, then one event per line, no trailing newline.
func smallTickText(events: Int = 250) -> String {
    var lines = ["# ts_ns,symbol,price,size | ts_ns,symbol,bid,bid_size,ask,ask_size"]
    let symbols = ["BTCUSD", "ETHUSD", "SOLUSD"]
    for index in 0..<events {
        let timestamp = 1_772_460_000_000_000_000 + Int64(index) * 1_000_003
        let symbol = symbols[index % 3]
        let price = 100 + Double(index % 17) * 0.25
        if index % 4 == 0 {
            lines.append("\(timestamp),\(symbol),\(price),\(index + 1).5,\(price + 0.5),\(index % 5)")
        } else {
            lines.append("\(timestamp),\(symbol),\(price),0.\(index + 1)")
        }
    }
    return lines.joined(separator: "\n")
}

@Suite("ReplayPublisher")
struct ReplayPublisherTests {
    /// Connects a subscriber, replays `file`, and returns what the subscriber decoded (and the topics seen).
    func replay(
        _ file: TickFile, transport: ReplayTransport, encoding: PayloadEncoding,
        shouldStopAfter stopAfter: Int? = nil
    ) throws -> (sent: Int, frames: [DecodedFrame], topics: [String], progress: [(Int, Int)]) {
        var progress: [(Int, Int)] = []
        var calls = 0
        let result = try replay(transport: transport, encoding: encoding) { publisher in
            let sent = try publisher.publish(
                file, progress: { progress.append(($0, $1)) },
                shouldStop: {
                    calls += 1
                    return stopAfter.map { calls > $0 } ?? false
                })
            return (sent, file.symbols)
        }
        return (result.sent, result.frames, result.topics, progress)
    }

    /// Connects a subscriber, runs `publish` (which returns the frames it sent and the symbols
    /// to decode them with), and returns what the subscriber decoded up to the first
    /// end-of-stream frame, and the topics seen.
    func replay(
        transport: ReplayTransport, encoding: PayloadEncoding,
        publish: (ReplayPublisher) throws -> (sent: Int, symbols: SymbolTable)
    ) throws -> (sent: Int, frames: [DecodedFrame], topics: [String]) {
        let context = try ZMQContext()
        let publisher = try ReplayPublisher(
            context: context, bind: transport.bindEndpoint(), venue: "sim", encoding: encoding,
            stallTimeoutMilliseconds: 20_000)
        defer {
            publisher.close(flushSeconds: 0)
            if publisher.endpoint.hasPrefix("ipc://") {
                try? FileManager.default.removeItem(atPath: String(publisher.endpoint.dropFirst("ipc://".count)))
            }
        }
        #expect(publisher.endpoint.hasPrefix(transport.rawValue + "://"))
        #expect(!publisher.endpoint.hasSuffix(":*"))
        #expect(publisher.venue == "sim")
        #expect(publisher.encoding == encoding)

        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.setReceiveTimeout(milliseconds: 20_000)  // a hang guard; frames are already queued
        try subscriber.connect(publisher.endpoint)
        try subscriber.subscribe("md.sim.")
        try #require(try publisher.waitForSubscribers(1, timeoutSeconds: 60), "the subscription never arrived")

        let (sent, symbols) = try publish(publisher)

        let decoder = FeedFrameDecoder(symbols: symbols)
        var frames: [DecodedFrame] = []
        var topics: [String] = []
        while true {
            let message = try #require(try subscriber.receiveMultipart(), "a frame went missing after \(frames.count)")
            try #require(message.count == 2, "frame \(frames.count) has \(message.count) parts")
            topics.append(String(decoding: message[0], as: UTF8.self))
            let frame = message[0].withUnsafeBytes { topic in
                message[1].withUnsafeBytes { decoder.decode(topic: topic, payload: $0) }
            }
            frames.append(frame)
            if case .event = frame { continue }
            break
        }
        return (sent, frames, topics)
    }

    @Test(arguments: ReplayTransport.allCases, PayloadEncoding.allCases)
    func subscriberReceivesEveryFrameInOrderThenEndOfStream(transport: ReplayTransport, encoding: PayloadEncoding) throws {
        let file = try smallTickFile()
        let result = try replay(file, transport: transport, encoding: encoding)

        #expect(result.sent == file.events.count)
        #expect(result.frames.count == file.events.count + 1)
        let events = result.frames.dropLast().map { frame -> MarketEvent? in
            if case .event(let event) = frame { return event }
            return nil
        }
        #expect(events == file.events.map { Optional($0) })
        #expect(result.frames.last == .endOfStream(framesSent: UInt64(file.events.count)))

        let expectedTopics = file.events.map { "md.sim." + file.symbols.name(of: $0.symbolID) } + ["md.sim._eos"]
        #expect(result.topics == expectedTopics)
        #expect(result.progress.last.map { [$0.0, $0.1] } == [file.events.count, file.events.count])
    }

    @Test(arguments: PayloadEncoding.allCases)
    func aStoppedReplayStillEndsWithAnEndOfStreamCountingWhatWasSent(encoding: PayloadEncoding) throws {
        let file = try smallTickFile(events: 40)
        let result = try replay(file, transport: .tcp, encoding: encoding, shouldStopAfter: 7)
        #expect(result.sent == 7)
        #expect(result.frames.count == 8)
        #expect(Array(result.frames.dropLast()) == file.events.prefix(7).map { DecodedFrame.event($0) })
        #expect(result.frames.last == .endOfStream(framesSent: 7))
        #expect(result.progress.last.map { [$0.0, $0.1] } == [7, 40])
    }

    @Test(arguments: PayloadEncoding.allCases)
    func anEmptyFileSendsOnlyTheEndOfStream(encoding: PayloadEncoding) throws {
        let file = try TickFile.parse(Data("# nothing\n".utf8), name: "empty.csv")
        let result = try replay(file, transport: .tcp, encoding: encoding)
        #expect(result.sent == 0)
        #expect(result.frames == [.endOfStream(framesSent: 0)])
        #expect(result.topics == ["md.sim._eos"])
    }

    @Test(arguments: ReplayTransport.allCases, PayloadEncoding.allCases)
    func aStreamedFileArrivesWholeInOrderAndTheEndOfStreamCountsIt(transport: ReplayTransport, encoding: PayloadEncoding) throws {
        let text = smallTickText(events: 3_000)
        let expected = try TickFile.parse(Data(text.utf8), name: "small.csv")
        var progress: [ReplayProgress] = []
        let result = try replay(transport: transport, encoding: encoding) { publisher in
            // Small chunks: lines cross chunk ends many times during the replay.
            var reader = TickFileReader(data: Data(text.utf8), name: "small.csv", chunkSize: 97)
            let sent = try publisher.publish(&reader, progressInterval: .zero, progress: { progress.append($0) })
            return (sent, reader.symbols)
        }
        #expect(result.sent == expected.events.count)
        #expect(result.frames.dropLast() == expected.events.map { DecodedFrame.event($0) })
        #expect(result.frames.last == .endOfStream(framesSent: UInt64(expected.events.count)))
        #expect(result.topics == expected.events.map { "md.sim." + expected.symbols.name(of: $0.symbolID) } + ["md.sim._eos"])
        // Every 1024 frames with a zero interval, then once at the end with the whole file read.
        #expect(progress.map(\.framesSent) == [1024, 2048, 3000])
        #expect(progress.last == ReplayProgress(framesSent: 3_000, bytesRead: text.utf8.count, totalBytes: text.utf8.count))
        #expect(progress.last?.fractionRead == 1)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.bytesRead < $1.bytesRead })
    }

    @Test(arguments: PayloadEncoding.allCases)
    func aBadLineStopsAStreamWithItsErrorAndNoEndOfStream(encoding: PayloadEncoding) throws {
        var lines = smallTickText(events: 40).split(separator: "\n").map(String.init)
        lines[30] = "1772460000000000000,BTCUSD,1,1" // earlier than the line before; line 31 of the file
        let text = lines.joined(separator: "\n")
        var thrown: TickFile.ParseError?
        let result = try replay(transport: .tcp, encoding: encoding) { publisher in
            var reader = TickFileReader(data: Data(text.utf8), name: "bad.csv", chunkSize: 16)
            do {
                try publisher.publish(&reader)
                Issue.record("a bad line was published")
            } catch let error as TickFile.ParseError {
                thrown = error
            }
            // A marker of the test's own: the first end-of-stream frame the subscriber sees must
            // be this one, so the failed replay sent none.
            try publisher.sendEndOfStream(framesSent: 999, timestampNs: 1)
            return (29, reader.symbols)
        }
        #expect(thrown?.line == 31)
        #expect(thrown?.file == "bad.csv")
        #expect(result.frames.count == 30, "the 29 events before the bad line (line 1 is a comment), then the marker")
        #expect(result.frames.last == .endOfStream(framesSent: 999))
    }

    @Test func waitForSubscribersReturnsFalseOnTimeoutWithoutASubscriber() throws {
        let context = try ZMQContext()
        let publisher = try ReplayPublisher(context: context, bind: "tcp://127.0.0.1:*", venue: "sim", encoding: .binary)
        defer { publisher.close(flushSeconds: 0) }
        #expect(try publisher.waitForSubscribers(1, timeoutSeconds: 0.3) == false)
        #expect(try publisher.waitForSubscribers(1, timeoutSeconds: 0) == false)
    }

    @Test func waitForSubscribersCountsEachSubscription() throws {
        let context = try ZMQContext()
        let publisher = try ReplayPublisher(context: context, bind: "tcp://127.0.0.1:*", venue: "sim", encoding: .json)
        defer { publisher.close(flushSeconds: 0) }
        let first = try ZMQSocket(context: context, type: .sub)
        try first.connect(publisher.endpoint)
        try first.subscribe("md.sim.")
        #expect(try publisher.waitForSubscribers(1, timeoutSeconds: 60))
        // Only one subscription so far: asking for two must time out.
        #expect(try publisher.waitForSubscribers(2, timeoutSeconds: 0.3) == false)
        let second = try ZMQSocket(context: context, type: .sub)
        try second.connect(publisher.endpoint)
        try second.subscribe("md.sim.")
        #expect(try publisher.waitForSubscribers(2, timeoutSeconds: 60))
    }

    @Test func bindingABadEndpointThrows() throws {
        let context = try ZMQContext()
        #expect(throws: ZMQError.self) {
            _ = try ReplayPublisher(context: context, bind: "bogus://x", venue: "sim", encoding: .binary)
        }
    }
}
