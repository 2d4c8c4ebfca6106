import Host
import FeedReplay
import Foundation
import Logging
import MarketData
import Synchronization
import ZeroMQ

/// `gatehouse demo`: replays a ticks file through a real ZeroMQ socket into the configured
/// strategies and reports what happened.
///
/// Two threads, as in production: the replayer publishes on an XPUB socket bound to an ephemeral
/// loopback port; the host's event loop connects to it as its feed. The replayer waits for the
/// host's subscription before sending (no slow-joiner loss) and ends with an end-of-stream frame,
/// at which the host stops.
///
/// The ticks file streams: it is read once through to check every line before anything starts
/// (a bad line anywhere fails the run before a tick is sent or journaled) and to count its
/// events, then again, chunk by chunk, as the replayer publishes it. Memory stays constant
/// whatever the file's length.
public enum Demo {
    /// Settings of a demo run.
    public struct Options: Sendable {
        public var configPath: String
        public var ticksPath: String
        public var encoding: PayloadEncoding
        public var endpoint: String
        /// Run every strategy in shadow mode.
        public var forceShadow: Bool
        /// Journal to this file (absolute path) instead of what the config says.
        public var journalPath: String?
        /// Told where the run is about five times a second (while the file is checked, then while
        /// it is replayed) and once with `.finished` at the end: for a progress line. `nil`: nothing.
        public var progress: (@Sendable (Progress) -> Void)?
        public init(configPath: String, ticksPath: String, encoding: PayloadEncoding = .binary,
                    endpoint: String = "tcp://127.0.0.1:*", forceShadow: Bool = false, journalPath: String? = nil,
                    progress: (@Sendable (Progress) -> Void)? = nil) {
            self.configPath = configPath
            self.ticksPath = ticksPath
            self.encoding = encoding
            self.endpoint = endpoint
            self.forceShadow = forceShadow
            self.journalPath = journalPath
            self.progress = progress
        }
    }

    /// Where a run is, for a progress line.
    public struct Progress: Sendable, Equatable {
        public enum Phase: Sendable, Equatable {
            /// Reading the file through to check it: `done` bytes of `total` (the file's size, if known).
            case checking
            /// Replaying: `done` feed messages taken by the host of `total` events in the file.
            case replaying
            /// Over (successfully or not): clear the line.
            case finished
        }

        public var phase: Phase
        public var done: Int
        public var total: Int?
        /// Seconds since this phase began.
        public var elapsedSeconds: Double
    }

    /// Why a demo could not run.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What the demo did.
    public struct Report: Sendable {
        public var summary: RunSummary
        public var framesPublished: Int
        public var endpoint: String
        public var encoding: PayloadEncoding
        public var ticksPath: String
        /// The journal written, if any.
        public var journalPath: String?
    }

