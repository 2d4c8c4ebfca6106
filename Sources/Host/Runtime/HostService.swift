import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// The host as a swift-service-lifecycle `Service`: runs the event loop on its own thread and
/// stops it gracefully (strategies destroyed, sockets closed) when the service group shuts down,
/// for example on SIGINT or SIGTERM. The loop notices a stop within one poll timeout (50 ms).
public final class HostService: Service {
    private let config: LoadedConfig
    private let options: RunOptions
    private let logger: Logger
    private let context: ZMQContext
    private let onStarted: @Sendable () -> Void

    /// A service for `config`. `onStarted` runs once every plugin is created and every feed
    /// connected, just before the loop starts polling.
    public init(
        config: LoadedConfig, options: RunOptions = RunOptions(), context: ZMQContext, logger: Logger,
        onStarted: @escaping @Sendable () -> Void = {}
    ) {
        self.config = config
        self.options = options
        self.logger = logger
        self.context = context
        self.onStarted = onStarted
    }

    /// Runs until graceful shutdown (or end of stream with `stopAtEndOfStream`, or until `stop`
    /// is requested: a replay whose publisher failed part-way stops the host that way); returns
    /// the summary.
    public func runToCompletion(stop: StopSignal = StopSignal()) async throws -> RunSummary {
        return try await withGracefulShutdownHandler {
            try await Self.runOnLoopThread(
                config: config, options: options, context: context, stop: stop, logger: logger, onStarted: onStarted)
        } onGracefulShutdown: {
            stop.request()
        }
    }

    public func run() async throws {
        let summary = try await runToCompletion()
        logger.info("host stopped", metadata: [
            "ticks": "\(summary.ticks)", "intents": "\(summary.totalIntents)", "decision_digest": "\(summary.decisionDigest)",
        ])
    }

    /// Starts a dedicated thread that builds the event loop, runs it and tears it down; the loop
    /// and every plugin call stay on that thread.
    static func runOnLoopThread(
        config: LoadedConfig, options: RunOptions, context: ZMQContext, stop: StopSignal, logger: Logger,
        onStarted: @escaping @Sendable () -> Void
    ) async throws -> RunSummary {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RunSummary, any Error>) in
            let thread = Thread {
                nameCurrentThread("gh-event-loop")
                // The stack CrashReport gave this thread goes with it.
                defer { CrashReport.removeAlternateStack() }
                do {
                    let loop = try EventLoop(config: config, context: context, options: options, stop: stop, logger: logger)
                    onStarted()
                    continuation.resume(returning: try loop.run())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "gh-event-loop"
            thread.start()
        }
    }
}
