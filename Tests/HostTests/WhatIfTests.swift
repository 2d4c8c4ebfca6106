import Engine
import Foundation
import Risk
import Testing
@testable import Host
@testable import OfflineTools

/// `gatehouse decide`'s input model and run: restoring a scenario and deciding intents in order.
@Suite("What-if decisions")
struct WhatIfTests {
    static let examples = TestSupport.repositoryRoot.appendingPathComponent("tools/examples")

    static func config() throws -> LoadedConfig {
        try ConfigLoader.load(path: examples.appendingPathComponent("whatif.yaml").path)
    }

    static func exampleInput() throws -> Data {
        try Data(contentsOf: examples.appendingPathComponent("seed004-reshape.json"))
    }

    // The pieces of the example scenario (tools/examples/seed004-reshape.json), as JSON text, so a
    // test can replace one of them.
    static let now = "1772460000000000000"
    static let account = #"{"equity_usd": 100000, "peak_equity_usd": 100000, "day_start_equity_usd": 100000}"#
    static let marks = """
        [{"symbol": "BTCUSD", "price": 60000, "ts_ns": 1772459995000000000},
         {"symbol": "ETHUSD", "price": 2000, "ts_ns": 1772459998000000000},
         {"symbol": "SOLUSD", "price": 150, "ts_ns": 1772459990000000000},
         {"symbol": "XAUUSD", "price": 2300, "ts_ns": 1772459980000000000}]
        """
    static let positions = """
        [{"strategy": "ema_majors", "symbol": "BTCUSD", "quantity": 0.25, "average_price": 59000},
         {"strategy": "breakout_all", "symbol": "XAUUSD", "quantity": 10, "average_price": 2280}]
        """
    /// ema_majors buys 7 ETH (14,000 USD) with a stop at 1,900.
    static let ethBuy = #"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 7, "stop_loss_price": 1900}"#

    /// An input: the example's scenario with `intents`, and any top-level member replaced or added
    /// by `fields` (name → JSON text; nil removes it).
    static func input(intents: [String] = [ethBuy], _ fields: [String: String?] = [:]) -> String {
        var members: [String: String] = ["now_ns": now, "account": account, "marks": marks, "positions": positions]
        for (name, value) in fields { members[name] = value }
        members["intents"] = "[" + intents.joined(separator: ",\n") + "]"
        return "{" + members.keys.sorted().map { "\"\($0)\": \(members[$0]!)" }.joined(separator: ",\n") + "}"
    }

    static func run(_ json: String) throws -> [WhatIf.Output] {
        try WhatIf.run(config: config(), input: Data(json.utf8), inputName: "scenario.json")
    }

    static func inputError(_ json: String) throws -> WhatIfError? {
        let config = try config()
        do {
            _ = try WhatIf.run(config: config, input: Data(json.utf8), inputName: "scenario.json")
            return nil
        } catch {
            return error
        }
    }

    // MARK: The input model

    @Test func theExampleInputDecodesWithItsDefaults() throws {
        let input = try WhatIf.decodeInput(Self.exampleInput(), inputName: "seed004-reshape.json")
        #expect(input.nowNs == 1_772_460_000_000_000_000)
        #expect(input.account?.equityUSD == 100_000)
        #expect(input.account?.tradingState == "ACTIVE")
        #expect(input.marks.map(\.symbol) == ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"])
        #expect(input.marks[1].tsNs == 1_772_459_998_000_000_000)
        #expect(input.positions.map(\.quantity) == [0.25, 10])
        #expect(input.strategies.first?.tradesToday == 1)
        #expect(input.returns.isEmpty)
        #expect(input.clusters == nil)
        #expect(input.intents.count == 2)
        // The second intent leaves out type, limit price and reduce-only.
        let second = input.intents[1]
        #expect(second.type == "market")
        #expect(second.limitPrice == 0)
        #expect(second.reduceOnly == false)
        #expect(second.clientID == 1)
    }

    // MARK: Seed 004

