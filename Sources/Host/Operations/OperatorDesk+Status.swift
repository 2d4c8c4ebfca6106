import Engine
import Risk

extension OperatorDesk {
    /// The `status` answer (docs/control.md): the account's totals and state, the kill switch and
    /// the dead man's switch, and per strategy the view seed 000 asks for: mode, state, exposure,
    /// the share of each budget it consumes, drawdown, cooldown factor and Sharpe.
    func statusJSON(nowWallNs: Int64) -> String {
        let engine = engine, risk = engine.risk
        let book = risk.book
        let limits = risk.limits
        var account = EventJSON()
        account.add("equity_usd", book.equityUSD)
        account.add("peak_equity_usd", book.peakEquityUSD)
        account.add("drawdown_pct", book.drawdownPct)
        account.add("drawdown_halt_pct", limits.drawdownHaltPct)
        account.add("daily_loss_pct", book.dailyLossPct)
        account.add("daily_loss_limit_pct", limits.accountDailyLossPct)
        let gross = risk.usage(of: WatchedLimit(rule: .grossExposure, subject: .account))
        account.add("gross_exposure_usd", gross.value)
        account.add("gross_cap_usd", gross.limit)
        account.add("realized_usd", book.liveRealizedUSD)
        account.add("unrealized_usd", book.liveUnrealizedUSD)

        var object = EventJSON()
        object.add("host_id", hostID)
        object.add("event_time_ns", engine.clockNs)
        object.add("wall_time_ns", nowWallNs)
        object.add("trading_state", risk.controls.effectiveState.rawValue)
        object.add("kill_switch", risk.controls.killSwitch)
        // `operator`: limits set with `ctl limits` are in force, not the config file's.
        object.add("limits_source", engine.operatorLimits == nil ? "config" : "operator")
        object.add("halt_latch", risk.controls.haltLatch?.description ?? "")
        object.add("account", raw: account.closed)
        if let switchState = engine.deadman {
            var deadmanObject = EventJSON()
            deadmanObject.add("level", switchState.level.description)
            deadmanObject.add("elapsed_pct", switchState.elapsedPct(at: nowWallNs))
            deadmanObject.add("last_checkin_wall_ns", switchState.lastCheckInNs)
            deadmanObject.add("deadline_wall_ns", switchState.deadlineNs)
            object.add("deadman", raw: deadmanObject.closed)
        } else {
            object.add("deadman", raw: "null")
        }
        object.add("strategies", array: Array(engine.strategies.indices)) { row, index in
            let id = UInt32(index + 1)
            let entry = book.strategy(id)
            let exposure = book.grossUSD(strategy: id)
            row.add("name", engine.strategyNames[index])
            row.add("mode", entry.mode == .live ? "live" : "shadow")
            let state: String
            if risk.operatorPaused[index] { state = "PAUSED_BY_OPERATOR" }
            else if risk.decayPaused[index] { state = "PAUSED_BY_DECAY" }
            else if risk.orderFlow.executionLatched[index] { state = "PAUSED_BY_REPEATED_EXECUTIONS" }
            else if risk.orderFlow.callbackPaused[index] { state = "PAUSED_BY_CALLBACK_WATCHDOG" }
            else if risk.strategyDailyLossDay[index] == book.dayIndex { state = "NO_NEW_RISK_TODAY" }
            else { state = "RUNNING" }
            row.add("state", state)
            row.add("exposure_usd", exposure)
            row.add("realized_usd", entry.realizedUSD)
            row.add("unrealized_usd", book.unrealizedUSD(strategy: id))
            let drawdown = risk.usage(of: WatchedLimit(rule: .strategyDrawdown, subject: .strategy(id)))
            let dailyLoss = risk.usage(of: WatchedLimit(rule: .strategyDailyLoss, subject: .strategy(id)))
            row.add("drawdown_pct", drawdown.value)
            // Shares of each budget it uses, percent: its exposure of the account's gross cap and
            // of its own allocation, its drawdown of its breaker, its day's loss of its limit.
            var shares = EventJSON()
            shares.add("account_gross_cap_pct", gross.limit > 0 && entry.mode == .live ? exposure / gross.limit * 100 : 0)
            shares.add("allocated_capital_pct", entry.allocatedCapitalUSD > 0 ? exposure / entry.allocatedCapitalUSD * 100 : 0)
            shares.add("drawdown_breaker_pct", drawdown.limit > 0 ? drawdown.value / drawdown.limit * 100 : 0)
            shares.add("daily_loss_limit_pct", dailyLoss.limit > 0 ? dailyLoss.value / dailyLoss.limit * 100 : 0)
            row.add("budget_use", raw: shares.closed)
            row.add("cooldown_factor", RiskChain.cooldownFactor(losses: entry.consecutiveLosses, limits: limits))
            row.add("sharpe", risk.decayWindows[index].annualizedSharpe)
            row.add("trades_in_decay_window", risk.decayWindows[index].count)
        }
        return object.closed
    }
}
