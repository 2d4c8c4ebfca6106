import Engine
import Foundation
import Journal
import MarketData
import Risk
import StrategyABI
import Testing
@testable import Host

/// The engine between feeds and plugins, driven directly (no sockets) with the gcc-built fixture.
@Suite("Strategy host")
struct PluginHostTests {
    struct Harness {
        let host: PluginHost
        let traces: [String: String]

        func trade(_ symbol: String, price: Double, at ts: Int64) {
            host.deliver(.trade(symbolID: host.engine.symbols.lookup(symbol)!, timestampNs: ts, price: price, size: 1))
        }

        func lines(_ strategy: String) -> [String] { TestSupport.traceLines(traces[strategy]!) }
    }

    /// Strategies as (name, symbols, extra params); each traces to its own file.
    func harness(_ strategies: [(String, [String], String)], extra: String = "") throws -> Harness {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        var traces: [String: String] = [:]
        var entries: [String] = []
        for (name, symbols, extra) in strategies {
            let trace = folder.appendingPathComponent("\(name).trace").path
            traces[name] = trace
            let params = "{trace_path: \"\(trace)\"\(extra.isEmpty ? "" : ", " + extra)}"
            entries.append(TestSupport.strategy(name, plugin: plugin, symbols: symbols, params: params))
        }
        let loaded = try ConfigLoader.load(path: try TestSupport.writeConfig(in: folder, strategies: entries, extra: extra))
        return Harness(host: try PluginHost(config: loaded, logger: TestSupport.logger), traces: traces)
    }

