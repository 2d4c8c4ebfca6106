import ArgumentParser
import Foundation
import Host
import Promotion

/// `gatehouse promote <strategy> --config <file> [--journal <file>] [--json]`: checks a strategy's
/// shadow record against the promotion criteria.
struct PromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Check a strategy's shadow record in the journal against the promotion criteria.",
        discussion: """
            Reads the strategy's decisions and shadow fills from the audit journal (the config's \
            `journal`, or --journal), rebuilds its round trips and prints days in shadow, trades, \
            win rate, PnL, annualized Sharpe, max drawdown, and reject and reshape rates by reason, \
            each criterion of the config's `promotion` section with pass or fail. Exit 0 when every \
            criterion passes, 1 when one fails (named), 2 on error. Reading is safe while a host is \
            running on the journal. Switching the strategy to live is an operator action for the \
            running host: `gatehouse ctl promote <strategy>`, which measures the same criteria; this command only measures.
            """)

    @Argument(help: "The strategy's name in the config.")
    var strategy: String

    @Option(name: .long, help: "The config file.")
    var config: String

    @Option(name: .long, help: "The journal to read (default: the config's journal.path).")
    var journal: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let loaded = try loadConfigOrExit(config)
        guard let strategyConfig = loaded.config.strategies.first(where: { $0.name == strategy }) else {
            fail("no strategy '\(strategy)' in \(config) (strategies: \(loaded.config.strategies.map(\.name).joined(separator: ", ")))")
        }
        let journalPath: String
        if let journal {
            journalPath = absolutePath(journal)
        } else if let configured = loaded.config.journal?.path {
            journalPath = loaded.resolvePath(configured)
        } else {
            fail("\(config) has no journal section; name the journal with --journal")
        }
        let report: PromotionReport
        do {
            report = try PromotionReport.make(strategy: strategyConfig, journal: journalPath, criteria: loaded.config.promotion)
        } catch {
            fail("\(error)")
        }
        print(json ? try encodeJSON(report) : Self.table(report))
        if !report.passed { throw ExitCode(1) }
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse promote: \(message)\n".utf8))
        Foundation.exit(2)
    }

    static func table(_ report: PromotionReport) -> String {
        func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
        var lines = ["Promotion check: \(report.strategy) (journal \(report.journal))", ""]
        lines.append("days in shadow    \(f(report.daysInShadow, 3))")
        lines.append("decisions         \(report.decisions)  (reject \(f(report.rejectRatePct, 1)) %, reshape \(f(report.reshapeRatePct, 1)) %)")
        lines.append("trades            \(report.trades)  (win rate \(f(report.winRatePct, 1)) %)")
        lines.append("realized PnL      \(f(report.realizedPnLUSD)) USD")
        lines.append("Sharpe            \(report.annualizedSharpe.map { f($0) } ?? "n/a (fewer than 2 trades or no spread)")")
        lines.append("max drawdown      \(f(report.maxDrawdownPct)) %")
        for (title, reasons) in [("rejects by reason", report.rejectReasonsPct), ("reshapes by reason", report.reshapeReasonsPct)] where !reasons.isEmpty {
            lines.append("\(title): " + reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\(f($0.value, 1)) %" }.joined(separator: " "))
        }
        lines.append("")
        for criterion in report.criteria {
            let mark = criterion.passed ? "pass" : "FAIL"
            lines.append("\(mark)  \(criterion.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(f(criterion.value)) \(criterion.comparison) \(f(criterion.threshold))")
        }
        let failed = report.criteria.filter { !$0.passed }.map(\.name)
        lines.append("")
        lines.append(failed.isEmpty ? "PROMOTABLE: every criterion passes" : "NOT PROMOTABLE: fails \(failed.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
