import Engine
import Foundation
import Journal
import Risk
import Testing
@testable import Host

/// Strategy isolation with the gcc-built fixture, a real SQLite journal and the event stream
/// (docs/risk-chain.md, "Strategy isolation"): a slow callback is an overrun, logged, counted,
/// journaled and published, and enough of them pause the strategy while the other goes on; a
/// strategy past its share of the loop's time or of the audit queue has its new risk refused
/// while the other's is decided as before; a replay only measures.
@Suite("Strategy isolation through the host")
struct StrategyIsolationTests {
    static let second: Int64 = 1_000_000_000
    static let start: Int64 = 1_772_460_000_000_000_000

    /// Loose limits, no costs; `firewall` is the `risk.firewall` section's YAML flow mapping.
    static func config(firewall: String) -> String {
        """
        risk:
          account: {starting_equity_usd: 100000, drawdown_buffer_pct: 0, daily_loss_pct: 50}
          strategy: {max_position_pct: 100, drawdown_pct: 90, daily_loss_pct: 90, max_trades_per_day: 100000}
          firewall: \(firewall)
        execution: {paper: {slippage_bps: 0, fee_bps: 0}}
        """
    }

    /// The reasons of `strategy`'s synchronous decisions, in order.
    static func reasons(_ run: JournaledHost, _ strategy: String) -> [String] {
        run.lines(strategy).filter { $0.hasPrefix("submit ") }.map { String($0.split(separator: "=").last ?? "") }
    }

    @Test func slowCallbacksAreReportedAndPauseTheirStrategyWhileTheOtherGoesOn() throws {
        // `slow` sleeps 250 ms in each on_market_data from the third trade on: past the 100 ms budget.
        let run = try JournaledHost(
            strategies: [("slow", ["BTCUSD"], "quantity: 0.2, sleep_ms: 250, sleep_from_event: 3"), ("quick", ["BTCUSD"], "quantity: 0.2")],
            config: Self.config(firewall: "{callback_budget_ms: 100, callback_overruns_to_pause: 2, fair_share: false}"), stream: true)
        run.host.enforcesWallTimeIsolation = true
        for step in 1...5 { run.trade("BTCUSD", price: 100, at: Self.start + Int64(step) * Self.second) }
        // Trades 3 and 4 overran; the second pause came at the end of trade 4's callback, so
        // trade 5's intent (made after another overrun) is refused; quick is never held up.
        #expect(Self.reasons(run, "slow") == ["NONE", "NONE", "NONE", "NONE", "CALLBACK_OVERRUN"])
        #expect(Self.reasons(run, "quick") == Array(repeating: "NONE", count: 5))
        #expect(run.host.engine.strategies[0].callbackOverruns == 3 && run.host.engine.strategies[1].callbackOverruns == 0)
        #expect(run.host.watchdog.longestNs(0) >= 250_000_000)
        let events = try run.finish()

        let watchdog = events.filter { $0.kind == "state" && $0.data["kind"] as? String == "watchdog" }
        #expect(watchdog.map { "\($0.data["subject"] ?? "") \($0.data["from"] ?? "")->\($0.data["to"] ?? "") \($0.data["reason"] ?? "")" }
            == ["slow 0->1 on_market_data", "slow 1->2 on_market_data", "slow 0->1 on_market_data"])
        #expect(watchdog.allSatisfy { (JournaledHost.number($0.data["value"]) ?? 0) >= 250 && JournaledHost.number($0.data["limit"]) == 100 })
        let pause = events.first { $0.kind == "state" && $0.data["kind"] as? String == "strategy_pause" }
        #expect(pause?.data["subject"] as? String == "slow" && pause?.data["reason"] as? String == "CALLBACK_OVERRUN")

