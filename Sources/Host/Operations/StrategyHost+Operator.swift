import Engine
import Risk

/// The answer to one control request: JSON text `{"ok", "verb", "outcome", "message", "status"?}`.
struct OperatorReply {
    /// `done`, `refused` (the host would not, and says why) or `error` (the request was unusable).
    var outcome: String
    var message: String
    var verb: String
    /// `status` only: the status object's JSON text.
    var status: String?

    var json: String {
        var object = EventJSON()
        object.add("ok", outcome == "done")
        object.add("verb", verb)
        object.add("outcome", outcome)
        object.add("message", message)
        if let status { object.add("status", raw: status) }
        return object.closed
    }
}

extension StrategyHost {
    /// Carries out an operator's request on the loop thread. Every action (all verbs but
    /// `status`), done or refused, is journaled as an operator action with who and why and
    /// published on `risk.operator`; the state changes it makes are journaled and published too.
    ///
    /// `promote` with a journal is measured off the event loop (`PromotionMeasurement`): nil is
    /// returned, and `finishPromotion` answers once the measurement is in (`address` is where).
    func perform(_ request: OperatorRequest, nowWallNs: Int64, replyTo address: ControlChannel.ReplyAddress) -> OperatorReply? {
        if request.verb == .promote, let journalPath, pendingPromotion == nil,
           let index = strategyNames.firstIndex(of: request.strategy ?? "") {
            // Read the journal on its own thread; the loop keeps deciding meanwhile. The checks
            // that need the loop's state (mode, flat) are made when the answer is given.
            pendingPromotion = PromotionMeasurement(request: request, address: address, strategy: strategyConfigs[index],
                                                    journal: journalPath, criteria: promotionCriteria)
            return nil
        }
        return perform(request, nowWallNs: nowWallNs)
    }

    /// The answer to the pending promotion once its measurement is in (nil while it is not, or
    /// none is pending): the promotion is carried out now, on the loop, with the measured record.
    func finishPromotion(nowWallNs: Int64) -> (ControlChannel.ReplyAddress, OperatorReply)? {
        guard let pending = pendingPromotion, let measured = pending.result else { return nil }
        pendingPromotion = nil
        return (pending.address, perform(pending.request, nowWallNs: nowWallNs, measured: measured))
    }

    /// Carries out `request` on the loop thread and journals it. `measured`: a promotion's record,
    /// measured off the loop (nil: measured here when needed).
    func perform(_ request: OperatorRequest, nowWallNs: Int64, measured: PromotionMeasurement.Outcome? = nil) -> OperatorReply {
        if request.verb == .status {
            return OperatorReply(outcome: "done", message: "status", verb: "status", status: statusJSON(nowWallNs: nowWallNs))
        }
        var changes: [TransitionFact] = []
        var events: [EngineEvent] = []
        func change(_ kind: TransitionFact.Kind, _ subject: String, _ from: String, _ to: String, value: Double? = nil, limit: Double? = nil) {
            changes.append(TransitionFact(kind: kind, subject: subject, from: from, to: to, reason: "OPERATOR", value: value,
                                          limit: limit, eventTimeNs: clockNs, wallTimeNs: nowWallNs))
        }
        let (outcome, message) = apply(request, nowWallNs: nowWallNs, measured: measured, change: change, events: &events)
        let action = OperatorActionFact(
            verb: request.verb.rawValue, subject: request.strategy ?? "account", operatorName: request.operatorName,
            reason: request.reason, forced: request.force, outcome: outcome, message: message,
            eventTimeNs: clockNs, wallTimeNs: nowWallNs)
        // The action, the state changes it made, then what else it told (promotion, dead man's switch).
        sink?.record(.operatorAction(action))
        for change in changes { sink?.record(.transition(change)) }
        for event in events { sink?.record(event) }
        logger.notice("operator action", metadata: [
            "verb": "\(request.verb.rawValue)", "subject": "\(action.subject)", "operator": "\(request.operatorName)",
            "reason": "\(request.reason)", "outcome": "\(outcome)", "message": "\(message)",
        ])
        flushDecisions()
        sink?.endEvent(state: captureState)
        return OperatorReply(outcome: outcome, message: message, verb: request.verb.rawValue)
    }

