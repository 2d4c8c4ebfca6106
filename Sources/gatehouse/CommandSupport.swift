import ArgumentParser
import Foundation
import Host
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
/// process configures logging; libraries just take a `Logger`.
func bootstrapLogging(level: String, hostID: String) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
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
