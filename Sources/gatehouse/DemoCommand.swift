import ArgumentParser
import FeedReplay
import Foundation
import Host
import OfflineTools
import Logging
import MarketData

/// `gatehouse demo`: the bundled data through a real ZeroMQ socket into both example plugins.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay the bundled sample data into the example strategies and print a summary.")

    @Option(name: .long, help: "The config file (default: config/gatehouse.yaml).")
    var config: String?

    @Option(name: .long, help: "The ticks file to replay (default: tools/data/sample_ticks.csv).")
    var ticks: String?

    @Option(name: .long, help: "Payload encoding on the wire: binary or json.")
    var encoding: String = "binary"

    @Flag(name: .long, help: "Print the summary as JSON instead of a table.")
    var json = false

    @Option(name: .long, help: "The audit journal to write (default: a new file in the temporary folder).")
    var journal: String?

    func run() async throws {
        let configPath = config ?? ProjectFiles.locate("config/gatehouse.yaml")
        let ticksPath = ticks ?? ProjectFiles.locate("tools/data/sample_ticks.csv")
        guard let payloadEncoding = PayloadEncoding(rawValue: encoding) else {
            throw ValidationError("--encoding must be binary or json, not '\(encoding)'")
        }
        let loaded = try loadConfigOrExit(configPath)
        // On a terminal, a progress line; log lines go out above it.
        let terminal = TerminalProgress.onStandardError()
        let logger = bootstrapLogging(level: json ? "warning" : "notice", hostID: loaded.config.host.id, progress: terminal)
        let report: Demo.Report
        do {
            report = try await Demo.run(
                Demo.Options(configPath: configPath, ticksPath: ticksPath, encoding: payloadEncoding,
                             journalPath: absolutePath(journal ?? Self.freshJournalPath()), progress: terminal.map(replayProgress(on:))),
                logger: logger)
        } catch {
            FileHandle.standardError.write(Data("gatehouse demo: \(describe(error))\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(try encodeJSON(report.summary))
        } else {
            print(DemoReportFormatter.table(report))
        }
    }
}

extension DemoCommand {
    /// A journal file that does not exist yet, in the temporary folder.
    static func freshJournalPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-demo-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970 * 1000)).sqlite").path
    }
}

/// `path` made absolute against the working directory.
func absolutePath(_ path: String) -> String {
    path.hasPrefix("/") ? path : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).standardizedFileURL.path
}

/// The demo's human-readable report.
enum DemoReportFormatter {
    static func table(_ report: Demo.Report) -> String {
        let summary = report.summary
        var lines: [String] = []
        lines.append("Gatehouse demo: \(report.ticksPath) replayed over \(report.endpoint) (\(report.encoding.rawValue) payloads)")
        lines.append("")
        lines.append(row("ticks", "\(summary.ticks)"))
        lines.append(row("frames published", "\(report.framesPublished)"))
        for feed in summary.feeds {
            let dropped = feed.dropped.isEmpty ? "none" : feed.dropped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append(row("feed \(feed.name)", "\(feed.events) events, dropped: \(dropped)"))
        }
        lines.append(row("intents", "\(summary.totalIntents)"))
        lines.append(row("wall time", String(format: "%.3f s", summary.wallSeconds)))
        lines.append(row("ticks/s", String(format: "%.0f", summary.ticksPerSecond)))
        lines.append(row("equity", String(format: "%.2f USD (live gross %.2f USD)", summary.equityUSD, summary.liveGrossUSD)))
        lines.append(row("decision digest", summary.decisionDigest))
        if let journal = report.journalPath { lines.append(row("audit journal", journal)) }
        lines.append("")
        lines.append(pad("strategy", 18) + pad("mode", 8) + pad("events", 9) + pad("intents", 9) + pad("APPROVE", 9)
            + pad("RESHAPE", 9) + pad("REJECT", 8) + pad("fills", 7) + pad("PnL USD", 11) + "reasons")
        for strategy in summary.strategies {
            let reasons = strategy.reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append(pad(strategy.name, 18) + pad(strategy.mode, 8) + pad("\(strategy.events)", 9) + pad("\(strategy.intents)", 9)
                + pad("\(strategy.decisions["APPROVE"] ?? 0)", 9) + pad("\(strategy.decisions["RESHAPE"] ?? 0)", 9)
                + pad("\(strategy.decisions["REJECT"] ?? 0)", 8) + pad("\(strategy.fills)", 7)
                + pad(String(format: "%.2f", strategy.realizedUSD + strategy.unrealizedUSD), 11) + reasons)
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ label: String, _ value: String) -> String { pad(label, 18) + value }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
