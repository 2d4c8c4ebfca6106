import Engine
import Foundation
import Journal
import Risk
import Testing
@testable import Host

/// Seed 000's breach unwind through the whole host, with a real SQLite journal and the event
/// stream: fixture bots each buy once, the market moves against them until the account drawdown
/// crosses its cap on one tick, and the host then ranks the live bots by unrealized PnL ÷ gross
/// exposure (worst first), flattens losers in that order with reduce-only market sells (client id
/// 0, origin `risk_unwind`) only until the loss still open fits in the cap, never touches a
/// winner, fills those sells at the next trade, and journals and publishes the ranking, the halt
/// and every order.
@Suite("Breach unwind through the host (seed 000)")
struct BreachUnwindTests {
    /// 2026-03-02T14:00:00Z: mid UTC day, so no day boundary resets a daily limit during a test.
    static let start: Int64 = 1_772_460_000_000_000_000
    static let second: Int64 = 1_000_000_000

    /// Seed 000's account: 10,000 of equity and no fees or slippage, so every fill is at the trade
    /// price and the losses are exactly the seed's. Every limit but the drawdown halt is loose
    /// enough never to act (the entries, 2,000 + 3,000 + 1,000 of gross, pass whole; no daily
    /// loss or strategy breaker trips on the way down), and there is no buffer below the halt.
    static func config(haltPct: Double) -> String {
        """
        risk:
          account: {starting_equity_usd: 10000, drawdown_halt_pct: \(haltPct), drawdown_buffer_pct: 0, max_gross_pct_of_equity: 100, max_symbol_pct_of_equity: 100, rolling_24h_drawdown_pct: 50, daily_loss_pct: 50}
          strategy: {max_position_pct: 100, drawdown_pct: 90, daily_loss_pct: 90}
        execution: {paper: {slippage_bps: 0, fee_bps: 0}}
        """
    }

    /// The seed's three bots; `max_intents: 1` makes each buy exactly once, at its first trade.
    static let seedBots: [(name: String, symbols: [String], params: String)] = [
        ("bot1_btc", ["BTCUSD"], "quantity: 0.05, max_intents: 1"),
        ("bot2_eth", ["ETHUSD"], "quantity: 1, max_intents: 1"),
        ("bot3_sol", ["SOLUSD"], "quantity: 10, max_intents: 1"),
    ]

    /// Drives trades one second apart; `ts` is the last one's time.
    final class Tape {
        let run: JournaledHost
        private(set) var ts = BreachUnwindTests.start

        init(_ run: JournaledHost) { self.run = run }

        func trade(_ symbol: String, _ price: Double) {
            ts += BreachUnwindTests.second
            run.trade(symbol, price: price, at: ts)
        }
    }

    static func position(_ host: PluginHost, _ strategy: UInt32, _ symbol: String) -> Double {
        host.engine.risk.book.position(strategy: strategy, symbol: host.engine.symbols.lookup(symbol)!)
    }

    static func pending(_ host: PluginHost, _ strategy: UInt32, _ symbol: String) -> Double {
        host.engine.risk.book.pending(strategy: strategy, symbol: host.engine.symbols.lookup(symbol)!)
    }

