import Engine
import Foundation
import Journal
import Risk
import StrategyABI
import Testing
@testable import Host

/// The dead man's switch driven through the host on chosen wall-clock instants: it warns, goes
/// critical and fires on the period's shares, firing HALTS the account (resting risk cancelled,
/// new risk refused as ACCOUNT_HALTED, exits still allowed), a check-in cannot clear a fired switch
/// and a reset does; every step is journaled and published.
@Suite("Dead man's switch through the host")
struct DeadmanThroughTheHostTests {
    static let start: Int64 = 1_772_460_000_000_000_000
    static let second: Int64 = 1_000_000_000
    static let hour: Int64 = 3_600 * second

    /// A 24 h switch with the default thresholds (83 %, 96 %). The control channel is only named
    /// (the switch needs one in the config); nothing binds it in-process. Loose limits, no costs.
    static let config = """
        control: {endpoint: "ipc:///tmp/gatehouse-tests-unbound-control.sock"}
        deadman: {period_hours: 24}
        risk:
          account: {starting_equity_usd: 10000, drawdown_buffer_pct: 0, daily_loss_pct: 50}
          strategy: {drawdown_pct: 90, daily_loss_pct: 90, max_trades_per_day: 1000}
        execution: {paper: {slippage_bps: 0, fee_bps: 0}}
        """

    static func request(_ verb: OperatorVerb, reason: String) -> OperatorRequest {
        OperatorRequest(verb: verb, strategy: nil, operatorName: "alice", reason: reason, force: false)
    }

