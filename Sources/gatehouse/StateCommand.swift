import ArgumentParser
import Foundation
import Host
import OfflineTools

/// `gatehouse state (--journal <file> | --config <file>) [--json]`: the state a host restarted on
/// the journal would resume from.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show the state a host restarted on a journal would resume from.",
        discussion: """
            Reads the journal's last state snapshot (written at each run's start, on the \
            journal's snapshot cadence, after operator actions and gateway traffic, and at a \
            clean stop; a restart also re-applies the records after it) and prints the account (equity, peak, day start, drawdown, trading state, \
            kill switch, halt latch), each strategy (realized and unrealized PnL, open positions, \
            trades today, losing streak, decay pause), every open position with its pending \
            quantity, and the resting paper orders. Reading is safe while a host is running on the \
            journal. Exit 0, or 2 on error (no snapshot, unreadable journal).
            """)

    @Option(name: .long, help: "The journal to read.")
    var journal: String?

    @Option(name: .long, help: "A config whose journal.path to read (when --journal is not given).")
    var config: String?

    @Flag(name: .long, help: "Print the state as JSON.")
    var json = false

    func run() throws {
        let path: String
        if let journal {
            path = absolutePath(journal)
        } else if let config {
            let loaded = try loadConfigOrExit(config)
            guard let configured = loaded.config.journal?.path else { fail("\(config) has no journal section; name the journal with --journal") }
            path = loaded.resolvePath(configured)
        } else {
            fail("name the journal with --journal <file> or a config with --config <file>")
        }
        let report: JournalStateReport
        do {
            report = try JournalStateReport.make(journal: path)
        } catch {
            fail("\(error)")
        }
        print(json ? try encodeJSON(report) : Self.table(report))
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse state: \(message)\n".utf8))
        Foundation.exit(2)
    }

    static func table(_ r: JournalStateReport) -> String {
        func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
        let a = r.account
        var lines = [
            "State in \(r.journal): snapshot seq \(r.snapshotSeq) (\(r.snapshotReason)) of \(r.journalLastSeq), event time \(r.eventTimeNs) ns",
            "",
            "account     equity \(f(a.equityUSD)) USD, peak \(f(a.peakEquityUSD)), day start \(f(a.dayStartEquityUSD)), live gross \(f(a.liveGrossUSD))",
            "            drawdown \(f(a.drawdownPct)) %, daily loss \(f(a.dailyLossPct)) %, \(a.tradingState)"
                + (a.haltLatch.map { " (latched: \($0))" } ?? "") + (a.killSwitch ? ", KILL SWITCH ON" : ""),
            "",
        ]
        for s in r.strategies {
            lines.append("\(s.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(s.mode.padding(toLength: 7, withPad: " ", startingAt: 0))"
                + "realized \(f(s.realizedUSD)) unrealized \(f(s.unrealizedUSD)) positions \(s.openPositions) trades today \(s.tradesToday)"
                + " losing streak \(s.consecutiveLosses)" + (s.decayPaused ? " PAUSED (decay)" : ""))
        }
        lines.append("")
        lines.append(r.positions.isEmpty ? "no open positions" : "positions (strategy symbol quantity @ average, mark, pending buy/sell):")
        for p in r.positions {
            lines.append("  \(p.strategy) \(p.symbol) \(p.quantity) @ \(f(p.averagePrice, 4)), mark \(f(p.mark, 4)), pending \(p.pendingBuy)/\(p.pendingSell)")
        }
        lines.append(r.restingOrders.isEmpty ? "no resting paper orders" : "resting paper orders:")
        for o in r.restingOrders {
            lines.append("  #\(o.orderID) \(o.strategy) \(o.side) \(o.quantity) \(o.symbol) \(o.orderType)" + (o.orderType == "limit" ? " @ \(o.limitPrice)" : ""))
        }
        lines.append("next decision id \(r.nextDecisionID)")
        return lines.joined(separator: "\n")
    }
}
