import Engine
import Foundation
import Risk
import Testing
@testable import Host

@Suite("Config loading")
struct ConfigLoaderTests {
    static let valid = """
        feeds:
          - name: sim
            endpoint: tcp://127.0.0.1:5556
        strategies:
          - name: ema
            plugin: libEMACrossover.so
            symbols: [BTCUSD]
            mode: live
            allocated_capital_usd: 1000
            params: {fast_period: 5, nested: {a: [1, 2.5, "x", true, null]}}
        """

    func parseError(_ text: String) -> ConfigError? {
        do {
            _ = try ConfigLoader.parse(text, file: "test.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func theBundledDefaultConfigLoads() throws {
        let loaded = try ConfigLoader.load(path: TestSupport.repositoryRoot.appendingPathComponent("config/gatehouse.yaml").path)
        #expect(loaded.config.strategies.map(\.name) == ["ema_majors", "breakout_all"])
        #expect(loaded.config.allSymbols == ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"])
    }

    @Test func aValidConfigDecodesWithDefaultsAndParamsAsSortedJSON() throws {
        let loaded = try ConfigLoader.parse(Self.valid, file: "test.yaml")
        let strategy = try #require(loaded.config.strategies.first)
        #expect(strategy.mode == .live)
        #expect(strategy.params.jsonText == #"{"fast_period":5,"nested":{"a":[1,2.5,"x",true,null]}}"#)
        #expect(loaded.config.feeds[0].topics == ["md."])
        #expect(loaded.config.feeds[0].maxFrameBytes == 65_536)
        #expect(loaded.config.host.logLevel == "info")
    }

    @Test func aMissingFileIsAnErrorNamingTheFile() {
        do {
            _ = try ConfigLoader.load(path: "/nonexistent/gatehouse.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/nonexistent/gatehouse.yaml")
            #expect(error.description.contains("no such file"))
        }
    }

    @Test func malformedYAMLIsAnErrorNamingTheFileAndLine() throws {
        let error = try #require(parseError("feeds:\n  - name: [unclosed\n"))
        #expect(error.file == "test.yaml")
        #expect(error.message.contains("malformed YAML"))
        #expect(error.message.contains("line") || error.message.contains(":"))
    }

    @Test func aWrongTypeNamesTheKeyPath() throws {
        let text = Self.valid.replacingOccurrences(of: "allocated_capital_usd: 1000", with: "allocated_capital_usd: lots")
        let error = try #require(parseError(text))
        #expect(error.keyPath == "strategies[0].allocated_capital_usd")
        #expect(error.message.contains("number"))
    }

    @Test func anUnknownKeyIsAnErrorNamingItsPath() throws {
        let text = Self.valid.replacingOccurrences(of: "mode: live", with: "mode: live\n    max_position_pct: 25")
        let error = try #require(parseError(text))
        #expect(error.keyPath == "strategies[0].max_position_pct")
        #expect(error.message.contains("unknown key"))
    }

    @Test func anUnknownTopLevelKeyIsAnError() throws {
        let error = try #require(parseError(Self.valid + "\nrisk_limits: {}\n"))
        #expect(error.keyPath == "risk_limits")
    }

    @Test func anUnknownKeyInTheRiskSectionNamesItsPath() throws {
        let error = try #require(parseError(Self.valid + "\nrisk:\n  account:\n    max_gross_pct: 50\n"))
        #expect(error.keyPath == "risk.account.max_gross_pct")
        #expect(error.message.contains("max_gross_pct_of_equity"))
    }

    @Test func riskKeysOverrideTheSeedDefaults() throws {
        let risk = """

            risk:
              account:
                starting_equity_usd: 250000
                max_gross_pct_of_equity: 40
                max_gross_usd: 90000
              strategy:
                max_trades_per_day: 7
              clusters:
                - name: majors
                  symbols: [BTCUSD, BTCUSD2]
                  max_pct_of_equity: 30
              correlation:
                reject_above: 0.9
              cooldown:
                floor_factor: 0.2
              decay:
                min_trades: 12
            """
        let text = Self.valid.replacingOccurrences(of: "symbols: [BTCUSD]", with: "symbols: [BTCUSD, BTCUSD2]") + risk
        let loaded = try ConfigLoader.parse(text, file: "test.yaml")
        let limits = loaded.config.risk.limits
        #expect(loaded.config.startingEquityUSD == 250_000)
        #expect(limits.maxGrossPctOfEquity == 40 && limits.maxGrossUSD == 90_000)
        #expect(limits.strategyMaxTradesPerDay == 7)
        #expect(limits.clusters == [.init(name: "majors", symbols: ["BTCUSD", "BTCUSD2"], maxPctOfEquity: 30)])
        #expect(limits.correlationRejectAbove == 0.9)
        #expect(limits.cooldownFloorFactor == 0.2)
        #expect(limits.decayMinTrades == 12)
        // Untouched keys keep the seed values.
        #expect(limits.maxSymbolPctOfEquity == 25 && limits.drawdownHaltPct == 15 && limits.decayMinSharpe == 0.5)
    }

    @Test func withoutARiskSectionTheSeedDefaultsApplyAndEquityIsTheLiveCapital() throws {
        let loaded = try ConfigLoader.parse(Self.valid, file: "test.yaml")
        #expect(loaded.config.risk.limits == Risk.RiskLimits())
        #expect(loaded.config.startingEquityUSD == 1000)
    }

    @Test(arguments: [
        ("risk:\n  account:\n    max_gross_pct_of_equity: -5\n", "risk.account.max_gross_pct_of_equity"),
        ("risk:\n  cooldown:\n    floor_factor: 1.5\n", "risk.cooldown.floor_factor"),
        ("risk:\n  correlation:\n    window_samples: 20\n", "risk.correlation.window_samples"),
        ("risk:\n  account:\n    drawdown_buffer_pct: 20\n", "risk.account.drawdown_buffer_pct"),
        ("risk:\n  account:\n    starting_equity_usd: 0\n", "risk.account.starting_equity_usd"),
        ("risk:\n  strategy:\n    max_open_positions: 0\n", "risk.strategy.max_open_positions"),
        ("risk:\n  strategy:\n    max_open_positions: ten\n", "risk.strategy.max_open_positions"),
        ("risk:\n  decay:\n    min_sharpe: [1]\n", "risk.decay.min_sharpe"),
        ("risk:\n  alerts:\n    hysteresis_pct: 25\n", "risk.alerts.hysteresis_pct"),
        ("risk:\n  alerts:\n    hysteresis_pct: -1\n", "risk.alerts.hysteresis_pct"),
        ("risk:\n  alerts:\n    hysteresis: 5\n", "risk.alerts.hysteresis"),
        ("risk:\n  clusters:\n    - {name: c, symbols: [BTCUSD, DOGE], max_pct_of_equity: 30}\n", "risk.clusters[0].symbols[1]"),
        ("risk:\n  instruments:\n    BTCUSD: {tick_size: 0}\n", "risk.instruments.BTCUSD.tick_size"),
        ("risk:\n  instruments:\n    BTCUSD: {lot_size: 2, max_quantity: 1}\n", "risk.instruments.BTCUSD.lot_size"),
        ("risk:\n  instruments:\n    BTCUSD: {lot: 1}\n", "risk.instruments.BTCUSD.lot"),
        ("risk:\n  instruments:\n    DOGE: {lot_size: 1}\n", "risk.instruments.DOGE"),
        ("risk:\n  firewall:\n    price_band_pct: -1\n", "risk.firewall.price_band_pct"),
        ("risk:\n  firewall:\n    max_order_pct_of_capital: 0\n", "risk.firewall.max_order_pct_of_capital"),
        ("risk:\n  firewall:\n    restricted_symbols: [BTCUSD, DOGE]\n", "risk.firewall.restricted_symbols[1]"),
        ("risk:\n  firewall:\n    restricted: [BTCUSD]\n", "risk.firewall.restricted"),
        ("risk:\n  firewall:\n    self_trade: cancel\n", "risk.firewall.self_trade"),
        ("risk:\n  firewall:\n    self_trade: true\n", "risk.firewall.self_trade"),
        ("risk:\n  firewall:\n    fair_share: sometimes\n", "risk.firewall.fair_share"),
        ("risk:\n  firewall:\n    loop_share_pct: 0\n", "risk.firewall.loop_share_pct"),
        ("risk:\n  firewall:\n    loop_share_window_seconds: 0.001\n", "risk.firewall.loop_share_window_seconds"),
        ("risk:\n  firewall:\n    callback_budget_ms: 0.5\n", "risk.firewall.callback_budget_ms"),
        ("risk:\n  firewall:\n    callback_overruns_to_pause: -1\n", "risk.firewall.callback_overruns_to_pause"),
        ("risk:\n  firewall:\n    callback_overrun_window_seconds: 0\n", "risk.firewall.callback_overrun_window_seconds"),
    ])
    func invalidRiskValuesAreRefusedNamingTheKey(fragment: String, keyPath: String) throws {
        let error = try #require(parseError(Self.valid + "\n" + fragment))
        #expect(error.keyPath == keyPath)
    }

    @Test func aGatewaySectionIsRead() throws {
        let fragment = "execution:\n  live_adapter: gateway\n  gateway: {endpoint: \"ipc:///tmp/gw.sock\", ack_timeout_ms: 250, heartbeat_interval_ms: 50}\n"
        let execution = try ConfigLoader.parse(Self.valid + "\n" + fragment, file: "test.yaml").config.execution
        #expect(execution.liveAdapter == .gateway)
        #expect(execution.gatewayEndpoint == "ipc:///tmp/gw.sock")
        #expect(execution.gatewayAckTimeoutMs == 250 && execution.gatewayHeartbeatIntervalMs == 50)
    }

    @Test(arguments: [
        ("execution:\n  live_adapter: gateway\n", "execution.gateway.endpoint", "is required"),
        ("execution:\n  live_adapter: gateway\n  gateway: {endpoint: \"localhost:5560\"}\n", "execution.gateway.endpoint", "not a ZeroMQ endpoint"),
        ("execution:\n  gateway: {ack_timeout_ms: 0}\n", "execution.gateway.ack_timeout_ms", "between 1 and 600000"),
        ("execution:\n  gateway: {heartbeat_interval_ms: 5}\n", "execution.gateway.heartbeat_interval_ms", "between 10 and 600000"),
        ("execution:\n  gateway: {ack_timeout: 5}\n", "execution.gateway.ack_timeout", "unknown key"),
        ("execution:\n  gateway: {max_send_delay_ms: 0}\n", "execution.gateway.max_send_delay_ms", "between 1 and 600000"),
        ("execution:\n  gateway: {fill_band_pct: 0}\n", "execution.gateway.fill_band_pct", "at most 1000 percent"),
    ])
    func invalidGatewaySettingsAreRefusedNamingTheKey(fragment: String, keyPath: String, message: String) throws {
        let error = try #require(parseError(Self.valid + "\n" + fragment))
        #expect(error.keyPath == keyPath)
        #expect(error.message.contains(message), "\(error.message)")
    }

    /// An empty key is written `""` in the path, so the error still says where it is. (Found by
    /// the what-if fuzz target, whose paths are rendered the same way: `"": 1` was refused at no
    /// path at all.)
    @Test(arguments: [("\"\": 1\n", "\"\""), ("execution:\n  paper: {\"\": 1}\n", "execution.paper.\"\"")])
    func anEmptyUnknownKeyIsNamedInThePath(fragment: String, keyPath: String) throws {
        let error = try #require(parseError(Self.valid + "\n" + fragment))
        #expect(error.keyPath == keyPath)
        #expect(error.message.contains("unknown key"), "\(error.message)")
    }

    @Test func aMissingRequiredKeyNamesIt() throws {
        let text = Self.valid.replacingOccurrences(of: "    allocated_capital_usd: 1000\n", with: "")
        let error = try #require(parseError(text))
        #expect(error.keyPath == "strategies[0].allocated_capital_usd")
        #expect(error.message.contains("missing"))
    }

    @Test func anInvalidModeNamesTheKey() throws {
        let text = Self.valid.replacingOccurrences(of: "mode: live", with: "mode: yolo")
        let error = try #require(parseError(text))
        #expect(error.keyPath == "strategies[0].mode")
    }

    @Test(arguments: [
        ("allocated_capital_usd: 1000", "allocated_capital_usd: -5", "strategies[0].allocated_capital_usd"),
        ("symbols: [BTCUSD]", "symbols: []", "strategies[0].symbols"),
        ("symbols: [BTCUSD]", "symbols: [BTC.USD]", "strategies[0].symbols[0]"),
        ("symbols: [BTCUSD]", "symbols: [BTCUSD, BTCUSD]", "strategies[0].symbols"),
        ("mode: live", "mode: live\n    sha256: abc", "strategies[0].sha256"),
        ("endpoint: tcp://127.0.0.1:5556", "endpoint: localhost:5556", "feeds[0].endpoint"),
        ("endpoint: tcp://127.0.0.1:5556", "endpoint: tcp://127.0.0.1:5556\n    max_frame_bytes: 63", "feeds[0].max_frame_bytes"),
        ("endpoint: tcp://127.0.0.1:5556", "endpoint: tcp://127.0.0.1:5556\n    max_frame_bytes: 16777217", "feeds[0].max_frame_bytes"),
        ("name: ema", "name: \"bad name!\"", "strategies[0].name"),
    ])
    func invalidValuesAreRefusedWithTheirKeyPath(original: String, replacement: String, keyPath: String) throws {
        let error = try #require(parseError(Self.valid.replacingOccurrences(of: original, with: replacement)))
        #expect(error.keyPath == keyPath)
    }

    @Test func firewallAndInstrumentRulesAreRead() throws {
        let loaded = try ConfigLoader.parse(Self.valid + """

            risk:
              firewall: {max_order_pct_of_capital: 500, price_band_pct: 5, restricted_symbols: [BTCUSD], stale_portfolio_after_seconds: 60}
              instruments:
                BTCUSD: {tick_size: 0.01, lot_size: 0.00001, min_quantity: 0.0001, max_quantity: 50, max_notional_usd: 500000}

            """, file: "test.yaml")
        let limits = loaded.config.risk.limits
        #expect(limits.maxOrderPctOfCapital == 500 && limits.priceBandPct == 5 && limits.restrictedSymbols == ["BTCUSD"])
        #expect(limits.stalePortfolioAfterSeconds == 60)
        #expect(limits.selfTradePolicy == .refuse, "refuse by default")
        // Strategy isolation's defaults: fair shares on, 100 / strategies of 1 s windows, 100 ms budget, 3 overruns a minute.
        #expect(limits.fairShare && limits.loopSharePct == nil && limits.loopShareWindowSeconds == 1)
        #expect(limits.callbackBudgetMs == 100 && limits.callbackOverrunsToPause == 3 && limits.callbackOverrunWindowSeconds == 60)
        let isolation = try ConfigLoader.parse(Self.valid + """

            risk:
              firewall: {fair_share: false, loop_share_pct: 40, loop_share_window_seconds: 0.5, callback_budget_ms: 20,
                         callback_overruns_to_pause: 0, callback_overrun_window_seconds: 10}
            """, file: "test.yaml").config.risk.limits
        #expect(!isolation.fairShare && isolation.loopSharePct == 40 && isolation.loopShareWindowSeconds == 0.5)
        #expect(isolation.callbackBudgetMs == 20 && isolation.callbackOverrunsToPause == 0 && isolation.callbackOverrunWindowSeconds == 10)
        let cancelling = try ConfigLoader.parse(Self.valid + "\nrisk:\n  firewall:\n    self_trade: cancel_resting\n", file: "test.yaml")
        #expect(cancelling.config.risk.limits.selfTradePolicy == .cancelResting)
        #expect(limits.instruments == ["BTCUSD": InstrumentRules(tickSize: 0.01, lotSize: 0.00001, minQuantity: 0.0001,
                                                                 maxQuantity: 50, maxNotionalUSD: 500_000)])
    }

    @Test func theAlertHysteresisIsReadAndDefaultsToFivePoints() throws {
        let configured = try ConfigLoader.parse(Self.valid + "\nrisk:\n  alerts:\n    hysteresis_pct: 10\n", file: "test.yaml")
        #expect(configured.config.risk.limits.alertHysteresisPct == 10)
        #expect(try ConfigLoader.parse(Self.valid, file: "test.yaml").config.risk.limits.alertHysteresisPct == 5)
    }

    @Test func duplicateStrategyNamesAreRefused() throws {
        let second = """

              - name: ema
                plugin: libEMACrossover.so
                symbols: [ETHUSD]
                allocated_capital_usd: 1000
            """
        let error = try #require(parseError(Self.valid + second))
        #expect(error.keyPath == "strategies[1].name")
        #expect(error.message.contains("duplicate"))
    }
}
