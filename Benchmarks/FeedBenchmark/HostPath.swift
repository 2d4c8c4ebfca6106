import FeedReplay
import Foundation
import Host
import Logging
import MarketData
import ZeroMQ

/// One run of the real feed path: `ReplayPublisher` on one thread, the host's `EventLoop` (with
/// the config's plugins, its feed pointed at the publisher) on another, one shared context with
/// one I/O thread, as in `gatehouse demo`.
struct HostRun {
    var encoding: PayloadEncoding
    var mode: RunMode
    var summary: RunSummary
    /// Publisher: first send → last frame (and end of stream) queued.
    var publishSeconds: Double
    /// Live: publisher's first send → the loop saw the end of stream.
    /// Drain: `RunSummary.wallSeconds` (the loop started with every frame already queued).
    var endToEndSeconds: Double
    var framesPublished: Int
    /// Risk events a subscriber read from the host's event stream (nil: no stream configured).
    var streamMessages: Int?

    var ticks: UInt64 { summary.ticks }
    var endToEndTicksPerSecond: Double { Double(summary.ticks) / endToEndSeconds }
    var publishRate: Double { Double(framesPublished) / publishSeconds }
    var droppedTotal: UInt64 { summary.feeds.reduce(0) { $0 + $1.dropped.values.reduce(0, +) } }
}

enum HostPath {
    static func run(
        config: LoadedConfig, file: TickFile, encoding: PayloadEncoding, transport: Transport, mode: RunMode,
        label: String, logger: Logger
    ) throws -> HostRun {
        let venue = "sim"
        let context = try ZMQContext(ioThreads: 1)
        let bound = Handoff<Result<String, any Error>>()
        let published = Handoff<Result<(first: UInt64, last: UInt64, sent: Int), any Error>>()
        let hosted = Handoff<Result<(runStart: UInt64, summary: RunSummary), any Error>>()
        let cancelled = StopSignal() // the publisher's stop flag
        let stop = StopSignal()
        let requested = transport.endpoint(run: label)
        let timeoutSeconds = max(120, Double(file.events.count) / 20_000)

        spawnThread("bench-replay") {
            do {
                let publisher = try ReplayPublisher(context: context, bind: requested, venue: venue, encoding: encoding)
                bound.set(.success(publisher.endpoint))
                defer { publisher.close() }
                var waited = 0.0
                while try !publisher.waitForSubscribers(1, timeoutSeconds: 0.25) {
                    waited += 0.25
                    if cancelled.isRequested || waited > 30 {
                        throw BenchmarkFailure("host path: no subscriber within 30 s")
                    }
                }
                // `shouldStop` is called just before each frame: its first call marks the first send.
                var first: UInt64 = 0
                let sent = try publisher.publish(file, shouldStop: {
                    if first == 0 { first = monotonicNanos() }
                    return cancelled.isRequested
                })
                published.set(.success((first, monotonicNanos(), sent)))
            } catch {
                if bound.current == nil { bound.set(.failure(error)) }
                published.set(.failure(error))
            }
        }
        guard let endpointResult = bound.wait(timeoutSeconds: 30) else { throw BenchmarkFailure("host path: publisher did not bind") }
        let endpoint = try endpointResult.get()
        defer { transport.cleanUp(endpoint) }

        var loaded = config
        loaded.config.feeds[0].endpoint = endpoint
        loaded.config.feeds[0].topics = ["md.\(venue)."]
        if mode == .drain { loaded.config.feeds[0].receiveHighWaterMark = 0 }
        // The audit journal is on, as in production: a fresh file per run, removed afterwards.
        let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-\(label)-\(getpid()).sqlite").path
        loaded.config.journal = JournalConfig(path: journalPath)
        defer {
            for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: journalPath + suffix) }
        }
        let hostConfig = loaded

        // With an event stream, one subscriber reads everything, as an integrator's would: the
        // host pays for real sends, not for discarding into an XPUB with nobody connected.
        let streamStop = StopSignal()
        let streamCount = Handoff<Int>()
        if let events = hostConfig.config.events {
            let endpoint = events.endpoint
            spawnThread("bench-stream-subscriber") {
                // Made, used and closed on this thread (sockets are not thread-safe).
                var received = 0
                do {
                    let subscriber = try ZMQSocket(context: context, type: .sub)
                    defer { subscriber.close() }
                    try subscriber.subscribe("")
                    try subscriber.setReceiveTimeout(milliseconds: 100)
                    try subscriber.connect(endpoint)
                    while !streamStop.isRequested {
                        if (try? subscriber.receiveMultipart()) != nil { received += 1 }
                    }
                    while (try? subscriber.receiveMultipart(dontWait: true)) != nil { received += 1 }
                } catch {
                    note("stream subscriber: \(error)")
                }
                streamCount.set(received)
            }
        }

        spawnThread("bench-event-loop") {
            do {
                // Built, run and dropped on this one thread, as EventLoop requires.
                let loop = try EventLoop(
                    config: hostConfig, context: context, options: RunOptions(stopAtEndOfStream: true),
                    stop: stop, logger: logger)
                if mode == .drain {
                    guard case .success = published.wait(timeoutSeconds: timeoutSeconds) else {
                        throw BenchmarkFailure("host path: publisher failed")
                    }
                    Thread.sleep(forTimeInterval: RawBaseline.settleSeconds)
                }
                let runStart = monotonicNanos()
                let summary = try loop.run()
                hosted.set(.success((runStart, summary)))
            } catch {
                hosted.set(.failure(error))
            }
        }

        guard let hostResult = hosted.wait(timeoutSeconds: timeoutSeconds) else {
            // Watchdog: a lost end-of-stream must not hang the benchmark.
            stop.request()
            cancelled.request()
            _ = hosted.wait(timeoutSeconds: 10)
            throw BenchmarkFailure("host path (\(encoding), \(mode)): no end of stream within \(Int(timeoutSeconds)) s; stopped")
        }
        let runStart: UInt64, summary: RunSummary
        do {
            (runStart, summary) = try hostResult.get()
        } catch {
            cancelled.request() // the publisher may still be waiting for a subscriber
            throw error
        }
        guard let publishResult = published.wait(timeoutSeconds: 30) else { throw BenchmarkFailure("host path: publisher did not finish") }
        let publishing = try publishResult.get()
        // The loop's own clock starts right after `runStart`; it stops when it sees end of stream.
        let endOfStream = runStart &+ UInt64(summary.wallSeconds * 1e9)
        let endToEnd = mode == .live ? seconds(from: publishing.first, to: endOfStream) : summary.wallSeconds
        var streamMessages: Int?
        if hostConfig.config.events != nil {
            streamStop.request()
            streamMessages = streamCount.wait(timeoutSeconds: 10)
        }
        return HostRun(
            encoding: encoding, mode: mode, summary: summary,
            publishSeconds: seconds(from: publishing.first, to: publishing.last),
            endToEndSeconds: endToEnd, framesPublished: publishing.sent, streamMessages: streamMessages)
    }
}