    static func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Test func theSeedsWorstRiskAdjustedBotIsFlattenedAloneBecauseThatBringsTheOpenLossInsideTheCap() throws {
        let run = try JournaledHost(strategies: Self.seedBots, config: Self.config(haltPct: 5), stream: true)
        let tape = Tape(run)
        let host = run.host
        // Each bot buys at its symbol's first trade; the market order fills at the next one.
        tape.trade("BTCUSD", 40_000)
        let btcEntry = tape.ts
        tape.trade("ETHUSD", 3_000)
        let ethEntry = tape.ts
        tape.trade("SOLUSD", 100)
        let solEntry = tape.ts
        tape.trade("BTCUSD", 40_000)
        let btcFill = tape.ts
        tape.trade("ETHUSD", 3_000)
        let ethFill = tape.ts
        tape.trade("SOLUSD", 100)
        let solFill = tape.ts
        #expect([Self.position(host, 1, "BTCUSD"), Self.position(host, 2, "ETHUSD"), Self.position(host, 3, "SOLUSD")] == [0.05, 1, 10])
        #expect(host.engine.risk.book.peakEquityUSD == 10_000)

        // ETH and SOL fall first: −150 − 90 = −240, 2.4 % below the peak, inside the 5 % cap.
        tape.trade("ETHUSD", 2_850)
        let ethDrop = tape.ts
        tape.trade("SOLUSD", 91)
        let solDrop = tape.ts
        #expect(host.engine.risk.controls.effectiveState == .active)

        // BTC last: −280 more, −520 in all on a peak of 10,000 = 5.2 % ≥ 5 %: the halt latches on
        // this tick and the unwind runs at its end.
        tape.trade("BTCUSD", 34_400)
        let haltedAt = tape.ts
        #expect(host.engine.risk.controls.effectiveState == .halted)
        #expect(host.engine.risk.controls.haltLatch == .accountDrawdownHalt)
        // The ranking, by unrealized ÷ gross at the marks (worst first):
        //   bot1_btc  −280 / (0.05 × 34,400 = 1,720) = −0.1628
        //   bot3_sol   −90 / (10 × 91 = 910)         = −0.0989
        //   bot2_eth  −150 / (1 × 2,850 = 2,850)     = −0.0526
        // BTC's loss is the largest per dollar held, and SOL's −90 ranks before ETH's larger −150
        // because it is a bigger share of a smaller position. Nothing is realized yet (no fees), so
        // the locked loss is 0 and the room is the whole cap, 500. Open loss 520 > 500: flatten
        // bot1_btc, leaving 150 + 90 = 240 ≤ 500 open, so bot3_sol and bot2_eth are kept.
        // Only bot1's whole position is being sold; the sell waits for the next BTC trade.
        #expect(Self.pending(host, 1, "BTCUSD") == -0.05)
        #expect(Self.pending(host, 2, "ETHUSD") == 0)
        #expect(Self.pending(host, 3, "SOLUSD") == 0)
        #expect(Self.position(host, 1, "BTCUSD") == 0.05)

        // The reduce-only sell fills at the next BTC trade, at its price.
        tape.trade("BTCUSD", 34_400)
        let unwindFill = tape.ts
        #expect([Self.position(host, 1, "BTCUSD"), Self.position(host, 2, "ETHUSD"), Self.position(host, 3, "SOLUSD")] == [0, 1, 10])
        #expect(Self.close(host.engine.risk.book.realizedUSD(strategy: 1, symbol: host.engine.symbols.lookup("BTCUSD")!), -280))
        #expect(Self.close(host.engine.risk.book.equityUSD, 9_480))
        #expect(host.engine.risk.controls.effectiveState == .halted, "flattening at the mark does not clear the latch")
        // ETH falls further: the halt is already latched, so no second unwind (it runs once, at
        // the latch) and the kept bots keep their positions.
        tape.trade("ETHUSD", 2_800)
        #expect(Self.position(host, 2, "ETHUSD") == 1)
        #expect(Self.pending(host, 2, "ETHUSD") == 0)

        let events = try run.finish()

        // The plugins: bot1 is told of the unwind's fill through on_fill (client id 0, a sell of
        // 0.05 at 34,400, flat after it) before it sees the trade that filled it. It gets no
        // decision for it: the intent was the host's, not one of its own.
        #expect(run.lines("bot1_btc") == [
            "md BTCUSD \(btcEntry) 40000",
            "submit 1 rc=0 verdict=1 reason=NONE",
            "decision 1 1 0.05 NONE",
            "fill 1 1 0.05 40000 0 position=0.05",
            "md BTCUSD \(btcFill) 40000",
            "md BTCUSD \(haltedAt) 34400",
            "fill 0 2 0.05 34400 0 position=0",
            "md BTCUSD \(unwindFill) 34400",
            "destroy",
        ])
        #expect(run.lines("bot2_eth") == [
            "md ETHUSD \(ethEntry) 3000",
            "submit 1 rc=0 verdict=1 reason=NONE",
            "decision 1 1 1 NONE",
            "fill 1 1 1 3000 0 position=1",
            "md ETHUSD \(ethFill) 3000",
            "md ETHUSD \(ethDrop) 2850",
            "md ETHUSD \(tape.ts) 2800",
            "destroy",
        ])
        #expect(run.lines("bot3_sol") == [
            "md SOLUSD \(solEntry) 100",
            "submit 1 rc=0 verdict=1 reason=NONE",
            "decision 1 1 10 NONE",
            "fill 1 1 10 100 0 position=10",
            "md SOLUSD \(solFill) 100",
            "md SOLUSD \(solDrop) 91",
            "destroy",
        ])

        // The journal.
        let entries = try run.journal()
        let halts = JournaledHost.stateChanges(entries, kind: "trading_state")
        #expect(halts.map { "\($0.change.subject) \($0.change.fromState)->\($0.change.toState) \($0.change.reason)" }
            == ["account ACTIVE->HALTED ACCOUNT_DRAWDOWN_HALT"])
        let halt = try #require(halts.first)
        #expect(halt.change.eventTimeNs == haltedAt)
        #expect(Self.close(halt.change.value, 5.2) && halt.change.limitValue == 5)
        let breaches = entries.compactMap { entry -> BreachRecord? in
            guard case .breach(let breach) = entry.record else { return nil }
            return breach
        }
        #expect(breaches.map { "\($0.rule) \($0.subject)" } == ["ACCOUNT_DRAWDOWN_HALT account"])
        #expect(Self.close(breaches.first?.value, 5.2))

        // The ranking: one `unwind` state change per live bot, worst first, with its action and
        // its score as the value.
        let ranking = JournaledHost.stateChanges(entries, kind: "unwind")
        #expect(ranking.map { "\($0.change.subject) \($0.change.fromState) \($0.change.toState) \($0.change.reason)" } == [
            "bot1_btc rank 1 FLATTEN ACCOUNT_DRAWDOWN_HALT",
            "bot3_sol rank 2 KEEP_INSIDE_CAP ACCOUNT_DRAWDOWN_HALT",
            "bot2_eth rank 3 KEEP_INSIDE_CAP ACCOUNT_DRAWDOWN_HALT",
        ])
        let scores = ranking.map { $0.change.value ?? .nan }
        #expect(zip(scores, [-280.0 / 1_720, -90.0 / 910, -150.0 / 2_850]).allSatisfy { Self.close($0, $1) }, "\(scores)")
        #expect(ranking.allSatisfy { $0.change.eventTimeNs == haltedAt })

        // The unwind's intent, decision, order and fill: one reduce-only market sell of bot1's
        // whole position, in its name with client id 0, approved whole and filled at 34,400.
        let intents = entries.compactMap { entry -> (Int64, IntentRecord)? in
            guard case .intent(let intent) = entry.record, intent.clientID == 0 else { return nil }
            return (entry.seq, intent)
        }
        #expect(intents.count == 1, "one unwind intent, not \(intents.count)")
        let (intentSeq, intent) = try #require(intents.first)
        #expect(intent.strategy == "bot1_btc" && intent.symbol == "BTCUSD" && intent.side == "sell")
        #expect(intent.quantity == 0.05 && intent.orderType == "market" && intent.reduceOnly && intent.stopLossPrice == 0)
        #expect(intent.origin == IntentRecord.riskUnwindOrigin)
        #expect(intent.eventTimeNs == haltedAt)
        let decision = try #require(entries.lazy.compactMap { entry -> DecisionRecord? in
            guard case .decision(let decision) = entry.record, decision.decisionID == intent.decisionID else { return nil }
            return decision
        }.first)
        #expect(decision.clientID == 0 && decision.verdict == "APPROVE" && decision.finalQuantity == 0.05, "\(decision)")
        let orders = entries.compactMap { entry -> (Int64, OrderRecord)? in
            guard case .order(let order) = entry.record, order.decisionID == intent.decisionID else { return nil }
            return (entry.seq, order)
        }
        let (orderSeq, order) = try #require(orders.first)
        #expect(orders.count == 1)
        #expect(order.side == "sell" && order.quantity == 0.05 && order.orderType == "market" && order.reduceOnly)
        #expect(order.status == "submitted" && order.mode == "live" && order.strategy == "bot1_btc")
        let fills = entries.compactMap { entry -> (Int64, FillRecord)? in
            guard case .fill(let fill) = entry.record, fill.orderID == intent.decisionID else { return nil }
            return (entry.seq, fill)
        }
        let (fillSeq, fill) = try #require(fills.first)
        #expect(fills.count == 1)
        #expect(fill.side == "sell" && fill.quantity == 0.05 && fill.price == 34_400 && fill.feeUSD == 0 && fill.eventTimeNs == unwindFill)
        // In the journal's order: the halt, then the ranking that says why, then the order it chose.
        let firstRank = try #require(ranking.first?.seq), lastRank = try #require(ranking.last?.seq)
        #expect(halt.seq < firstRank, "the ranking was journaled before the halt that caused it")
        #expect(lastRank < intentSeq, "the unwind's intent was journaled before the ranking that chose it")
        #expect(intentSeq < orderSeq && orderSeq < fillSeq)

        // The stream: one `unwind` event with the ranking and the order, the decision published
        // with origin `risk_unwind`, and its fill.
        let unwinds = events.filter { $0.topic == "risk.unwind" }
        #expect(unwinds.count == 1)
        let unwind = try #require(unwinds.first).data
        #expect(unwind["rule"] as? String == "ACCOUNT_DRAWDOWN_HALT")
        #expect(Self.close(JournaledHost.number(unwind["drawdown_pct"]), 5.2))
        #expect(JournaledHost.number(unwind["cap_pct"]) == 5)
        #expect(JournaledHost.number(unwind["locked_loss_usd"]) == 0)
        #expect(Self.close(JournaledHost.number(unwind["open_loss_usd"]), 520))
        #expect(JournaledHost.number(unwind["room_usd"]) == 500)
        let rows = try #require(unwind["ranking"] as? [[String: Any]])
        #expect(rows.map { "\(JournaledHost.number($0["rank"]) ?? 0) \($0["strategy"] as? String ?? "?") \($0["action"] as? String ?? "?")" }
            == ["1.0 bot1_btc flatten", "2.0 bot3_sol keep_inside_cap", "3.0 bot2_eth keep_inside_cap"])
        #expect(zip(rows.map { JournaledHost.number($0["unrealized_usd"]) }, [-280.0, -90, -150]).allSatisfy { Self.close($0, $1) })
        #expect(zip(rows.map { JournaledHost.number($0["gross_usd"]) }, [1_720.0, 910, 2_850]).allSatisfy { Self.close($0, $1) })
        let unwindOrders = try #require(unwind["orders"] as? [[String: Any]])
        #expect(unwindOrders.count == 1)
        let unwindOrder = try #require(unwindOrders.first)
        #expect(JournaledHost.number(unwindOrder["decision_id"]) == Double(intent.decisionID))
        #expect(unwindOrder["strategy"] as? String == "bot1_btc" && unwindOrder["symbol"] as? String == "BTCUSD")
        #expect(unwindOrder["side"] as? String == "sell" && JournaledHost.number(unwindOrder["quantity"]) == 0.05)
        #expect(unwindOrder["verdict"] as? String == "APPROVE")

        let decisions = events.filter { $0.kind == "decision" }
        #expect(decisions.map { "\($0.topic) \($0.data["origin"] as? String ?? "?")" } == [
            "risk.decision.bot1_btc strategy", "risk.decision.bot2_eth strategy", "risk.decision.bot3_sol strategy",
            "risk.decision.bot1_btc risk_unwind",
        ])
        let published = try #require(decisions.last).data
        #expect(JournaledHost.number(published["client_id"]) == 0 && published["reduce_only"] as? Bool == true)
        #expect(published["side"] as? String == "sell" && published["order_type"] as? String == "market")
        #expect(published["verdict"] as? String == "APPROVE" && JournaledHost.number(published["final_quantity"]) == 0.05)
        let unwindFills = events.filter { $0.kind == "fill" && JournaledHost.number($0.data["order_id"]) == Double(intent.decisionID) }
        #expect(unwindFills.map(\.topic) == ["risk.fill.bot1_btc"])
        #expect(JournaledHost.number(unwindFills.first?.data["price"]) == 34_400)
    }

    @Test func aPositionLargerThanTheSymbolsMaximumQuantityIsUnwoundInOrdersTheVenueTakes() throws {
        // SOL at most 4 units an order. The bot buys 4 at each of its first three trades (a
        // second apart, so its equal orders are no duplicates under a 1 s window): 12 held.
        let config = Self.config(haltPct: 5).replacingOccurrences(
            of: "risk:\n", with: "risk:\n  instruments: {SOLUSD: {max_quantity: 4}}\n  firewall: {duplicate_window_seconds: 1}\n")
        let run = try JournaledHost(strategies: [("bot_sol", ["SOLUSD"], "quantity: 4, max_intents: 3")], config: config, stream: true)
        let tape = Tape(run)
        let host = run.host
        for _ in 0..<4 { tape.trade("SOLUSD", 100) }
        #expect(Self.position(host, 1, "SOLUSD") == 12)
        // 12 × 45 = 540 lost, 5.4 % of 10,000: the halt latches and the unwind sells all 12, as
        // three reduce-only orders of 4 in the same instant (equal, and no duplicates: a
        // reduce-only intent adds no risk).
        tape.trade("SOLUSD", 55)
        #expect(host.engine.risk.controls.effectiveState == .halted)
        #expect(Self.pending(host, 1, "SOLUSD") == -12)
        tape.trade("SOLUSD", 55)
        #expect(Self.position(host, 1, "SOLUSD") == 0)
        let events = try run.finish()
        let unwind = try #require(events.first { $0.topic == "risk.unwind" })
        let orders = try #require(unwind.data["orders"] as? [[String: Any]])
        #expect(orders.map { JournaledHost.number($0["quantity"]) } == [4, 4, 4], "\(orders)")
    }

    @Test func aWinnerIsNeverFlattenedAndItsGainIsNoRoomSoTheNextWorstLoserGoesToo() throws {
        // The seed's three losers and a fourth bot in profit: XAU 10 @ 200 → 210, +100 on 2,100.
        // The cap is 2.3 % (230 USD), so the same −520 of open loss now needs two bots flattened.
        let bots = Self.seedBots + [("bot4_xau", ["XAUUSD"], "quantity: 10, max_intents: 1")]
        let run = try JournaledHost(strategies: bots, config: Self.config(haltPct: 2.3))
        let tape = Tape(run)
        let host = run.host
        for (symbol, price) in [("BTCUSD", 40_000.0), ("ETHUSD", 3_000), ("SOLUSD", 100), ("XAUUSD", 200)] {
            tape.trade(symbol, price)
        }
        for (symbol, price) in [("BTCUSD", 40_000.0), ("ETHUSD", 3_000), ("SOLUSD", 100), ("XAUUSD", 200)] {
            tape.trade(symbol, price)
        }
        // ETH falls before XAU rises, so equity never goes above 10,000 and the peak stays there
        // (a higher peak would turn the winner's open gain into locked loss). Before BTC's tick:
        // −150 + 100 − 90 = −140, 1.4 %.
        tape.trade("ETHUSD", 2_850)
        tape.trade("XAUUSD", 210)
        tape.trade("SOLUSD", 91)
        #expect(host.engine.risk.controls.effectiveState == .active)
        #expect(host.engine.risk.book.peakEquityUSD == 10_000)
        // BTC: −520 + 100 = −420, 4.2 % ≥ 2.3 %: the halt latches. Room = 230 − 0 locked = 230;
        // open loss 520 (the winner's +100 is not counted: it is not locked in).
        //   rank 1 bot1_btc −0.1628: flatten, 240 still open > 230
        //   rank 2 bot3_sol −0.0989: flatten, 150 still open ≤ 230
        //   rank 3 bot2_eth −0.0526: kept inside the cap
        //   rank 4 bot4_xau +100 / 2,100 = +0.0476: a winner, kept
        // Were the gain counted as room (330), flattening bot1 alone would have been enough.
        tape.trade("BTCUSD", 34_400)
        #expect(host.engine.risk.controls.effectiveState == .halted)
        #expect(Self.pending(host, 1, "BTCUSD") == -0.05)
        #expect(Self.pending(host, 3, "SOLUSD") == -10)
        #expect(Self.pending(host, 2, "ETHUSD") == 0)
        #expect(Self.pending(host, 4, "XAUUSD") == 0)
        // Each sell fills at its symbol's next trade.
        tape.trade("BTCUSD", 34_400)
        tape.trade("SOLUSD", 91)
        #expect([Self.position(host, 1, "BTCUSD"), Self.position(host, 2, "ETHUSD"), Self.position(host, 3, "SOLUSD"),
                 Self.position(host, 4, "XAUUSD")] == [0, 1, 0, 10])
        try run.finish()
        #expect(run.lines("bot1_btc").contains("fill 0 2 0.05 34400 0 position=0"))
        #expect(run.lines("bot3_sol").contains("fill 0 2 10 91 0 position=0"))
        #expect(!run.lines("bot2_eth").contains { $0.hasPrefix("fill 0 ") })
        #expect(!run.lines("bot4_xau").contains { $0.hasPrefix("fill 0 ") })

        let entries = try run.journal()
        #expect(JournaledHost.stateChanges(entries, kind: "unwind").map { "\($0.change.subject) \($0.change.fromState) \($0.change.toState)" } == [
            "bot1_btc rank 1 FLATTEN", "bot3_sol rank 2 FLATTEN", "bot2_eth rank 3 KEEP_INSIDE_CAP", "bot4_xau rank 4 KEEP_WINNING",
        ])
        // The orders go out in ranking order: BTC's sell, then SOL's.
        let unwindIntents = entries.compactMap { entry -> String? in
            guard case .intent(let intent) = entry.record, intent.clientID == 0 else { return nil }
            return "\(intent.strategy) \(intent.symbol) \(intent.side) \(intent.quantity) reduce_only=\(intent.reduceOnly)"
        }
        #expect(unwindIntents == ["bot1_btc BTCUSD sell 0.05 reduce_only=true", "bot3_sol SOLUSD sell 10.0 reduce_only=true"])
    }
}
