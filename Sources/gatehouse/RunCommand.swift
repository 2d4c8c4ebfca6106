import ArgumentParser
import Foundation
import Host
import Logging
import ServiceLifecycle
import ZeroMQ

/// `gatehouse run --config <file>`: the long-running host.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the host until SIGINT or SIGTERM.",
        discussion: """
            Loads every strategy plugin in the config (refusing to start if any fails), connects to \
            the configured feeds and routes market data to the strategies. Stops gracefully on \
            SIGINT/SIGTERM: strategies are destroyed and sockets closed. Exit status: 0 after a \
            clean stop, 1 if the host could not start, 2 for a config error.
            """)

    @Option(name: .long, help: "The config file (YAML).")
    var config: String

    @Flag(name: .long, help: "Stop when every feed has sent its end-of-stream marker (replays).")
    var untilEndOfStream = false

    @Flag(name: .long, help: "Print the run summary as JSON on standard output when the host stops.")
    var json = false

    @Flag(name: .long, help: "Run every strategy in shadow mode: orders fill on paper into shadow books, nothing is sent.")
    var shadow = false

    func run() async throws {
        let written = try loadConfigOrExit(config)
        let loaded = shadow ? written.forcingShadow() : written
        let logger = bootstrapLogging(level: loaded.config.host.logLevel, hostID: loaded.config.host.id)
        let context = try ZMQContext()
        let service = HostService(
            config: loaded, options: RunOptions(stopAtEndOfStream: untilEndOfStream), context: context, logger: logger,
            onStarted: { logger.info("gatehouse ready", metadata: ["config": "\(loaded.file)"]) })
        let summary = SummaryBox()
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: SummaryService(service: service, box: summary), successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("gatehouse: \(describe(error))\n".utf8))
            throw ExitCode(1)
        }
        if json, let result = summary.value {
            print(try encodeJSON(result))
        }
    }
}

/// Runs the host service and keeps its summary for the command to print.
struct SummaryService: Service {
    let service: HostService
    let box: SummaryBox

    func run() async throws {
        box.value = try await service.runToCompletion()
    }
}