    @Test func seed004ReshapesTheFourteenThousandAskToTheTwelveThousandLeftUnderTheAggregateCap() throws {
        let outputs = try WhatIf.run(config: Self.config(), input: Self.exampleInput(), inputName: "seed004-reshape.json")
        try #require(outputs.count == 2)
        let reshape = outputs[0]
        #expect(reshape.index == 0)
        #expect(reshape.decisionID == 1)
        #expect(reshape.strategy == "ema_majors")
        #expect(reshape.symbol == "ETHUSD")
        #expect(reshape.side == "buy")
        #expect(reshape.clientID == 1)
        #expect(reshape.verdict == "RESHAPE")
        #expect(reshape.requestedQuantity == 7)
        #expect(reshape.finalQuantity == 6)
        #expect(reshape.valuationPrice == 2_000)
        #expect(reshape.finalNotionalUSD == 12_000)
        #expect(reshape.reason == "AGGREGATE_NOTIONAL_RESHAPE")
        #expect(reshape.reasonDetail
            == "AGGREGATE_NOTIONAL_RESHAPE: cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000")
        #expect(reshape.reasons == [
            .init(code: "AGGREGATE_NOTIONAL_RESHAPE", severity: "RESHAPE", stage: "PortfolioGuard",
                  detail: "cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000"),
            .init(code: "CORRELATION_INSUFFICIENT_DATA", severity: "WARN", stage: "CorrelationSizer",
                  detail: "samples=0 min_samples=30"),
        ])
        #expect(reshape.trace.map(\.stage) == ["PortfolioGuard", "CorrelationSizer", "Cooldown", "DecayDetector"])
        #expect(reshape.trace.map(\.quantityIn) == [7, 6, 6, 6])
        #expect(reshape.trace.map(\.quantityOut) == [6, 6, 6, 6])
        #expect(reshape.trace.map(\.code) == ["AGGREGATE_NOTIONAL_RESHAPE", "CORRELATION_INSUFFICIENT_DATA", "NONE", "NONE"])
        // The account equity is exactly as given, although the positions carry 450 USD of unrealized PnL.
        #expect(reshape.accountAfter == .init(equityUSD: 100_000, liveGrossUSD: 50_000, tradingState: "ACTIVE"))

        // The second intent sees the 12,000 the first one took: nothing is left.
        let reject = outputs[1]
        #expect(reject.verdict == "REJECT")
        #expect(reject.finalQuantity == 0)
        #expect(reject.reason == "AGGREGATE_NOTIONAL_EXHAUSTED")
        #expect(reject.reasonDetail
            == "AGGREGATE_NOTIONAL_EXHAUSTED: cap_usd=50000 used_usd=50000 requested_usd=3000 remaining_usd=0")
        #expect(reject.reasons.map(\.severity) == ["HARD_REJECT"])
    }

    // MARK: Order

    @Test func eachIntentSeesTheBookAsTheEarlierApprovalsLeftIt() throws {
        // 12,000 of the aggregate budget is left. A asks 10,000 (5 ETH), B 4,000 (2 ETH).
        let a = #"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 5, "stop_loss_price": 1900}"#
        let b = #"{"strategy": "breakout_all", "symbol": "ETHUSD", "side": "buy", "quantity": 2, "stop_loss_price": 1900}"#

        let aThenB = try Self.run(Self.input(intents: [a, b]))
        #expect(aThenB.map(\.verdict) == ["APPROVE", "RESHAPE"])
        #expect(aThenB.map(\.finalQuantity) == [5, 1])
        #expect(aThenB[1].reasonDetail == "AGGREGATE_NOTIONAL_RESHAPE: cap_usd=50000 used_usd=48000 requested_usd=4000 remaining_usd=2000")
        #expect(aThenB.map(\.accountAfter.liveGrossUSD) == [48_000, 50_000])

        let bThenA = try Self.run(Self.input(intents: [b, a]))
        #expect(bThenA.map(\.verdict) == ["APPROVE", "RESHAPE"])
        #expect(bThenA.map(\.finalQuantity) == [2, 4])

        let bAlone = try Self.run(Self.input(intents: [b]))
        #expect(bAlone.map(\.verdict) == ["APPROVE"])
        // Client ids default to index + 1, and decision ids run 1…n.
        #expect(aThenB.map(\.clientID) == [1, 2])
        #expect(aThenB.map(\.decisionID) == [1, 2])
    }

    // MARK: Restoring the scenario

    @Test func nowDefaultsToTheLatestMarkAndALaterNowMakesMarksStale() throws {
        let atLatestMark = try Self.run(Self.input(["now_ns": nil]))
        #expect(atLatestMark[0].reason == "AGGREGATE_NOTIONAL_RESHAPE")
        // 40 s after the ETH mark, beyond stale_after_seconds (30).
        let later = try Self.run(Self.input(["now_ns": "1772460038000000000"]))
        #expect(later[0].verdict == "REJECT")
        #expect(later[0].reasonDetail == "STALE_MARKET_DATA: age_s=40 stale_after_s=30")
    }

    @Test func theControlsAreRestored() throws {
        let reduceBTC = #"{"strategy": "ema_majors", "symbol": "BTCUSD", "side": "sell", "quantity": 0.1}"#
        let reducing = try Self.run(Self.input(
            intents: [Self.ethBuy, reduceBTC], ["account": #"{"equity_usd": 100000, "trading_state": "REDUCING"}"#]))
        #expect(reducing.map(\.reason) == ["ACCOUNT_REDUCING", "NONE"])
        #expect(reducing.map(\.verdict) == ["REJECT", "APPROVE"])
        #expect(reducing[1].accountAfter.tradingState == "REDUCING")

        let killed = try Self.run(Self.input(intents: [reduceBTC], ["account": #"{"kill_switch": true}"#]))
        #expect(killed[0].reason == "KILL_SWITCH_ACTIVE")

        let latched = try Self.run(Self.input(["account": #"{"halt_latched": true}"#]))
        #expect(latched[0].reason == "ACCOUNT_HALTED")
        #expect(latched[0].accountAfter.tradingState == "HALTED")
    }

    @Test func theAccountPeakAndDayStartAreRestored() throws {
        // 100,000 against a peak of 114,000: a drawdown of 12.3 %, inside the buffer below the 15 % halt.
        let buffer = try Self.run(Self.input(["account": #"{"equity_usd": 100000, "peak_equity_usd": 114000}"#]))
        #expect(buffer[0].reason == "DRAWDOWN_BUFFER")
        // 100,000 against 104,000 at the start of the day: a 3.8 % daily loss, beyond 3 %.
        let daily = try Self.run(Self.input(["account": #"{"equity_usd": 100000, "day_start_equity_usd": 104000}"#]))
        #expect(daily[0].reason == "ACCOUNT_DAILY_LOSS")
    }

    @Test func strategyFiguresAndClosedTradesAreRestored() throws {
        let losingTrades = (0..<10).map { i in
            #"{"closed_at_ns": \#(1_772_400_000_000_000_000 + Int64(i) * 60_000_000_000), "pnl_pct": \#(i % 2 == 0 ? -1.0 : -2.0)}"#
        }
        let strategies = """
            [{"name": "ema_majors", "consecutive_losses": 4},
             {"name": "breakout_all", "closed_trades": [\(losingTrades.joined(separator: ","))]}]
            """
        let ethByBreakout = #"{"strategy": "breakout_all", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "stop_loss_price": 1900}"#
        let ethSmall = #"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 2, "stop_loss_price": 1900}"#
        let outputs = try Self.run(Self.input(intents: [ethSmall, ethByBreakout], ["strategies": strategies]))
        // Four losses in a row: 0.5 at the third, 0.25 at the fourth.
        #expect(outputs[0].reason == "COOLDOWN_SCALED")
        #expect(outputs[0].finalQuantity == 0.5)
        #expect(outputs[0].trace.first { $0.stage == "Cooldown" }?.factor == 0.25)
        // Ten losing trades: the decay detector paused breakout_all.
        #expect(outputs[1].reason == "DECAY_PAUSED")

        // `paused` forces it either way.
        let resumed = """
            [{"name": "breakout_all", "closed_trades": [\(losingTrades.joined(separator: ","))], "paused": false}]
            """
        let forced = try Self.run(Self.input(intents: [ethByBreakout], ["strategies": resumed]))
        #expect(forced[0].verdict == "APPROVE")

        let limited = try Self.run(Self.input(["strategies": #"[{"name": "ema_majors", "trades_today": 20}]"#]))
        #expect(limited[0].reasonDetail == "MAX_TRADES_PER_DAY: trades=20 limit=20")
    }

    @Test func aReturnHistoryFeedsTheCorrelationSizer() throws {
        // 40 identical steps for BTCUSD and ETHUSD: correlation 1 with the BTC long, so an ETH buy
        // is scaled to min_factor (0.25). XAUUSD has no returns and does not count.
        let steps = (0..<40).map { [0.001, -0.002, 0.0015, -0.0005][$0 % 4] }
        let history = steps.map { "\($0)" }.joined(separator: ",")
        let returns = #"{"BTCUSD": [\#(history)], "ETHUSD": [\#(history)]}"#
        let eth = #"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "stop_loss_price": 1900}"#
        let outputs = try Self.run(Self.input(intents: [eth], ["returns": returns]))
        #expect(outputs[0].verdict == "RESHAPE")
        #expect(outputs[0].reason == "CORRELATION_SCALED")
        #expect(outputs[0].reasonDetail == "CORRELATION_SCALED: correlation=1 factor=0.25")
        #expect(outputs[0].finalQuantity == 0.25)

        // Null marks a step without a return.
        let sparse = #"{"BTCUSD": [\#(history)], "ETHUSD": [\#(steps.enumerated().map { $0.offset < 20 ? "null" : "\($0.element)" }.joined(separator: ","))]}"#
        let tooFew = try Self.run(Self.input(intents: [eth], ["returns": sparse]))
        #expect(tooFew[0].verdict == "APPROVE")
        #expect(tooFew[0].reasonDetail == "NONE")
        #expect(tooFew[0].reasons == [.init(code: "CORRELATION_INSUFFICIENT_DATA", severity: "WARN", stage: "CorrelationSizer",
                                            detail: "samples=20 min_samples=30")])
    }

    @Test func clustersInTheInputReplaceTheConfigs() throws {
        let clusters = #"[{"name": "btc_eth", "symbols": ["BTCUSD", "ETHUSD"], "max_pct_of_equity": 20}]"#
        let outputs = try Self.run(Self.input(["clusters": clusters]))
        #expect(outputs[0].reasonDetail == "CLUSTER_NOTIONAL_RESHAPE: cap_usd=20000 used_usd=15000 requested_usd=14000 remaining_usd=5000")
        #expect(outputs[0].finalQuantity == 2.5)
    }

    // MARK: Errors

    static let errorCases: [(fields: [String: String?], intents: [String]?, path: String, message: String)] = [
        ([:], [ethBuy, ethBuy.replacingOccurrences(of: "quantity\": 7", with: "quantity\": 1, \"client_id\": 5"),
               #"{"strategy": "ema_majors", "symbol": "DOGE", "side": "buy", "quantity": 1, "client_id": 6}"#],
         "intents[2].symbol", "'DOGE' is not a symbol of the config (expected one of: BTCUSD, ETHUSD, SOLUSD, XAUUSD)"),
        ([:], [#"{"strategy": "nobody", "symbol": "ETHUSD", "side": "buy", "quantity": 1}"#],
         "intents[0].strategy", "'nobody' is not a strategy of the config (expected one of: ema_majors, breakout_all)"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "XAUUSD", "side": "buy", "quantity": 1}"#],
         "intents[0].symbol", "'XAUUSD' is not a symbol of strategy 'ema_majors' (its symbols: BTCUSD, ETHUSD, SOLUSD)"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 0}"#],
         "intents[0].quantity", "must be a positive quantity"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": -2}"#],
         "intents[0].quantity", "must be a positive quantity"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "hold", "quantity": 1}"#],
         "intents[0].side", "'hold' is not a side (expected buy or sell)"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "type": "stop"}"#],
         "intents[0].type", "'stop' is not an order type (expected market or limit)"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "type": "limit"}"#],
         "intents[0].limit_price", "must be a positive price for a limit intent"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "limit_price": 2000}"#],
         "intents[0].limit_price", "must be 0 (or left out) for a market intent"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "stop_loss_price": -1}"#],
         "intents[0].stop_loss_price", "must be 0 (no stop) or a positive price"),
        ([:], [ethBuy.replacingOccurrences(of: "}", with: #", "client_id": 3}"#), ethBuy],
         "intents[1].client_id", "2 (the default, index + 1) is not greater than 3"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": "seven"}"#],
         "intents[0].quantity", "wrong type: expected a number"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1, "client_id": 1.5}"#],
         "intents[0].client_id", "wrong type: expected an integer (this number has a fraction or is out of range)"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy"}"#],
         "intents[0].quantity", "required key is missing"),
        ([:], [], "intents", "at least one intent is required"),
        (["account": #"{"trading_state": "PAUSED"}"#], nil,
         "account.trading_state", "'PAUSED' is not a trading state (expected ACTIVE, REDUCING or HALTED)"),
        (["account": #"{"equity_usd": 0}"#], nil, "account.equity_usd", "must be a positive amount"),
        (["marks": #"[{"symbol": "BTCUSD", "price": 0, "ts_ns": 1772459995000000000}]"#], nil, "marks[0].price", "must be a positive price"),
        (["marks": #"[{"symbol": "DOGE", "price": 1, "ts_ns": 1772459995000000000}]"#], nil, "marks[0].symbol", "'DOGE' is not a symbol of the config"),
        (["now_ns": "1772459990000000000"], nil, "now_ns", "is before the latest mark (marks[1].ts_ns = 1772459998000000000)"),
        (["now_ns": nil, "marks": nil, "positions": nil], nil, "now_ns", "required when there are no marks"),
        (["positions": #"[{"strategy": "ema_majors", "symbol": "BTCUSD", "quantity": 1, "average_price": 0}]"#], nil,
         "positions[0].average_price", "must be a positive price"),
        (["positions": #"[{"strategy": "ema_majors", "symbol": "BTCUSD", "quantity": 0, "average_price": 1}]"#], nil,
         "positions[0].quantity", "must be a non-zero number of units"),
        (["positions": #"[{"strategy": "gold", "symbol": "XAUUSD", "quantity": 1, "average_price": 1}]"#], nil,
         "positions[0].strategy", "'gold' is not a strategy of the config"),
        (["returns": #"{"BTCUSD": [0.1, 0.2], "DOGE": [0.1, 0.2]}"#], nil, "returns.DOGE", "'DOGE' is not a symbol of the config"),
        (["returns": #"{"BTCUSD": [0.1, 0.2], "ETHUSD": [0.1]}"#], nil,
         "returns.ETHUSD", "has 1 returns but returns.BTCUSD has 2; every list must have the same length"),
        (["clusters": #"[{"name": "x", "symbols": ["BTCUSD", "DOGE"], "max_pct_of_equity": 10}]"#], nil,
         "clusters[0].symbols[1]", "'DOGE' is not a symbol of the config"),
        (["clusters": #"[{"name": "x", "symbols": ["BTCUSD", "ETHUSD"], "max_pct_of_equity": 150}]"#], nil,
         "clusters[0].max_pct_of_equity", "must be a percentage in (0, 100]"),
        (["strategies": #"[{"name": "ema_majors", "consecutive_losses": -1}]"#], nil, "strategies[0].consecutive_losses", "must be >= 0"),
        (["strategies": #"[{"name": "ema_majors"}, {"name": "ema_majors"}]"#], nil,
         "strategies[1].name", "strategy 'ema_majors' is listed twice (first: strategies[0])"),
        // Magnitudes whose sums and products overflow (found by the what-if fuzz target: each of
        // these made a NaN or infinite figure that the JSON output could not hold).
        (["positions": #"[{"strategy": "ema_majors", "symbol": "BTCUSD", "quantity": -1e308, "average_price": 59000}]"#], nil,
         "positions[0].quantity", "must be a non-zero number of units (> 0 long, < 0 short) of at most 1e15"),
        (["positions": #"[{"strategy": "ema_majors", "symbol": "BTCUSD", "quantity": 1e12, "average_price": 59000}]"#], nil,
         "positions[0].quantity", "is worth 5.9e+16 USD at its average price: at most 1e15"),
        (["marks": #"[{"symbol": "ETHUSD", "price": 1e308, "ts_ns": 1772459995000000000}]"#, "positions": nil], nil,
         "marks[0].price", "must be a positive price of at most 1e15, not 1e+308"),
        (["account": #"{"equity_usd": 1e300}"#], nil, "account.equity_usd", "must be a positive amount of at most 1e15"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 3, "type": "limit", "limit_price": 1e308}"#],
         "intents[0].limit_price", "must be a positive price for a limit intent of at most 1e15"),
        ([:], [#"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "quantity": 1e13}"#],
         "intents[0].quantity", "is worth 2e+16 USD at its symbol's mark: at most 1e15"),
        (["strategies": #"[{"name": "ema_majors", "realized_usd": -1e200}]"#], nil,
         "strategies[0].realized_usd", "must be a finite number between -1e15 and 1e15"),
    ]

    @Test(arguments: 0..<errorCases.count)
    func inputErrorsNameTheJSONPath(caseIndex index: Int) throws {
        let testCase = Self.errorCases[index]
        let json = Self.input(intents: testCase.intents ?? [Self.ethBuy], testCase.fields)
        let error = try #require(try Self.inputError(json), "expected an error at \(testCase.path)")
        #expect(error.file == "scenario.json")
        #expect(error.path == testCase.path)
        #expect(error.message.contains(testCase.message), "\(error)")
        #expect(error.description.hasPrefix("scenario.json: \(testCase.path): "))
    }

    @Test(arguments: [
        (["intent": "[]"], "intent", "now_ns, account, marks, returns, positions, strategies, clusters, intents"),
        (["account": #"{"equity": 5}"#], "account.equity", "equity_usd, peak_equity_usd, day_start_equity_usd, trading_state, kill_switch, halt_latched"),
        (["marks": #"[{"symbol": "BTCUSD", "price": 1, "ts_ns": 1, "time": 2}]"#], "marks[0].time", "symbol, price, ts_ns"),
        (["strategies": #"[{"name": "ema_majors", "closed_trades": [{"closed_at_ns": 1, "pnl": 1}]}]"#],
         "strategies[0].closed_trades[0].pnl", "closed_at_ns, pnl_pct"),
        (["clusters": #"[{"name": "x", "symbols": ["BTCUSD", "ETHUSD"], "max_pct": 10}]"#], "clusters[0].max_pct", "name, symbols, max_pct_of_equity"),
        // An empty key is named `""` (found by the what-if fuzz target: it was refused at no path).
        (["": "1"], #""""#, "now_ns, account, marks, returns, positions, strategies, clusters, intents"),
        (["account": #"{"": 5}"#], #"account."""#, "equity_usd, peak_equity_usd, day_start_equity_usd, trading_state, kill_switch, halt_latched"),
    ] as [([String: String?], String, String)])
    func unknownKeysAreRefusedNamingTheirPath(fields: [String: String?], path: String, allowed: String) throws {
        let error = try #require(try Self.inputError(Self.input(fields)))
        #expect(error.path == path)
        #expect(error.message == "unknown key (expected one of: \(allowed))")
    }

    @Test func anUnknownKeyInAnIntentIsRefused() throws {
        let error = try #require(try Self.inputError(Self.input(intents: [
            #"{"strategy": "ema_majors", "symbol": "ETHUSD", "side": "buy", "qty": 7}"#,
        ])))
        #expect(error.description == "scenario.json: intents[0].qty: unknown key (expected one of: strategy, symbol, side, quantity, type, limit_price, stop_loss_price, reduce_only, client_id)")
    }

    @Test func malformedJSONIsAnErrorNamingTheFile() throws {
        let error = try #require(try Self.inputError(#"{"intents": [ {"strategy": "ema_majors""#))
        #expect(error.path == "")
        #expect(error.description.hasPrefix("scenario.json: malformed JSON: "))
    }

    @Test func aMissingInputFileIsAnErrorNamingIt() {
        #expect(throws: WhatIfError(file: "/nonexistent/scenario.json", message: "no such file")) {
            try WhatIf.readInput(path: "/nonexistent/scenario.json")
        }
    }
}