    /// Runs the demo to the end of the data (or until SIGINT/SIGTERM through the service group).
    public static func run(_ options: Options, logger: Logger) async throws -> Report {
        var loaded = try ConfigLoader.load(path: options.configPath)
        if options.forceShadow { loaded = loaded.forcingShadow() }
        if let journalPath = options.journalPath {
            // Another file, the config's other journal settings (queue, snapshot cadence) kept.
            var journal = loaded.config.journal ?? JournalConfig(path: journalPath)
            journal.path = journalPath
            loaded.config.journal = journal
        }
        // The demo is a self-contained replay that ends by itself: it binds no fixed sockets for
        // other programs (two demos may run at once). `gatehouse run` serves the event stream and
        // the control channel and the metrics endpoint the config names.
        loaded.config.events = nil
        loaded.config.control = nil
        loaded.config.metrics = nil
        guard loaded.config.feeds.count == 1 else {
            throw Failure(description: "\(options.configPath): the demo replays one feed; the config has \(loaded.config.feeds.count)")
        }
        let progress = options.progress ?? { _ in }
        defer { progress(Progress(phase: .finished, done: 0, total: nil, elapsedSeconds: 0)) }
        let checkStart = ContinuousClock.now
        let checked: TickFileSummary
        do {
            checked = try TickFileReader.check(path: options.ticksPath) { bytes, size in
                progress(Progress(phase: .checking, done: bytes, total: size, elapsedSeconds: seconds(since: checkStart)))
            }
        } catch {
            throw Failure(description: "\(error)")
        }

        let venue = "sim"
        let context = try ZMQContext()
        let hostStop = StopSignal()
        let replay = ReplayThread(
            context: context, endpoint: options.endpoint, venue: venue, encoding: options.encoding,
            ticksPath: options.ticksPath, hostStop: hostStop, logger: logger)
        let endpoint = try replay.start()
        loaded.config.feeds[0].endpoint = endpoint
        loaded.config.feeds[0].topics = ["md.\(venue)."]

        let messagesRead = MessageCounter()
        let service = HostService(
            config: loaded,
            options: RunOptions(stopAtEndOfStream: true, journalBackpressure: .wait, eventClock: .feedTime, messagesRead: messagesRead,
                                enforcesWallTimeIsolation: false),
            context: context, logger: logger)
        let replayStart = ContinuousClock.now
        let reporter = options.progress == nil ? nil : Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(200)) } catch { break }
                progress(Progress(phase: .replaying, done: min(messagesRead.count, checked.events), total: checked.events,
                                  elapsedSeconds: seconds(since: replayStart)))
            }
        }
        let summary: RunSummary
        do {
            summary = try await service.runToCompletion(stop: hostStop)
        } catch {
            reporter?.cancel()
            replay.cancel()
            _ = try? await replay.finish()
            throw error
        }
        reporter?.cancel()
        await reporter?.value
        // A replay that failed part-way (the file changed since the check, a stalled socket)
        // stopped the host; its error is the run's.
        let published: Int
        do { published = try await replay.finish() } catch let error as TickFile.ParseError {
            throw Failure(description: "\(error)")
        }
        return Report(summary: summary, framesPublished: published, endpoint: endpoint, encoding: options.encoding,
                      ticksPath: options.ticksPath, journalPath: options.journalPath)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// The replayer side of the demo, on its own thread with its own socket: streams the ticks
/// file, reading each event just before it is sent.
final class ReplayThread: Sendable {
    private let context: ZMQContext
    private let endpoint: String
    private let venue: String
    private let encoding: PayloadEncoding
    private let ticksPath: String
    /// Requested when the replay fails: the host would otherwise wait for an end of stream that
    /// never comes.
    private let hostStop: StopSignal
    private let logger: Logger
    private let cancelled = Atomic<Bool>(false)
    private let state = Mutex<State>(State())

    private struct State {
        var boundEndpoint: Result<String, any Error>?
        var outcome: Result<Int, any Error>?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    init(context: ZMQContext, endpoint: String, venue: String, encoding: PayloadEncoding, ticksPath: String,
         hostStop: StopSignal, logger: Logger) {
        self.context = context
        self.endpoint = endpoint
        self.venue = venue
        self.encoding = encoding
        self.ticksPath = ticksPath
        self.hostStop = hostStop
        self.logger = logger
    }

    /// Starts the thread and returns the endpoint it bound.
    func start() throws -> String {
        let bound = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            nameCurrentThread("gh-demo-replay")
            do {
                let publisher = try ReplayPublisher(context: context, bind: endpoint, venue: venue, encoding: encoding)
                state.withLock { $0.boundEndpoint = .success(publisher.endpoint) }
                bound.signal()
                defer { publisher.close() }
                var reader = try TickFileReader(path: ticksPath)
                var waited = 0.0
                while try !publisher.waitForSubscribers(1, timeoutSeconds: 0.25) {
                    waited += 0.25
                    if cancelled.load(ordering: .acquiring) || waited > 30 {
                        throw Demo.Failure(description: "no subscriber connected to \(publisher.endpoint) within 30 s")
                    }
                }
                let sent = try publisher.publish(&reader, shouldStop: { cancelled.load(ordering: .relaxed) })
                complete(.success(sent))
            } catch {
                if state.withLock({ $0.boundEndpoint == nil }) {
                    state.withLock { $0.boundEndpoint = .failure(error) }
                    bound.signal()
                }
                hostStop.request()
                complete(.failure(error))
            }
        }
        thread.name = "gh-demo-replay"
        thread.start()
        bound.wait()
        return try state.withLock { $0.boundEndpoint! }.get()
    }

    func cancel() { cancelled.store(true, ordering: .releasing) }

    private func complete(_ outcome: Result<Int, any Error>) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }

    /// Waits for the replay to end; returns the frames published.
    func finish() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<Int, any Error>? = state.withLock { state in
                if state.outcome == nil { state.waiters.append(continuation) }
                return state.outcome
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
