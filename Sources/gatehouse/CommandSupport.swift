import ArgumentParser
import Foundation
import FeedReplay
import Host
import OfflineTools
import Logging
import Synchronization

/// Loads a config or prints its error (naming the file and key) and exits with status 2.
func loadConfigOrExit(_ path: String) throws -> LoadedConfig {
    do {
        return try ConfigLoader.load(path: path)
    } catch {
        FileHandle.standardError.write(Data("gatehouse: config error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// Sends log lines to standard error at `level`, tagged with the host id. The only place the
/// process configures logging; libraries just take a `Logger`. With a `progress` line, log
/// lines go out above it.
func bootstrapLogging(level: String, hostID: String, progress: TerminalProgress? = nil) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        // One event, one line, whatever a peer put in a field.
        if let progress { return LineSafeLogHandler(wrapping: ProgressAwareLogHandler(wrapped: handler, progress: progress)) }
        return LineSafeLogHandler(wrapping: handler)
    }
    var logger = Logger(label: "gatehouse")
    logger[metadataKey: "host"] = "\(hostID)"
    return logger
}

/// An error as one line for an operator.
func describe(_ error: any Error) -> String {
    if let start = error as? HostStartError { return start.description }
    return "\(error)"
}

/// JSON with sorted keys, for output scripts can diff.
func encodeJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A value handed from a service back to its command.
final class SummaryBox: Sendable {
    private let storage = Mutex<RunSummary?>(nil)
    var value: RunSummary? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// What `demo` and `replay` tell a progress line on a terminal: the check of the ticks file
/// (bytes), then the replay (ticks the host has taken, rate, time left); cleared at the end.
func replayProgress(on terminal: TerminalProgress) -> @Sendable (Demo.Progress) -> Void {
    { progress in
        switch progress.phase {
        case .checking:
            terminal.update {
                ProgressLine.render(label: "checking", done: progress.done, total: progress.total, unit: .bytes,
                                    elapsedSeconds: progress.elapsedSeconds)
            }
        case .replaying:
            terminal.update {
                ProgressLine.render(label: "replay", done: progress.done, total: progress.total, elapsedSeconds: progress.elapsedSeconds)
            }
        case .finished:
            terminal.finish()
        }
    }
}

/// A log handler that keeps a progress line intact: each log line goes out above it
/// (`TerminalProgress.interrupt`), instead of being appended to it.
struct ProgressAwareLogHandler: LogHandler {
    var wrapped: StreamLogHandler
    let progress: TerminalProgress

    func log(event: LogEvent) {
        progress.interrupt { wrapped.log(event: event) }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }
}
