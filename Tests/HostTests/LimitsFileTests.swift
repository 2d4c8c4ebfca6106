import Engine
import Foundation
import Risk
import Testing
@testable import Host

/// The file of `gatehouse ctl limits --file` (docs/control.md, "limits"): the host's config
/// edited, or the risk section alone; validated as at start; anything but the risk section
/// changing is refused naming the first key that differs.
@Suite("Limits file")
struct LimitsFileTests {
    static let base = ConfigLoaderTests.valid + """

        risk:
          strategy:
            max_position_pct: 25
            max_trades_per_day: 20
        """

    static func running() throws -> LoadedConfig { try ConfigLoader.parse(base, file: "gatehouse.yaml") }

    static func read(_ text: String) throws -> LimitsChange {
        let running = try running()
        return try LimitsFile.read(text, file: "limits.yaml", running: running, inForce: running.config.risk.limits)
    }

    static func refusal(_ text: String) throws -> ConfigError {
        let running = try running()
        do {
            _ = try LimitsFile.read(text, file: "limits.yaml", running: running, inForce: running.config.risk.limits)
        } catch {
            return error
        }
        Issue.record("expected a refusal")
        return ConfigError(file: "", message: "")
    }

    @Test func theEditedConfigChangesOnlyWhatItChangesAndListsEachKey() throws {
        let change = try Self.read(Self.base.replacingOccurrences(of: "max_position_pct: 25", with: "max_position_pct: 20")
            + "\n  firewall:\n    max_intents_per_second: 5\n    self_trade: cancel_resting\n")
        #expect(change.limits.strategyMaxPositionPct == 20 && change.limits.maxIntentsPerSecond == 5)
        #expect(change.changes.map { "\($0.key) \($0.from) → \($0.to)" } == [
            "strategy.max_position_pct 25 → 20", "firewall.max_intents_per_second none → 5",
            "firewall.self_trade refuse → cancel_resting",
        ])
    }

    @Test func theRiskSectionAloneReplacesTheWholeSectionKeysLeftOutTakingTheirDefaults() throws {
        let change = try Self.read("risk:\n  strategy:\n    max_position_pct: 25\n")
        // max_trades_per_day was 20 in the config; left out, it takes its default (20): no change.
        #expect(change.changes.isEmpty)
        let other = try Self.read("risk:\n  strategy:\n    max_trades_per_day: 40\n")
        #expect(other.changes.map(\.key) == ["strategy.max_trades_per_day"])
        #expect(try Self.read(Self.base).changes.isEmpty, "the running config itself changes nothing")
    }

    @Test func anUnknownKeyIsRefusedNamingIt() throws {
        let error = try Self.refusal(Self.base.replacingOccurrences(of: "max_position_pct: 25", with: "max_positon_pct: 20"))
        #expect(error.keyPath == "risk.strategy.max_positon_pct" && error.message.contains("unknown key"))
        let alone = try Self.refusal("risk:\n  firewal:\n    max_intents_per_second: 5\n")
        #expect(alone.keyPath == "risk.firewal")
    }

    @Test(arguments: [
        ("symbols: [BTCUSD]", "symbols: [BTCUSD, ETHUSD]", "strategies[0].symbols[1]"),
        ("allocated_capital_usd: 1000", "allocated_capital_usd: 2000", "strategies[0].allocated_capital_usd"),
        ("name: sim", "name: other", "feeds[0].name"),
    ])
    func aChangeOfStructureIsRefusedNamingTheKey(original: String, replacement: String, keyPath: String) throws {
        let error = try Self.refusal(Self.base.replacingOccurrences(of: original, with: replacement))
        #expect(error.keyPath == keyPath)
        #expect(error.message.contains("only the risk section changes without a restart"), "\(error)")
    }

    @Test func anInvalidValueAndAnInstrumentOfNoStrategyAreRefusedAsAtStart() throws {
        #expect(try Self.refusal(Self.base.replacingOccurrences(of: "max_position_pct: 25", with: "max_position_pct: 0")).keyPath
            == "risk.strategy.max_position_pct")
        #expect(try Self.refusal("risk:\n  instruments:\n    DOGE: {lot_size: 1}\n").keyPath == "risk.instruments.DOGE")
        #expect(try Self.refusal("risk:\n  firewall:\n    max_intents_per_second: 0\n").keyPath == "risk.firewall.max_intents_per_second")
        #expect(try Self.refusal("risk:\n  firewall:\n    self_trade: sometimes\n").keyPath == "risk.firewall.self_trade")
        #expect(try Self.refusal("risk:\n  account:\n    starting_equity_usd: 5000\n").keyPath == "risk.account.starting_equity_usd")
        #expect(try Self.refusal("strategies: []\n").keyPath == "risk")
        #expect(try Self.refusal("risk: &a\n  strategy: {}\n").message.contains("anchors"))
    }

    @Test func theSnapshotCarriesTheRiskSectionsAndARestartReadsThemBackOrRefusesNamingTheKey() throws {
        let running = try Self.running()
        // The config edited: the change's source holds both risk sections, each alone.
        let change = try Self.read(Self.base.replacingOccurrences(of: "max_trades_per_day: 20", with: "max_trades_per_day: 3"))
        let recovered = try RecoveredLimits(change.source, config: running)
        #expect(recovered.inForce.strategyMaxTradesPerDay == 3 && recovered.replaced == running.config.risk.limits)
        // A saved section this config cannot hold is refused, naming its key; nothing is put in force.
        let damaged = OperatorLimits(configured: change.source.configured, inForce: "risk:\n  strategy:\n    max_trades_per_dy: 3\n")
        do {
            _ = try RecoveredLimits(damaged, config: running)
            Issue.record("a saved risk section with an unknown key was read")
        } catch {
            #expect(error.description.contains("risk.strategy.max_trades_per_dy") && error.description.contains("gatehouse ctl limits"), "\(error.description)")
        }
    }
}