    @Test func itWarnsGoesCriticalFiresAndHaltsUntilAResetWhichACheckInCannotReplace() throws {
        // The fixture buys 1 BTC on every trade, and sells all it holds (reduce-only) on a trade
        // below 95: the exit the halt must still let through.
        let run = try JournaledHost(strategies: [("a", ["BTCUSD"], "exit_below: 95")], config: Self.config, stream: true)
        let host = run.host
        // The switch's period started when the host was made (its wall clock); every later
        // instant is chosen relative to it, so nothing here depends on the real clock.
        let started = try #require(host.engine.deadman).lastCheckInNs
        #expect(try #require(host.engine.deadman).periodNs == 24 * Self.hour)
        var ts = Self.start
        func trade(_ price: Double) {
            ts += Self.second
            run.trade("BTCUSD", price: price, at: ts)
        }
        func submits() -> [String] { run.lines("a").filter { $0.hasPrefix("submit ") } }
        func level() -> DeadMansSwitch.Level? { host.engine.deadman?.level }

        trade(100)   // buy 1 (client 1)
        trade(100)   // client 1 fills; buy 1 more (client 2), resting until the next trade
        host.engine.serviceDeadman(nowWallNs: started + 19 * Self.hour)   // 79 %: nothing yet
        #expect(level() == .ok)
        host.engine.serviceDeadman(nowWallNs: started + 20 * Self.hour)   // 83.3 %: warning
        #expect(level() == .warning)
        host.engine.serviceDeadman(nowWallNs: started + 21 * Self.hour)   // 87.5 %: still the warning, not repeated
        host.engine.serviceDeadman(nowWallNs: started + 23 * Self.hour + Self.hour / 2)   // 97.9 %: critical
        #expect(level() == .critical)
        #expect(host.engine.risk.controls.effectiveState == .active, "a warning does not halt")
        trade(100)   // client 2 fills (2 held); buy 1 more (client 3), resting
        #expect(host.engine.risk.book.position(strategy: 1, symbol: 1) == 2)
        #expect(host.engine.risk.book.pending(strategy: 1, symbol: 1) == 1)

        host.engine.serviceDeadman(nowWallNs: started + 24 * Self.hour)   // 100 %: fired
        #expect(level() == .fired)
        #expect(host.engine.risk.controls.effectiveState == .halted)
        #expect(host.engine.risk.controls.deadmanHalt == true)
        // The resting buy could add risk: cancelled at once, and the strategy told (cancelled, 1
        // unit, ACCOUNT_HALTED) before it sees another event.
        #expect(host.engine.risk.book.pending(strategy: 1, symbol: 1) == 0)
        #expect(run.lines("a").last == "order_update 3 \(GH_ORDER_UPDATE_CANCELLED) 1 \(GH_REASON_ACCOUNT_HALTED)")
        host.engine.serviceDeadman(nowWallNs: started + 25 * Self.hour)   // fired once; nothing more
        trade(101)   // a buy: risk-increasing, refused
        #expect(submits().last == "submit 4 rc=0 verdict=\(GH_VERDICT_REJECT) reason=ACCOUNT_HALTED")
        trade(90)    // below 95 holding 2: a reduce-only sell of both, allowed while HALTED
        #expect(submits().last == "submit 5 rc=0 verdict=\(GH_VERDICT_APPROVE) reason=NONE")
        trade(90)    // the sell fills; flat again, the fixture tries a buy: refused
        #expect(run.lines("a").contains("fill 5 \(GH_SIDE_SELL) 2 90 0 position=0"))
        #expect(submits().last == "submit 6 rc=0 verdict=\(GH_VERDICT_REJECT) reason=ACCOUNT_HALTED")

        // A check-in cannot clear a fired switch: refused, still HALTED, still refusing new risk.
        let checkin = host.engine.perform(Self.request(.checkin, reason: "back at the desk"), nowWallNs: started + 26 * Self.hour)
        #expect(checkin.kind == .refused && checkin.message.contains("does not clear it"), "\(checkin.message)")
        #expect(level() == .fired)
        #expect(host.engine.risk.controls.effectiveState == .halted)
        trade(100)
        #expect(submits().last == "submit 7 rc=0 verdict=\(GH_VERDICT_REJECT) reason=ACCOUNT_HALTED")

        // A reset clears it and starts a new period from the reset.
        let resetAt = started + 27 * Self.hour
        let reset = host.engine.perform(Self.request(.reset, reason: "reviewed the account"), nowWallNs: resetAt)
        #expect(reset.kind == .done && reset.message.contains("dead man's switch"), "\(reset.message)")
        #expect(level() == .ok)
        #expect(host.engine.deadman?.lastCheckInNs == resetAt)
        #expect(host.engine.risk.controls.effectiveState == .active)
        trade(100)
        #expect(submits().last == "submit 8 rc=0 verdict=\(GH_VERDICT_APPROVE) reason=NONE")
        // The new period counts from the reset: 19 h after it nothing, 20 h after it the warning.
        host.engine.serviceDeadman(nowWallNs: resetAt + 19 * Self.hour)
        #expect(level() == .ok)
        host.engine.serviceDeadman(nowWallNs: resetAt + 20 * Self.hour)
        #expect(level() == .warning)

        let events = try run.finish()
        let entries = try run.journal()
        // Each level once, then the reset's clearing, then the new period's warning. The account
        // went HALTED with the firing, for the switch's reason.
        let changes = JournaledHost.stateChanges(entries).filter { $0.change.kind == "deadman" || $0.change.kind == "trading_state" }
        #expect(changes.map { "\($0.change.kind) \($0.change.toState) \($0.change.reason)" } == [
            "deadman WARNING DEADMAN_SWITCH", "deadman CRITICAL DEADMAN_SWITCH", "deadman FIRED DEADMAN_SWITCH",
            "trading_state HALTED DEADMAN_SWITCH", "deadman OK OPERATOR", "trading_state ACTIVE OPERATOR", "deadman WARNING DEADMAN_SWITCH",
        ])
        #expect(changes.map(\.change.wallTimeNs) == [
            started + 20 * Self.hour, started + 23 * Self.hour + Self.hour / 2, started + 24 * Self.hour, started + 24 * Self.hour,
            resetAt, resetAt, resetAt + 20 * Self.hour,
        ])
        // Each level is recorded from the one before it; the reset un-halts the account.
        #expect(changes.map(\.change.fromState) == ["OK", "WARNING", "CRITICAL", "ACTIVE", "FIRED", "HALTED", "OK"])
        let fired = changes[2].change
        #expect(fired.value == 100 && fired.limitValue == 100)
        // Both operator requests are journaled with who, why and what came of them.
        let actions = entries.compactMap { entry -> String? in
            guard case .operatorAction(let action) = entry.record else { return nil }
            return "\(action.action) \(action.actor) \(action.reason) \(action.detail.hasPrefix("outcome=done") ? "done" : "refused")"
        }
        #expect(actions == ["CHECKIN alice back at the desk refused", "RESET alice reviewed the account done"])
        // The journal has the three refusals and the allowed exit.
        let decisions = entries.compactMap { entry -> String? in
            guard case .decision(let decision) = entry.record else { return nil }
            return "\(decision.clientID) \(decision.verdict) \(decision.reason)"
        }
        #expect(decisions == ["1 APPROVE NONE", "2 APPROVE NONE", "3 APPROVE NONE", "4 REJECT ACCOUNT_HALTED",
                              "5 APPROVE NONE", "6 REJECT ACCOUNT_HALTED", "7 REJECT ACCOUNT_HALTED", "8 APPROVE NONE"])
        // The stream: each level once on risk.deadman, then the reset.
        #expect(events.filter { $0.topic == "risk.deadman" }.map { $0.data["level"] as? String ?? "?" }
            == ["warning", "critical", "fired", "reset", "warning"])
    }
}