        let journal = try run.journal()
        let rows = JournaledHost.stateChanges(journal, kind: "WATCHDOG").map { "\($0.change.subject) \($0.change.fromState)->\($0.change.toState)" }
        #expect(rows == ["slow 0->1", "slow 1->2", "slow 0->1"])
        // The pause is journaled with the state after it: a restart keeps it.
        let pauseSeq = try #require(JournaledHost.stateChanges(journal).first { $0.change.reason == "CALLBACK_OVERRUN" }?.seq)
        #expect(journal.contains { entry in
            guard case .snapshot = entry.record else { return false }
            return entry.seq > pauseSeq
        })
    }

    @Test func aReplayCountsOverrunsButNeitherPausesNorRefuses() throws {
        let run = try JournaledHost(
            strategies: [("slow", ["BTCUSD"], "quantity: 0.2, sleep_ms: 150, sleep_from_event: 2"), ("quick", ["BTCUSD"], "quantity: 0.2")],
            config: Self.config(firewall: "{callback_budget_ms: 100, callback_overruns_to_pause: 2, loop_share_window_seconds: 0.2}"))
        #expect(!run.host.enforcesWallTimeIsolation, "a plugin host enforces only when the event loop of a live host says so")
        for step in 1...4 { run.trade("BTCUSD", price: 100, at: Self.start + Int64(step) * Self.second) }
        #expect(Self.reasons(run, "slow") == Array(repeating: "NONE", count: 4))
        #expect(run.host.engine.strategies[0].callbackOverruns == 3)
        try run.finish()
    }

    @Test func aStrategyPastItsShareOfTheLoopsTimeIsRefusedNewRiskWhileTheOtherGoesOn() throws {
        // Windows of 200 ms: each of two strategies may use 100 ms of one. `hog` sleeps 150 ms
        // before its intent from the second trade on; the budget (1 s) is not reached.
        let run = try JournaledHost(
            strategies: [("hog", ["BTCUSD"], "quantity: 0.2, sleep_ms: 150, sleep_from_event: 2"), ("quick", ["BTCUSD"], "quantity: 0.2")],
            config: Self.config(firewall: "{callback_budget_ms: 1000, loop_share_window_seconds: 0.2}"))
        run.host.enforcesWallTimeIsolation = true
        for step in 1...3 { run.trade("BTCUSD", price: 100, at: Self.start + Int64(step) * Self.second) }
        #expect(Self.reasons(run, "hog") == ["NONE", "LOOP_TIME_SHARE_EXCEEDED", "LOOP_TIME_SHARE_EXCEEDED"])
        #expect(Self.reasons(run, "quick") == ["NONE", "NONE", "NONE"])
        #expect(run.host.engine.strategies[0].callbackOverruns == 0)
        try run.finish()
        let refused = try run.journal().compactMap { entry -> DecisionRecord? in
            guard case .decision(let decision) = entry.record, decision.reason == "LOOP_TIME_SHARE_EXCEEDED" else { return nil }
            return decision
        }
        let block = try #require(TailReplay.isolation(in: refused.first?.stages ?? []))
        #expect(block.code == .loopTimeShareExceeded && block.details.0 >= 150 && block.details.1 == 100 && block.details.2 == 200)
    }

    @Test func aStrategyFloodingTheAuditQueueIsRefusedBeforeItStarvesTheOther() throws {
        // The journal takes nothing: its ring (4,096 events) fills. Two strategies share the
        // refusal mark (3,072): past the pressure mark (1,536 queued), one holding more than
        // 1,536 of them has its new risk refused, before the mark refuses everyone's.
        let run = try JournaledHost(
            strategies: [("flood", ["BTCUSD"], "quantity: 0.11"), ("innocent", ["ETHUSD"], "quantity: 0.11")],
            config: Self.config(firewall: "{stale_portfolio_after_seconds: 86400}"), pauseJournal: true)
        run.trade("ETHUSD", price: 100, at: Self.start)
        var step: Int64 = 0
        // Until the flood is refused, or everyone is (the ring is then near full: a loop that
        // went on would wait for the paused journal for ever).
        while step < 1_000 && !["AUDIT_QUEUE_SHARE_EXCEEDED", "JOURNAL_UNAVAILABLE"].contains(Self.reasons(run, "flood").last) {
            step += 1
            run.trade("BTCUSD", price: 100, at: Self.start + step * Self.second)
        }
        let flood = Self.reasons(run, "flood")
        #expect(flood.last == "AUDIT_QUEUE_SHARE_EXCEEDED", "\(Set(flood)) after \(step) trades, ring \(run.sink.journal!.ring.count)")
        #expect(flood.filter { $0 == "JOURNAL_UNAVAILABLE" }.isEmpty)
        // The innocent strategy still trades.
        run.trade("ETHUSD", price: 100, at: Self.start + (step + 1) * Self.second)
        #expect(Self.reasons(run, "innocent") == ["NONE", "NONE"])
        let block = try #require(run.sink.auditShareExceeded(strategy: 1))
        #expect(block.details.0 > 1_536 && block.details.1 == 1_536 && block.details.3 == 4_096)
        #expect(run.sink.auditShareExceeded(strategy: 2) == nil)
        run.resumeJournal()
        try run.finish()
        // Nothing was lost: every decision is in the journal, the refusal with its figures.
        let decisions = try run.journal().compactMap { entry -> DecisionRecord? in
            guard case .decision(let decision) = entry.record else { return nil }
            return decision
        }
        #expect(decisions.count == flood.count + 2)
        let refused = try #require(decisions.first { $0.reason == "AUDIT_QUEUE_SHARE_EXCEEDED" })
        let replayed = try #require(TailReplay.isolation(in: refused.stages))
        #expect(replayed.code == .auditQueueShareExceeded && replayed.details.1 == 1_536 && replayed.details.3 == 4_096)
    }
}