    private func apply(_ request: OperatorRequest, nowWallNs: Int64, measured: PromotionMeasurement.Outcome?,
                       change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                       events: inout [EngineEvent]) -> (String, String) {
        func strategyID() -> UInt32? {
            strategyNames.firstIndex(of: request.strategy ?? "").map { UInt32($0 + 1) }
        }
        switch request.verb {
        case .status:
            return ("done", "status")
        case .pause:
            guard let id = strategyID() else { return ("refused", unknownStrategy(request.strategy)) }
            if risk.operatorPaused[Int(id) - 1] { return ("done", "\(request.strategy!) was already paused") }
            risk.pauseStrategy(id)
            change(.pause, request.strategy!, "RUNNING", "PAUSED", nil, nil)
            cancelRiskIncreasingOrders(of: id, because: "paused by an operator", code: .strategyPaused)
            return ("done", "\(request.strategy!) paused: no new risk until resumed; its exits still pass")
        case .resume:
            guard let id = strategyID() else { return ("refused", unknownStrategy(request.strategy)) }
            let index = Int(id) - 1
            guard risk.operatorPaused[index] || risk.decayPaused[index] else { return ("done", "\(request.strategy!) was not paused") }
            let by = risk.operatorPaused[index] ? (risk.decayPaused[index] ? "an operator and the decay detector" : "an operator") : "the decay detector"
            risk.resumeStrategy(id)
            change(.pause, request.strategy!, "PAUSED", "RUNNING", nil, nil)
            return ("done", "\(request.strategy!) resumed (it was paused by \(by))")
        case .kill:
            if risk.controls.killSwitch { return ("done", "the kill switch was already on") }
            risk.setKillSwitch(true)
            change(.killSwitch, "account", "OFF", "ON", nil, nil)
            cancelRiskIncreasingOrders(of: nil, because: "kill switch", code: .killSwitchActive, everything: true)
            return ("done", "kill switch ON: every intent is refused, exits included, and every resting order was cancelled; `reset` clears it")
        case .reset:
            return reset(request, nowWallNs: nowWallNs, change: change, events: &events)
        case .promote:
            if pendingPromotion != nil {
                return ("refused", "a promotion of \(pendingPromotion!.request.strategy ?? "?") is being measured; ask again once it is answered")
            }
            return promote(request, measured: measured, change: change, events: &events)
        case .checkin:
            guard var switchState = deadman else { return ("refused", "no dead man's switch runs on this host (it needs a control section and deadman.enabled)") }
            guard switchState.checkIn(at: nowWallNs) else {
                return ("refused", "the dead man's switch has fired and the account is HALTED; a check-in does not clear it: review the account, then `gatehouse ctl reset`")
            }
            deadman = switchState
            events.append(deadmanEvent("checked_in", nowWallNs: nowWallNs))
            return ("done", "checked in: the next check-in is due within \(Double(switchState.periodNs) / 3.6e12) h")
        }
    }