    @Test func eventsGoOnlyToStrategiesSubscribedToTheirSymbol() throws {
        let h = try harness([("a", ["BTCUSD"], ""), ("b", ["ETHUSD", "BTCUSD"], "")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        h.trade("ETHUSD", price: 10, at: 2_000)
        h.host.destroyAll()
        #expect(h.lines("a").filter { $0.hasPrefix("md ") } == ["md BTCUSD 1000 100"])
        #expect(h.lines("b").filter { $0.hasPrefix("md ") } == ["md BTCUSD 1000 100", "md ETHUSD 2000 10"])
    }

    @Test func theDecisionComesBackSynchronouslyAndThenThroughOnDecision() throws {
        let h = try harness([("a", ["BTCUSD"], "")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        h.host.destroyAll()
        #expect(h.lines("a") == [
            "md BTCUSD 1000 100",
            "submit 1 rc=0 verdict=1 reason=NONE",
            "decision 1 1 1 NONE",
            "destroy",
        ])
    }

    @Test func anInvalidQuantityIsRejectedAsInvalidIntent() throws {
        let h = try harness([("a", ["BTCUSD"], "quantity: -1")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a").contains("submit 1 rc=0 verdict=3 reason=INVALID_INTENT"))
        #expect(h.lines("a").contains("decision 1 3 0 INVALID_INTENT"))
    }

    @Test func aRepeatedClientIDIsRejected() throws {
        let h = try harness([("a", ["BTCUSD"], "client_id_step: 0")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        h.trade("BTCUSD", price: 101, at: 2_000)
        let submits = h.lines("a").filter { $0.hasPrefix("submit") }
        #expect(submits == ["submit 1 rc=0 verdict=1 reason=NONE", "submit 1 rc=0 verdict=3 reason=DUPLICATE_CLIENT_ID"])
    }

    @Test func anIntentForAnotherStrategysSymbolIsRejected() throws {
        // "a" trades BTCUSD only; offset 1 makes it name ETHUSD, which only "b" subscribes to.
        let h = try harness([("a", ["BTCUSD"], "symbol_id_offset: 1"), ("b", ["ETHUSD"], "")])
        h.trade("ETHUSD", price: 10, at: 500)
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a").contains("submit 1 rc=0 verdict=3 reason=SYMBOL_NOT_SUBSCRIBED"))
    }

    @Test func anIntentForASymbolWithoutAPriceYetIsRejected() throws {
        let h = try harness([("a", ["BTCUSD", "ETHUSD"], "symbol_id_offset: 1")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a").contains("submit 1 rc=0 verdict=3 reason=NO_MARKET_DATA"))
    }

    @Test func theRiskChainRejectsAnEntryWithoutAStopLoss() throws {
        let h = try harness([("a", ["BTCUSD"], "stop_factor: 0")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a").contains("submit 1 rc=0 verdict=3 reason=STOP_LOSS_REQUIRED"))
        #expect(h.lines("a").contains("decision 1 3 0 STOP_LOSS_REQUIRED"))
    }

    @Test func theRiskChainReshapesAnEntryToTheStrategysPositionCap() throws {
        // 25 % of the fixture's 10,000 of capital at a price of 100 is 25 units.
        let h = try harness([("a", ["BTCUSD"], "quantity: 40")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a").contains("submit 1 rc=0 verdict=2 reason=STRATEGY_POSITION_RESHAPE"))
        #expect(h.lines("a").contains("decision 1 2 25 STRATEGY_POSITION_RESHAPE"))
        #expect(h.host.engine.paper.ordersAccepted == 1)
        #expect(h.host.engine.paper.openOrders[1].first?.quantity == 25)
    }

    @Test func approvedOrdersCountAsPendingExposureForTheNextIntent() throws {
        // The record adapter fills nothing, so the first approval stays pending.
        let h = try harness([("a", ["BTCUSD"], "quantity: 20")], extra: "execution: {live_adapter: record}")
        h.trade("BTCUSD", price: 100, at: 1_000)
        h.trade("BTCUSD", price: 100, at: 2_000)
        // 20 units pending leave 5 under the 25-unit position cap.
        #expect(h.lines("a").contains("decision 2 2 5 STRATEGY_POSITION_RESHAPE"))
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == 25)
    }

    @Test func aPaperOrderFillsAtTheNextTradeWithSlippageAndFeeAndReachesOnFill() throws {
        let h = try harness([("a", ["BTCUSD"], "")], extra: "execution: {paper: {slippage_bps: 10, fee_bps: 20}}")
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.host.engine.risk.book.position(strategy: 1, symbol: 1) == 0)
        h.trade("BTCUSD", price: 200, at: 2_000)
        // Buy 1 at 200 × (1 + 10 bp) = 200.2; fee 20 bp of 200.2 = 0.4004.
        let lines = h.lines("a")
        let fill = try #require(lines.firstIndex { $0.hasPrefix("fill ") })
        #expect(lines[fill] == "fill 1 1 1 200.2 0.4004 position=1")
        // The fill is reported before the strategy sees the event that filled it.
        #expect(lines[fill + 1] == "md BTCUSD 2000 200")
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == 1)  // the second intent, not yet filled
        #expect(abs(h.host.engine.risk.book.equityUSD - (10_000 - 0.4004 + (200 - 200.2))) < 1e-9)
    }

    @Test func aLimitOrderRestsUntilTheMarketReachesItAndCanBeCancelled() throws {
        let order = Order(decision: Decision(decisionID: 99, strategyID: 1, clientID: 77, symbolID: 1, verdict: .approve, reason: .none,
                                             requestedQuantity: 2, finalQuantity: 2, timestampNs: 1),
                          intent: OrderIntent(strategyID: 1, clientID: 77, symbolID: 1, side: .buy, quantity: 2, orderType: .limit,
                                              limitPrice: 95, stopLossPrice: 90, reduceOnly: false),
                          mode: .live)
        let venue = PaperVenue(symbolCount: 1, slippageBps: 0, feeBps: 0)
        venue.submit(order)
        var fills: [PaperFill] = []
        venue.match(.trade(symbolID: 1, timestampNs: 10, price: 96, size: 1), into: &fills)
        #expect(fills.isEmpty)
        venue.match(.quote(symbolID: 1, timestampNs: 11, bid: 94, bidSize: 1, ask: 94.5, askSize: 1), into: &fills)
        #expect(fills.map(\.price) == [94.5])
        venue.submit(order)
        #expect(venue.cancel(strategy: 1, clientID: 77) == .cancelled(order))
        #expect(venue.cancel(strategy: 1, clientID: 77) == .notFound)
    }

    @Test func anAccountHaltCancelsRestingRiskBeforeItCanFill() throws {
        let risk = "risk: {account: {drawdown_halt_pct: 5, drawdown_buffer_pct: 0, rolling_24h_drawdown_pct: 50, daily_loss_pct: 50}, strategy: {drawdown_pct: 90, daily_loss_pct: 90}}"
        let h = try harness([("a", ["BTCUSD"], "quantity: 20")], extra: risk)
        h.trade("BTCUSD", price: 100, at: 1_000)   // order 1: buy 20, resting
        h.trade("BTCUSD", price: 100, at: 2_000)   // order 1 fills; order 2: buy 5 (position cap), resting
        #expect(h.host.engine.risk.book.position(strategy: 1, symbol: 1) == 20)
        #expect(abs(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) - 5) < 0.01)  // the symbol cap, after fees and slippage
        h.trade("BTCUSD", price: 70, at: 3_000)    // −600 on 10,000: the 5 % halt latches
        #expect(h.host.engine.risk.controls.effectiveState == .halted)
        #expect(!h.lines("a").contains { $0.hasPrefix("fill 2 ") }, "the resting buy filled after the halt")
        // The resting buy is cancelled; what is pending is the breach unwind's reduce-only sell of
        // the whole losing position.
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == -20)
        #expect(h.host.engine.risk.book.position(strategy: 1, symbol: 1) == 20)
        #expect(h.lines("a").contains("submit 3 rc=0 verdict=3 reason=ACCOUNT_HALTED"))
        // The strategy is told, before it sees the event: order 2, cancelled (1), 5 units, ACCOUNT_DRAWDOWN_HALT (11).
        let lines = h.lines("a")
        let update = try #require(lines.firstIndex { $0.hasPrefix("order_update 2 1 ") }, "\(lines)")
        #expect(lines[update].hasSuffix(" \(GH_REASON_ACCOUNT_DRAWDOWN_HALT)"))
        let event = try #require(lines.firstIndex { $0.hasPrefix("md BTCUSD 3000 ") })
        #expect(update < event, "the update came after the event that caused it")
    }

    @Test func aPluginBuiltBeforeOnOrderUpdateLoadsAndIsNotCalledPastItsTable() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_V1_TABLE", in: folder)
        let trace = folder.appendingPathComponent("a.trace").path
        let risk = "risk: {account: {drawdown_halt_pct: 5, drawdown_buffer_pct: 0, rolling_24h_drawdown_pct: 50, daily_loss_pct: 50}, strategy: {drawdown_pct: 90, daily_loss_pct: 90}}"
        let config = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: plugin, symbols: ["BTCUSD"], params: "{trace_path: \"\(trace)\", quantity: 20, lifecycle: 1}"),
        ], extra: risk)
        let host = try PluginHost(config: try ConfigLoader.load(path: config), logger: TestSupport.logger)
        #expect(host.instances[0].api.pointee.on_order_update == nil)
        for (price, ts) in [(100.0, 1_000), (100, 2_000), (70, 3_000)] {
            host.deliver(.trade(symbolID: 1, timestampNs: Int64(ts), price: price, size: 1))
        }
        #expect(host.engine.risk.controls.effectiveState == .halted)
        #expect(host.engine.risk.book.pending(strategy: 1, symbol: 1) == -20, "the resting buy was not cancelled (only the unwind's sell is left)")
        #expect(!TestSupport.traceLines(trace).contains { $0.hasPrefix("order_update") })
        // Nor are on_start and on_stop, which this header has but the table's size leaves out.
        host.start()
        host.stop()
        #expect(!TestSupport.traceLines(trace).contains { $0 == "start" || $0 == "stop" })
    }

    @Test func onStartAndOnStopRunOnceEachAndNothingIsSubmittedAfterOnStop() throws {
        let h = try harness([("a", ["BTCUSD"], "quantity: 2, max_intents: 1, start_buy: 1, stop_flatten: 1")])
        h.host.start()
        h.host.start()
        h.trade("BTCUSD", price: 100, at: 1_000)
        h.trade("BTCUSD", price: 101, at: 2_000)
        h.host.stop()
        h.host.stop()
        #expect(h.lines("a").filter { $0 == "start" || $0 == "stop" } == ["start", "stop"])
        #expect(h.lines("a").contains("stop submit 3 rc=0 verdict=1 reason=NONE"))
        // The exit is routed: pending on the paper venue until a next tick that never comes.
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == -2)
        // After on_stop the host takes no intent and no cancel, from any callback.
        let api = h.host.instances[0].hostAPI.pointee
        var intent = gh_intent(), decision = gh_decision()
        intent.abi_version = GH_ABI_VERSION; intent.struct_size = UInt32(MemoryLayout<gh_intent>.size)
        decision.abi_version = GH_ABI_VERSION; decision.struct_size = UInt32(MemoryLayout<gh_decision>.size)
        intent.client_id = 10; intent.symbol_id = 1; intent.side = GH_SIDE_SELL; intent.quantity = 1
        intent.order_type = GH_ORDER_MARKET; intent.reduce_only = 1
        #expect(api.submit_intent(api.host, &intent, &decision) == GH_ERR_NOT_PERMITTED)
        #expect(api.cancel_intent(api.host, 3) == GH_ERR_NOT_PERMITTED)
        h.host.destroyAll()
        #expect(h.lines("a").last == "destroy")
    }

    @Test func aJournalThatCannotKeepUpRefusesNewRiskUntilItCatchesUp() throws {
        let h = try harness([("a", ["BTCUSD"], "")], extra: "risk: {strategy: {max_trades_per_day: 1000}}")
        let folder = try TestSupport.temporaryFolder()
        let writer = try JournalWriter(path: folder.appendingPathComponent("slow.sqlite").path,
                                       options: JournalOptions(hostID: "test", queueCapacity: 1))
        writer.pauseForTesting()
        let feeder = JournalFeeder(ring: EventRing(capacity: 128), writer: writer, names: .init(strategies: ["a"], symbols: ["BTCUSD"]))
        h.host.sink = EventSink(journal: feeder, stream: nil, logger: TestSupport.logger)
        // Each event queues its records and the state after it, which the paused journal cannot
        // take: the ring fills until the host refuses new risk at three quarters (96 of 128),
        // well before it is full (at which point the loop would wait for the journal).
        var trades = 0
        func submits() -> [String] { h.lines("a").filter { $0.hasPrefix("submit") } }
        while trades < 60 && !(submits().last?.hasSuffix("reason=JOURNAL_UNAVAILABLE") ?? false) {
            trades += 1
            h.trade("BTCUSD", price: 100, at: Int64(1_000 * trades))
        }
        #expect(submits().last?.hasSuffix("reason=JOURNAL_UNAVAILABLE") == true, "\(submits())")
        #expect(submits().first == "submit 1 rc=0 verdict=1 reason=NONE")
        #expect(feeder.ring.count < 128)
        writer.resumeForTesting()
        let deadline = Date().addingTimeInterval(30)
        while feeder.ring.count > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        h.trade("BTCUSD", price: 100, at: Int64(1_000 * (trades + 1)))
        // Decided on its merits again (the book is large by now, so it may be reshaped).
        let last = try #require(submits().last)
        #expect(last.hasPrefix("submit \(trades + 1) rc=0 verdict=") && !last.contains("JOURNAL_UNAVAILABLE"), "\(last)")
        feeder.stop()
        // Nothing was dropped: every decision is in the journal.
        let reader = try JournalReader(path: folder.appendingPathComponent("slow.sqlite").path)
        defer { reader.close() }
        #expect(try reader.count(.decision) == trades + 1)
        // Each event's records were committed after the block of ticks that led to them; no
        // snapshot was due (the cadence is 10,000 events and this run made far fewer).
        #expect(try reader.count(.marketTicks) == trades + 1)
        #expect(try reader.count(.snapshot) == 0)
    }

    @Test func aReplayWaitsForASlowJournalInsteadOfRefusingRisk() throws {
        let h = try harness([("a", ["BTCUSD"], "")], extra: "risk: {strategy: {max_trades_per_day: 1000}}")
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("slow.sqlite").path
        let writer = try JournalWriter(path: path, options: JournalOptions(hostID: "test", queueCapacity: 1))
        writer.pauseForTesting()
        let feeder = JournalFeeder(ring: EventRing(capacity: 256), writer: writer, names: .init(strategies: ["a"], symbols: ["BTCUSD"]))
        h.host.sink = EventSink(journal: feeder, stream: nil, logger: TestSupport.logger, backpressure: .wait)
        // About five ring entries per trade (tick, decision, order, end of event, the fill): past
        // three quarters of the ring, where a live host would refuse new risk, but short of full.
        let trades = 50
        for trade in 1...trades { h.trade("BTCUSD", price: 100, at: Int64(1_000 * trade)) }
        #expect(feeder.ring.count > 192, "the ring never got past three quarters (\(feeder.ring.count))")
        let submits = h.lines("a").filter { $0.hasPrefix("submit") }
        #expect(submits.count == trades)
        #expect(!submits.contains { $0.contains("JOURNAL_UNAVAILABLE") }, "\(submits)")
        writer.resumeForTesting()
        feeder.stop()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(try reader.count(.decision) == trades)
    }

    @Test func cancellingAnOpenOrderReleasesItsPendingExposure() throws {
        let h = try harness([("a", ["BTCUSD"], "")])
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == 1)
        let instance = h.host.instances[0]
        #expect(h.host.cancel(from: instance, clientID: 1) == GH_OK)
        #expect(h.host.engine.risk.book.pending(strategy: 1, symbol: 1) == 0)
        #expect(h.host.cancel(from: instance, clientID: 1) == GH_ERR_NOT_FOUND)
    }

    @Test func destroyIsCalledOnceAndNothingIsDeliveredAfterIt() throws {
        let h = try harness([("a", ["BTCUSD"], "")])
        h.host.destroyAll()
        h.host.destroyAll()
        h.trade("BTCUSD", price: 100, at: 1_000)
        #expect(h.lines("a") == ["destroy"])
    }

    @Test func theEventClockNeverGoesBackwards() throws {
        let h = try harness([("a", ["BTCUSD"], "")])
        h.trade("BTCUSD", price: 100, at: 5_000)
        h.trade("BTCUSD", price: 100, at: 4_000)
        #expect(h.host.engine.clockNs == 5_000)
    }

    @Test func theSameEventsGiveTheSameDecisionDigest() throws {
        func digest() throws -> UInt64 {
            let h = try harness([("a", ["BTCUSD", "ETHUSD"], ""), ("b", ["ETHUSD"], "quantity: 0")])
            for step in 0..<50 {
                h.trade(step % 3 == 0 ? "ETHUSD" : "BTCUSD", price: 100 + Double(step), at: Int64(1_000 * (step + 1)))
            }
            return h.host.engine.decisionDigest
        }
        let first = try digest()
        #expect(first == (try digest()))
        #expect(first != 0xcbf2_9ce4_8422_2325)
    }

    @Test func reasonCodesAndVerdictsMatchTheCHeader() {
        #expect(ReasonCode.none.rawValue == GH_REASON_NONE)
        #expect(ReasonCode.invalidIntent.rawValue == GH_REASON_INVALID_INTENT)
        #expect(ReasonCode.symbolNotSubscribed.rawValue == GH_REASON_SYMBOL_NOT_SUBSCRIBED)
        #expect(ReasonCode.duplicateClientID.rawValue == GH_REASON_DUPLICATE_CLIENT_ID)
        #expect(ReasonCode.noMarketData.rawValue == GH_REASON_NO_MARKET_DATA)
        #expect(ReasonCode.aggregateNotionalReshape.rawValue == GH_REASON_AGGREGATE_NOTIONAL_RESHAPE)
        #expect(ReasonCode.journalUnavailable.rawValue == GH_REASON_JOURNAL_UNAVAILABLE)
        #expect(ReasonCode.orderStateUnknown.rawValue == GH_REASON_ORDER_STATE_UNKNOWN)
        #expect(ReasonCode.strategyPaused.rawValue == GH_REASON_STRATEGY_PAUSED)
        #expect(ReasonCode.priceOffTick.rawValue == GH_REASON_PRICE_OFF_TICK)
        #expect(ReasonCode.priceOutsideBand.rawValue == GH_REASON_PRICE_OUTSIDE_BAND)
        #expect(ReasonCode.orderQuantityAboveMax.rawValue == GH_REASON_ORDER_QUANTITY_ABOVE_MAX)
        #expect(ReasonCode.orderNotionalAboveMax.rawValue == GH_REASON_ORDER_NOTIONAL_ABOVE_MAX)
        #expect(ReasonCode.orderNotionalAboveStrategyMax.rawValue == GH_REASON_ORDER_NOTIONAL_ABOVE_STRATEGY_MAX)
        #expect(ReasonCode.restrictedSymbol.rawValue == GH_REASON_RESTRICTED_SYMBOL)
        #expect(ReasonCode.stalePortfolio.rawValue == GH_REASON_STALE_PORTFOLIO)
        #expect(ReasonCode.lotSizeRounded.rawValue == GH_REASON_LOT_SIZE_ROUNDED)
        #expect(ReasonCode.orderRateExceeded.rawValue == GH_REASON_ORDER_RATE_EXCEEDED)
        #expect(ReasonCode.accountOrderRateExceeded.rawValue == GH_REASON_ACCOUNT_ORDER_RATE_EXCEEDED)
        #expect(ReasonCode.duplicateOrder.rawValue == GH_REASON_DUPLICATE_ORDER)
        #expect(ReasonCode.repeatedExecutions.rawValue == GH_REASON_REPEATED_EXECUTIONS)
        #expect(ReasonCode.selfTradePrevented.rawValue == GH_REASON_SELF_TRADE_PREVENTED)
        #expect(ReasonCode.selfTradeRestingCancelled.rawValue == GH_REASON_SELF_TRADE_RESTING_CANCELLED)
        #expect(ReasonCode.auditQueueShareExceeded.rawValue == GH_REASON_AUDIT_QUEUE_SHARE_EXCEEDED)
        #expect(ReasonCode.loopTimeShareExceeded.rawValue == GH_REASON_LOOP_TIME_SHARE_EXCEEDED)
        #expect(ReasonCode.callbackOverrun.rawValue == GH_REASON_CALLBACK_OVERRUN)
        #expect(ReasonCode.clientIDOutOfRange.rawValue == GH_REASON_CLIENT_ID_OUT_OF_RANGE)
        #expect(ReasonCode.allCases.last == .clientIDOutOfRange, "a new code needs its GH_REASON_ define")
        #expect(IntentValidator.maxClientID == GH_CLIENT_ID_MAX)
        #expect(Verdict.approve.rawValue == GH_VERDICT_APPROVE)
        #expect(Verdict.reshape.rawValue == GH_VERDICT_RESHAPE)
        #expect(Verdict.reject.rawValue == GH_VERDICT_REJECT)
        #expect(Side.buy.rawValue == GH_SIDE_BUY && Side.sell.rawValue == GH_SIDE_SELL)
        #expect(OrderType.market.rawValue == GH_ORDER_MARKET && OrderType.limit.rawValue == GH_ORDER_LIMIT)
        #expect(MarketEventKind.trade.rawValue == UInt8(GH_MD_TRADE) && MarketEventKind.bar.rawValue == UInt8(GH_MD_BAR))
    }
}

@Suite("Audit records")
struct AuditRecordTests {
    @Test func anIntentRefusedForNaNFieldsIsJournaledWithoutBreakingTheJournal() throws {
        let raw = IntentRequest(clientID: 1, symbolID: 1, side: GH_SIDE_BUY, quantity: .nan, orderType: GH_ORDER_LIMIT,
                                limitPrice: .infinity, stopLossPrice: -.nan, reduceOnly: 0)
        let decision = Decision(decisionID: 1, strategyID: 1, clientID: 1, symbolID: 1, verdict: .reject, reason: .invalidIntent,
                                requestedQuantity: .nan, finalQuantity: 0, timestampNs: 1_000)
        let event = EngineEvent.decision(DecisionFact(decision, intent: raw, traced: nil, origin: .strategy, mode: .live, wallTimeNs: 2_000))
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("nan.sqlite").path
        let writer = try JournalWriter(path: path, options: JournalOptions(hostID: "test"))
        let feeder = JournalFeeder(ring: EventRing(capacity: 16), writer: writer, names: .init(strategies: ["a"], symbols: ["BTCUSD"]))
        #expect(feeder.ring.push(event))
        feeder.stop()
        #expect(!feeder.hasFailed)
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        #expect(try reader.count(.decision) == 1)
        #expect(try reader.count(.intent) == 1)
        // The stored zeros are not passed off as the values: the validation stage names them.
        let stages = try reader.records(.decision).compactMap { entry -> [String]? in
            guard case .decision(let d) = entry.record else { return nil }
            return d.stages.map(\.detail)
        }
        #expect(stages.first?.first?.contains("non_finite: quantity=nan limit_price=inf stop_loss_price=nan") == true, "\(stages)")
        // On the stream they are null, never 0, and the payload is valid JSON.
        let messages = StreamProjection(names: .init(strategies: ["a"], symbols: ["BTCUSD"]), decisions: .all).messages(for: event)
        let data = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].data.utf8)) as? [String: Any])
        #expect(data["requested_quantity"] is NSNull && data["limit_price"] is NSNull && data["stop_loss_price"] is NSNull, "\(data)")
        #expect(data["final_quantity"] as? Double == 0)
    }

    @Test func aLatchTheChainSetIsJournaledAsAStateChangeAndABreach() throws {
        let halt = EngineEvent.latch(LatchFact(
            change: StateChange(kind: .accountHalted, reason: .accountDrawdownHalt, atNs: 5_000, value: 15.2, limit: 15), wallTimeNs: 6_000))
        let pause = EngineEvent.latch(LatchFact(
            change: StateChange(kind: .strategyPaused(strategyID: 1), reason: .decayPaused, atNs: 7_000, value: -0.25, limit: 0.5),
            wallTimeNs: 8_000))
        let dailyLoss = EngineEvent.latch(LatchFact(
            change: StateChange(kind: .accountDailyLossHit, reason: .accountDailyLoss, atNs: 9_000, value: 3.5, limit: 3), wallTimeNs: 10_000))
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("latch.sqlite").path
        let writer = try JournalWriter(path: path, options: JournalOptions(hostID: "test"))
        let feeder = JournalFeeder(ring: EventRing(capacity: 16), writer: writer, names: .init(strategies: ["a"], symbols: ["BTCUSD"]))
        #expect(feeder.ring.push(halt))
        #expect(feeder.ring.push(pause))
        #expect(feeder.ring.push(dailyLoss))
        feeder.stop()
        let reader = try JournalReader(path: path)
        defer { reader.close() }
        let changes = try reader.records(.stateChange).compactMap { entry -> String? in
            guard case .stateChange(let c) = entry.record else { return nil }
            return "\(c.kind) \(c.subject) \(c.fromState)->\(c.toState) \(c.reason)"
        }
        #expect(changes == ["trading_state account ACTIVE->HALTED ACCOUNT_DRAWDOWN_HALT", "strategy_pause a RUNNING->PAUSED DECAY_PAUSED",
                            "daily_loss account ACTIVE->NO_NEW_RISK_TODAY ACCOUNT_DAILY_LOSS"])
        let breaches = try reader.records(.breach).compactMap { entry -> BreachRecord? in
            guard case .breach(let b) = entry.record else { return nil }
            return b
        }
        #expect(breaches == [
            BreachRecord(eventTimeNs: 5_000, wallTimeNs: 6_000, rule: "ACCOUNT_DRAWDOWN_HALT", subject: "account", value: 15.2,
                         limitValue: 15, detail: "drawdown_pct=15.2 halt_pct=15.0 latched=HALTED"),
            BreachRecord(eventTimeNs: 7_000, wallTimeNs: 8_000, rule: "DECAY_PAUSED", subject: "a", value: -0.25,
                         limitValue: 0.5, detail: "sharpe=-0.25 min_sharpe=0.5 paused_until=operator_resume"),
            BreachRecord(eventTimeNs: 9_000, wallTimeNs: 10_000, rule: "ACCOUNT_DAILY_LOSS", subject: "account", value: 3.5,
                         limitValue: 3, detail: "loss_pct=3.5 limit_pct=3.0 until=next_utc_day"),
        ])
    }
}