/// Limit alerts through the host: a mark moving a limit's usage up and down around its
/// thresholds gives one alert per real crossing (yellow at 50 %, orange at 75 %, back down only
/// 5 points below a threshold), journaled as `alert` state changes and published, not one per tick.
@Suite("Limit alerts through the host")
struct AlertsThroughTheHostTests {
    /// 10,000 of equity and a 4 % drawdown halt (400 USD), so the watched usage of
    /// `account.drawdown_halt_pct` is the open loss ÷ 4. The other limits are loose enough that
    /// their usage stays under 50 % on this tape (daily losses at 50 % and 90 %, so a 3 % loss
    /// is well under half of them), so the halt's alert is the only one.
    static let config = """
        risk:
          account: {starting_equity_usd: 10000, drawdown_halt_pct: 4, drawdown_buffer_pct: 0, rolling_24h_drawdown_pct: 50, daily_loss_pct: 50}
          strategy: {drawdown_pct: 90, daily_loss_pct: 90}
        execution: {paper: {slippage_bps: 0, fee_bps: 0}}
        """

    @Test func aDrawdownWobblingAroundItsThresholdsAlertsOncePerCrossing() throws {
        // One buy of 10 BTC at 100; afterwards each trade's price sets the loss: 10 × (100 − price).
        let run = try JournaledHost(strategies: [("a", ["BTCUSD"], "quantity: 10, max_intents: 1")], config: Self.config, stream: true)
        var ts = DeadmanThroughTheHostTests.start
        run.trade("BTCUSD", price: 100, at: ts)
        ts += DeadmanThroughTheHostTests.second
        run.trade("BTCUSD", price: 100, at: ts)
        #expect(run.host.engine.risk.book.position(strategy: 1, symbol: 1) == 10)
        // (price, usage % of the 400 USD halt, the level after it). Every level change is a
        // crossing; the ticks in between sit on the far side of a threshold but within its
        // 5-point hysteresis, or move within a level, and must stay silent.
        let tape: [(price: Double, usage: Double, level: String)] = [
            (82.4, 44, "green"),
            (79.6, 51, "yellow"),   // crosses 50 %
            (80.4, 49, "yellow"),   // back under 50 but not under 45: stays
            (79.2, 52, "yellow"),
            (81.6, 46, "yellow"),
            (79.6, 51, "yellow"),
            (82.4, 44, "green"),    // under 45: down
            (80.8, 48, "green"),
            (79.6, 51, "yellow"),   // up again
            (69.6, 76, "orange"),   // crosses 75 %
            (70.4, 74, "orange"),   // under 75 but not under 70: stays
            (71.6, 71, "orange"),
            (69.2, 77, "orange"),
            (72.4, 69, "yellow"),   // under 70: down to yellow, not to green
            (79.6, 51, "yellow"),
            (84.0, 40, "green"),    // under 45: down
        ]
        var crossings: [(ts: Int64, from: String, to: String, usage: Double)] = []
        var level = "green"
        for step in tape {
            ts += DeadmanThroughTheHostTests.second
            run.trade("BTCUSD", price: step.price, at: ts)
            if step.level != level { crossings.append((ts, level.uppercased(), step.level.uppercased(), step.usage)) }
            level = step.level
        }
        #expect(crossings.count == 6, "the tape has six crossings in sixteen ticks")
        #expect(run.host.engine.risk.controls.effectiveState == .active)

        let events = try run.finish()
        let alerts = JournaledHost.stateChanges(try run.journal(), kind: "alert").map(\.change)
        #expect(alerts.map { "\($0.subject) \($0.fromState)->\($0.toState) \($0.reason)" }
            == crossings.map { "account \($0.from)->\($0.to) account.drawdown_halt_pct" })
        #expect(alerts.map(\.eventTimeNs) == crossings.map(\.ts), "an alert is journaled at the tick that crossed")
        let usages = alerts.map { $0.value ?? .nan }
        #expect(zip(usages, crossings.map(\.usage)).allSatisfy { abs($0 - $1) < 1e-6 }, "\(usages)")
        // The use whose crossing made each change: a rising level's threshold, a falling one's
        // threshold minus the 5-point hysteresis.
        let crossed: [String: Double] = ["GREEN->YELLOW": 50, "YELLOW->ORANGE": 75, "ORANGE->RED": 100,
                                         "RED->ORANGE": 95, "ORANGE->YELLOW": 70, "YELLOW->GREEN": 45]
        for alert in alerts {
            let step = "\(alert.fromState)->\(alert.toState)"
            if let expected = crossed[step] { #expect(alert.limitValue == expected, "\(step): \(String(describing: alert.limitValue))") }
        }

        // Published once per crossing too.
        let published = events.filter { $0.topic == "risk.alert" }
        #expect(published.map { "\($0.data["previous_level"] as? String ?? "?")->\($0.data["level"] as? String ?? "?")" }
            == crossings.map { "\($0.from.lowercased())->\($0.to.lowercased())" })
        #expect(published.allSatisfy { $0.data["limit"] as? String == "account.drawdown_halt_pct" && $0.data["subject"] as? String == "account" })
    }
}