    /// Clears the kill switch, a latched halt and a fired dead man's switch, all or nothing: while
    /// a latch's cause is still present it is refused (naming the cause) unless forced.
    private func reset(_ request: OperatorRequest, nowWallNs: Int64,
                       change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                       events: inout [EngineEvent]) -> (String, String) {
        let drawdown = risk.book.drawdownPct
        let haltPct = risk.limits.drawdownHaltPct
        if risk.controls.haltLatch != nil && drawdown >= haltPct && !request.force {
            return ("refused", "the account drawdown (\(drawdown) %) is still at or past the halt (\(haltPct) %): the halt stays latched. `reset --force` accepts the loss and re-bases peak equity to the current equity")
        }
        var cleared: [String] = []
        if risk.controls.killSwitch {
            risk.setKillSwitch(false)
            change(.killSwitch, "account", "ON", "OFF", nil, nil)
            cleared.append("kill switch")
        }
        if let latch = risk.controls.haltLatch {
            let forced = drawdown >= haltPct
            _ = risk.resetHaltLatch(force: request.force)
            change(.latch, "account", "HALTED", "ACTIVE", drawdown, haltPct)
            cleared.append(forced ? "\(latch) halt (forced; peak equity re-based)" : "\(latch) halt")
        }
        if var switchState = deadman {
            let fired = risk.controls.deadmanHalt == true
            switchState.reset(at: nowWallNs)
            deadman = switchState
            if fired {
                risk.setDeadmanHalt(false)
                change(.deadman, "account", "FIRED", "OK", nil, nil)
                cleared.append("dead man's switch")
            }
            events.append(deadmanEvent("reset", nowWallNs: nowWallNs))
        }
        if cleared.isEmpty { return ("done", "nothing to reset: no kill switch, latch or fired dead man's switch") }
        return ("done", "cleared: \(cleared.joined(separator: ", ")); trading state now \(risk.controls.effectiveState.rawValue)")
    }

    /// The refusal of a request naming no strategy of this host.
    func unknownStrategy(_ name: String?) -> String {
        "no strategy '\(name ?? "")' on this host (strategies: \(strategyNames.joined(separator: ", ")))"
    }

    /// Hands the trading state and kill switch to the event stream's heartbeat (two atomic stores).
    func publishStatus() {
        guard let publisher else { return }
        let code: RiskEventPublisher.TradingStateCode = switch risk.controls.effectiveState {
        case .active: .active
        case .reducing: .reducing
        case .halted: .halted
        }
        publisher.setStatus(tradingState: code.rawValue, killSwitch: risk.controls.killSwitch)
    }

    // MARK: Dead man's switch

    /// Moves the dead man's switch to wall time `nowWallNs` (the loop calls it every turn; tests
    /// pass a manual clock). Publishes each level once; at 100 % the account goes HALTED (exits
    /// still pass) until an explicit reset.
    func serviceDeadman(nowWallNs: Int64) {
        guard var switchState = deadman, let level = switchState.advance(to: nowWallNs) else { return }
        deadman = switchState
        var changes = [TransitionFact(
            kind: .deadman, subject: "account", from: "CHECKED_IN", to: level.description.uppercased(), reason: "DEADMAN_SWITCH",
            value: switchState.elapsedPct(at: nowWallNs), limit: 100, eventTimeNs: clockNs, wallTimeNs: nowWallNs)]
        if level == .fired {
            let before = risk.controls.effectiveState
            risk.setDeadmanHalt(true)
            changes.append(TransitionFact(kind: .tradingState, subject: "account", from: before.rawValue, to: "HALTED",
                                          reason: "DEADMAN_SWITCH", eventTimeNs: clockNs, wallTimeNs: nowWallNs))
            cancelRiskIncreasingOrders(of: nil, because: "dead man's switch", code: .accountHalted)
            logger.critical("dead man's switch FIRED: no operator check-in within the period; account HALTED until `gatehouse ctl reset`", metadata: [
                "period_hours": "\(Double(switchState.periodNs) / 3.6e12)",
            ])
        } else {
            logger.warning("dead man's switch: operator check-in due", metadata: [
                "level": "\(level)", "elapsed_pct": "\(switchState.elapsedPct(at: nowWallNs))",
            ])
        }
        sink?.record(deadmanEvent(level.description, nowWallNs: nowWallNs))
        for change in changes { sink?.record(.transition(change)) }
        flushDecisions()
        sink?.endEvent(state: captureState)
    }

    private func deadmanEvent(_ level: String, nowWallNs: Int64) -> EngineEvent {
        .deadman(DeadmanFact(level: level, state: deadman!, eventTimeNs: clockNs, wallTimeNs: nowWallNs))
    }
}
