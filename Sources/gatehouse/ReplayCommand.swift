import ArgumentParser
import FeedReplay
import Foundation
import Host
import OfflineTools
import MarketData

/// `gatehouse replay --config <file> --ticks <file>`: the same data through the real ZeroMQ path as
/// fast as it goes, with a JSON summary whose decision digest is equal across runs of the same
/// ticks and config.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a ticks file through the host and print a JSON summary with a decision digest.",
        discussion: """
            Publishes the ticks on a loopback ZeroMQ socket (lossless: the publisher waits for the \
            host's subscription and never drops), runs the configured strategies, the risk chain \
            and the execution adapters on them, and prints: ticks, intents, decisions by verdict \
            and reason, fills, PnL and equity per book, ticks/s and the decision digest. The same \
            ticks and config give the same digest. On a terminal, standard error shows a progress \
            line (ticks taken by the host, rate, time left) on runs longer than a second. Exit 0, \
            1 if the host could not start or the ticks file is bad, 2 for a config error.
            """)

    @Option(name: .long, help: "The config file.")
    var config: String

    @Option(name: .long, help: "The ticks file (CSV: ts_ns,symbol,price,size or ts_ns,symbol,bid,bid_size,ask,ask_size).")
    var ticks: String

    @Option(name: .long, help: "Payload encoding on the wire: binary or json.")
    var encoding: String = "binary"

    @Flag(name: .long, help: "Run every strategy in shadow mode.")
    var shadow = false

    @Option(name: .long, help: "Write the audit journal to this file (default: the config's `journal`, if any).")
    var journal: String?

    func run() async throws {
        guard let payloadEncoding = PayloadEncoding(rawValue: encoding) else {
            throw ValidationError("--encoding must be binary or json, not '\(encoding)'")
        }
        let loaded = try loadConfigOrExit(config)
        // On a terminal, a progress line; log lines go out above it.
        let terminal = TerminalProgress.onStandardError()
        let logger = bootstrapLogging(level: "warning", hostID: loaded.config.host.id, progress: terminal)
        do {
            let report = try await Demo.run(
                Demo.Options(configPath: config, ticksPath: ticks, encoding: payloadEncoding, forceShadow: shadow,
                             journalPath: journal.map(absolutePath), progress: terminal.map(replayProgress(on:))),
                logger: logger)
            print(try encodeJSON(report.summary))
        } catch {
            FileHandle.standardError.write(Data("gatehouse replay: \(describe(error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
