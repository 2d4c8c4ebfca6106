import Foundation
import StrategyABI
import Synchronization
import Testing
@testable import Host

/// The host API appended after version 1 (docs/plugin-abi.md, "Asking the host"): who the
/// strategy is and its typed parameters, read by the real fixture plugin from inside `create`,
/// and a plugin built against the 1.0 header still loading and trading.
@Suite("Plugin API additions")
struct PluginAPIAdditionsTests {
    static let params = """
        {trace_path: "TRACE", probe_api: 1, p_double: 1.5, p_int: 7, p_whole: 3.0, p_fraction: 3.5, p_bool: true, \
        p_string: "hello", nested: {level: {value: 42}}, "dotted.key": "exact", p_list: [1, 2]}
        """

    @Test func aPluginReadsItsNameItsSymbolsAndTypedParametersWithoutParsingJSON() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let trace = folder.appendingPathComponent("probe.trace").path
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("probe-one", plugin: plugin, symbols: ["ETHUSD", "BTCUSD"],
                                 params: Self.params.replacingOccurrences(of: "TRACE", with: trace)),
        ])
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        let lines = TestSupport.traceLines(trace)
        let ethusd = try #require(host.engine.symbols.lookup("ETHUSD")), btcusd = try #require(host.engine.symbols.lookup("BTCUSD"))
        #expect(lines.first == "name probe-one")
        #expect(lines.dropFirst().first == "symbols 2 \(ethusd):ETHUSD \(btcusd):BTCUSD past_end=0 foreign=-")
        // Each key read four ways; rc 0 = GH_OK, -2 = GH_ERR_NOT_FOUND, -5 = GH_ERR_WRONG_TYPE. On
        // an error the value traced is the default the plugin set before the call (-1, or "-").
        let expected: [(String, [String])] = [
            ("p_double", ["double rc=0 1.5", "int rc=-5 -1", "bool rc=-5 -1", "string rc=-5 -"]),
            ("p_int", ["double rc=0 7", "int rc=0 7", "bool rc=-5 -1", "string rc=-5 -"]),
            ("p_whole", ["double rc=0 3", "int rc=0 3", "bool rc=-5 -1", "string rc=-5 -"]),
            ("p_fraction", ["double rc=0 3.5", "int rc=-5 -1", "bool rc=-5 -1", "string rc=-5 -"]),
            ("p_bool", ["double rc=-5 -1", "int rc=-5 -1", "bool rc=0 1", "string rc=-5 -"]),
            ("p_string", ["double rc=-5 -1", "int rc=-5 -1", "bool rc=-5 -1", "string rc=0 hello"]),
            ("nested.level.value", ["double rc=0 42", "int rc=0 42", "bool rc=-5 -1", "string rc=-5 -"]),
            ("dotted.key", ["double rc=-5 -1", "int rc=-5 -1", "bool rc=-5 -1", "string rc=0 exact"]),
            ("missing", ["double rc=-2 -1", "int rc=-2 -1", "bool rc=-2 -1", "string rc=-2 -"]),
            ("p_list", ["double rc=-5 -1", "int rc=-5 -1", "bool rc=-5 -1", "string rc=-5 -"]),
        ]
        for (key, reads) in expected {
            for read in reads {
                let getter = read.prefix { $0 != " " }
                let line = "param \(getter) \(key) \(read.dropFirst(getter.count + 1))"
                #expect(lines.contains(line), "expected \(line)")
            }
        }
        #expect(lines.contains("param null_key rc=-1 null_out rc=-1"))
        // Every wrong-type read is counted (and logged, sampled), naming nothing but the key.
        let wrongType = expected.flatMap(\.1).filter { $0.contains("rc=-5") }.count
        #expect(host.instances[0].wrongTypeReads == UInt64(wrongType))

        // On the loop thread the getters answer; from any other they refuse and write nothing.
        // (The thread only calls through the table; the host's state is not touched from it.)
        nonisolated(unsafe) let api = host.instances[0].hostAPI.pointee
        var value = -1.0
        #expect(api.get_param_double(api.host, "p_double", &value) == GH_OK && value == 1.5)
        let fromOtherThread = Mutex<(Int32, Double, Bool)>((0, 0, false))
        let thread = Thread {
            var other = -1.0
            let rc = api.get_param_double(api.host, "p_double", &other)
            let named = api.strategy_name(api.host) != nil
            fromOtherThread.withLock { $0 = (rc, other, named) }
        }
        thread.start()
        while fromOtherThread.withLock({ $0.0 }) == 0 { usleep(1_000) }
        let (rc, untouched, named) = fromOtherThread.withLock { $0 }
        #expect(rc == GH_ERR_WRONG_THREAD && untouched == -1 && !named)
    }

    @Test func aStrategyReadsItsOwnFiguresBesideTheirLimits() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let trace = folder.appendingPathComponent("view.trace").path
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"],
                                 params: "{trace_path: \"\(trace)\", quantity: 10, max_intents: 1, lifecycle: 1}"),
        ], extra: "execution: {paper: {slippage_bps: 0, fee_bps: 0}}")
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        // Buys 10 at the first trade (stop 98), filled at 102 on the second; marked at 97.
        for (index, price) in [100.0, 102, 97].enumerated() {
            host.deliver(.trade(symbolID: 1, timestampNs: Int64(1_000 * (index + 1)), price: price, size: 1))
        }
        // The callback watchdog pauses it (a live host's doing; called here as the host would).
        host.engine.reportCallbackOverrun(strategy: 1, callback: "on_market_data", elapsedNs: 300_000_000, inWindow: 3, pause: true)
        host.stop()
        // 10,000 allocated; 10 × (97 − 102) = −50 unrealized; peak 10,000 (at 102), so a drawdown
        // of 50 / 10,000 = 0.5 % against the default 20 %; a daily loss of 0.5 % of the capital
        // against 5 %; gross 10 × 97 = 970; one open position of 10; one trade of 20; no losses.
        #expect(TestSupport.traceLines(trace).contains(
            "view rc=0 mode=1 paused_by=8 equity=9950 realized=0 unrealized=-50 peak=10000 drawdown=0.5/20 daily_loss=0.5/5 "
                + "blocked=0 gross=970 open=1/10 trades=1/20 losses=0 cooldown=1"))
        // A bad header is refused and nothing is written.
        let api = host.instances[0].hostAPI.pointee
        var view = gh_strategy_view()
        view.abi_version = GH_ABI_VERSION
        view.struct_size = 16
        #expect(api.get_strategy_view(api.host, &view) == GH_ERR_INVALID_ARGUMENT && view.equity_usd == 0)
        #expect(api.get_strategy_view(api.host, nil) == GH_ERR_INVALID_ARGUMENT)
        host.destroyAll()
    }

    @Test func aStrategyListsItsOpenOrdersAndLooksOneUpByClientID() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD", "ETHUSD"], params: "{quantity: 2}"),
        ], extra: "execution: {paper: {slippage_bps: 0, fee_bps: 0}}")
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        let btc = try #require(host.engine.symbols.lookup("BTCUSD")), eth = try #require(host.engine.symbols.lookup("ETHUSD"))
        // A buy of 2 on each symbol's first trade: each waits for its symbol's next event.
        host.deliver(.trade(symbolID: btc, timestampNs: 1_000, price: 100, size: 1))
        host.deliver(.trade(symbolID: eth, timestampNs: 2_000, price: 10, size: 1))
        let api = host.instances[0].hostAPI.pointee
        func blank() -> gh_order_info {
            var info = gh_order_info()
            info.abi_version = GH_ABI_VERSION
            info.struct_size = UInt32(MemoryLayout<gh_order_info>.size)
            return info
        }
        var total: UInt32 = 99
        #expect(api.get_open_orders(api.host, nil, 0, &total) == GH_OK && total == 2)
        var orders = [gh_order_info](repeating: blank(), count: 4)
        #expect(api.get_open_orders(api.host, &orders, 1, &total) == GH_OK && total == 2)
        #expect(orders[0].client_id == 1 && orders[1].client_id == 0, "capacity 1: one written")
        orders = [gh_order_info](repeating: blank(), count: 4)
        #expect(api.get_open_orders(api.host, &orders, 4, &total) == GH_OK && total == 2)
        let first = orders[0], second = orders[1]
        #expect(first.client_id == 1 && first.decision_id == 1 && first.symbol_id == btc && first.side == GH_SIDE_BUY)
        #expect(first.order_type == GH_ORDER_MARKET && first.state == GH_ORDER_STATE_WORKING && first.quantity == 2)
        #expect(first.remaining == 2 && first.stop_loss_price == 98 && first.ts_ns == 1_000 && first.reduce_only == 0)
        #expect(second.client_id == 2 && second.symbol_id == eth && second.stop_loss_price == 9.8 && second.ts_ns == 2_000)
        var one = blank()
        #expect(api.get_order(api.host, 2, &one) == GH_OK && one.client_id == 2 && one.symbol_id == eth)
        #expect(api.get_order(api.host, 99, &one) == GH_ERR_NOT_FOUND)
        // The next BTC trade fills the first (and places a third); a cancel ends the second.
        host.deliver(.trade(symbolID: btc, timestampNs: 3_000, price: 101, size: 1))
        #expect(api.get_order(api.host, 1, &one) == GH_ERR_NOT_FOUND)
        #expect(api.cancel_intent(api.host, 2) == GH_OK)
        #expect(api.get_open_orders(api.host, &orders, 4, &total) == GH_OK && total == 1 && orders[0].client_id == 3)
        // Bad input: no total, no array for a capacity, a header too small.
        #expect(api.get_open_orders(api.host, &orders, 4, nil) == GH_ERR_INVALID_ARGUMENT)
        #expect(api.get_open_orders(api.host, nil, 4, &total) == GH_ERR_INVALID_ARGUMENT)
        var small = blank()
        small.struct_size = 16
        #expect(api.get_order(api.host, 3, &small) == GH_ERR_INVALID_ARGUMENT && small.client_id == 0)
        host.destroyAll()
    }

    @Test func aStrategyReadsTheStageTraceOfItsLastDecision() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"], params: "{max_intents: 1}"),
            // b names a symbol it does not trade: refused by validation.
            TestSupport.strategy("b", plugin: plugin, symbols: ["ETHUSD"], params: "{max_intents: 1, symbol_id_offset: 7}"),
        ])
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        host.deliver(.trade(symbolID: try #require(host.engine.symbols.lookup("BTCUSD")), timestampNs: 1_000, price: 100, size: 1))
        let chainTrace = host.engine.risk.trace  // a's decision, 1: the chain's own notes
        host.deliver(.trade(symbolID: try #require(host.engine.symbols.lookup("ETHUSD")), timestampNs: 2_000, price: 10, size: 1))
        func blank() -> gh_stage_note {
            var note = gh_stage_note()
            note.abi_version = GH_ABI_VERSION
            note.struct_size = UInt32(MemoryLayout<gh_stage_note>.size)
            return note
        }
        let a = host.instances[0].hostAPI.pointee, b = host.instances[1].hostAPI.pointee
        var total: UInt32 = 0
        var notes = [gh_stage_note](repeating: blank(), count: 16)
        #expect(a.get_decision_trace(a.host, 1, &notes, 16, &total) == GH_OK)
        #expect(Int(total) == chainTrace.count && total >= 4)
        for (index, note) in chainTrace.enumerated() {
            let c = notes[index]
            #expect(c.stage == UInt32(note.stage.rawValue) && c.reason_code == note.code.rawValue)
            #expect(c.quantity_in == note.quantityIn && c.quantity_out == note.quantityOut && c.factor == note.factor)
            #expect(String(cString: c.reason) == note.code.description)
        }
        #expect(notes[0].quantity_in == 1 && notes[Int(total) - 1].quantity_out == 1)
        // Only the strategy's most recent decision: b's (2) is not a's, and 99 is nobody's.
        #expect(a.get_decision_trace(a.host, 2, &notes, 16, &total) == GH_ERR_NOT_FOUND)
        #expect(a.get_decision_trace(a.host, 99, nil, 0, &total) == GH_ERR_NOT_FOUND)
        // b's intent never reached the chain: one Validation note with the reason.
        notes = [gh_stage_note](repeating: blank(), count: 16)
        #expect(b.get_decision_trace(b.host, 2, &notes, 16, &total) == GH_OK && total == 1)
        #expect(notes[0].stage == GH_STAGE_VALIDATION && notes[0].reason_code == GH_REASON_SYMBOL_NOT_SUBSCRIBED)
        #expect(String(cString: notes[0].reason) == "SYMBOL_NOT_SUBSCRIBED" && notes[0].quantity_out == 0)
        // Capacity 1 of a longer trace writes one note and says how many there are.
        var one = [gh_stage_note](repeating: blank(), count: 2)
        #expect(a.get_decision_trace(a.host, 1, &one, 1, &total) == GH_OK && Int(total) == chainTrace.count && one[1].reason == nil)
        var small = blank()
        small.struct_size = 8
        #expect(a.get_decision_trace(a.host, 1, &small, 1, &total) == GH_ERR_INVALID_ARGUMENT)
        host.destroyAll()
    }

    @Test func aPluginBuiltAgainstThe10HeaderLoadsAndTradesOnThisHost() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_ABI_1_0_HEADER", in: folder)
        let trace = folder.appendingPathComponent("old.trace").path
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("old", plugin: plugin, symbols: ["BTCUSD"], params: Self.params.replacingOccurrences(of: "TRACE", with: trace)),
        ])
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        // The host's table is larger than the one the plugin knows; the plugin reads no further.
        #expect(host.instances[0].hostAPI.pointee.struct_size == UInt32(MemoryLayout<gh_host_api>.size))
        for (index, price) in [100.0, 101, 102].enumerated() {
            host.deliver(.trade(symbolID: 1, timestampNs: Int64(1_000 * (index + 1)), price: price, size: 1))
        }
        let lines = TestSupport.traceLines(trace)
        #expect(!lines.contains { $0.hasPrefix("name") || $0.hasPrefix("param") || $0.hasPrefix("probe") })
        #expect(lines.filter { $0.hasPrefix("md ") }.count == 3)
        #expect(lines.filter { $0.hasPrefix("decision ") && $0.contains(" \(GH_VERDICT_APPROVE) ") }.count == 3)
        host.destroyAll()
        #expect(TestSupport.traceLines(trace).last == "destroy")
    }
}
