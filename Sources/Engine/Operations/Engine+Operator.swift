import Risk

/// What an operator verb did: `done`, or `refused` with the reason (the request was understood
/// and the engine would not).
package struct OperatorOutcome: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case done, refused
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

extension Engine {
    /// Carries out an operator's action (every verb but `status`, which the host answers from
    /// the state) and records it: the action with who and why, the state changes it made, then
    /// what else it told (promotion, dead man's switch). The event is closed with a snapshot:
    /// recovery never re-applies an operator's action. `evidence`: for `promote`, the strategy's
    /// measured shadow record (the host measures it off the event loop).
    /// `refusal`: the host refuses the request for a reason of its own (a promotion already
    /// being measured); it is recorded like any refused action and nothing is applied.
    /// `limits`: for `limits`, the change the host read and validated from the request's file.
    package func perform(_ request: OperatorRequest, nowWallNs: Int64, evidence: PromotionEvidence = .none,
                         refusal: String? = nil, limits: LimitsChange? = nil) -> OperatorOutcome {
        var changes: [TransitionFact] = []
        var events: [EngineEvent] = []
        func change(_ kind: TransitionFact.Kind, _ subject: String, _ from: String, _ to: String, value: Double? = nil, limit: Double? = nil) {
            changes.append(TransitionFact(kind: kind, subject: subject, from: from, to: to, reason: "OPERATOR", value: value,
                                          limit: limit, eventTimeNs: clockNs, wallTimeNs: nowWallNs))
        }
        let outcome = refusal.map { OperatorOutcome(.refused, $0) }
            ?? apply(request, nowWallNs: nowWallNs, evidence: evidence, limits: limits, change: change, events: &events)
        let action = OperatorActionFact(
            verb: request.verb.rawValue, subject: request.strategy ?? "account", operatorName: request.operatorName,
            reason: request.reason, forced: request.force, outcome: outcome.kind.rawValue, message: outcome.message,
            eventTimeNs: clockNs, wallTimeNs: nowWallNs)
        emit(.operatorAction(action))
        for change in changes { emit(.transition(change)) }
        for event in events { emit(event) }
        logger.notice("operator action", metadata: [
            "verb": "\(request.verb.rawValue)", "subject": "\(action.subject)", "operator": "\(request.operatorName)",
            "reason": "\(request.reason)", "outcome": "\(outcome.kind.rawValue)", "message": "\(outcome.message)",
        ])
        flushNotices()
        closeEvent()
        return outcome
    }

    private func apply(_ request: OperatorRequest, nowWallNs: Int64, evidence: PromotionEvidence, limits: LimitsChange?,
                       change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                       events: inout [EngineEvent]) -> OperatorOutcome {
        func strategyID() -> UInt32? {
            strategyNames.firstIndex(of: request.strategy ?? "").map { UInt32($0 + 1) }
        }
        switch request.verb {
        case .status:
            return OperatorOutcome(.done, "status")
        case .pause:
            guard let id = strategyID() else { return OperatorOutcome(.refused, unknownStrategy(request.strategy)) }
            if risk.operatorPaused[Int(id) - 1] { return OperatorOutcome(.done, "\(request.strategy!) was already paused") }
            risk.pauseStrategy(id)
            change(.pause, request.strategy!, "RUNNING", "PAUSED", nil, nil)
            cancelRiskIncreasingOrders(of: id, because: "paused by an operator", code: .strategyPaused)
            return OperatorOutcome(.done, "\(request.strategy!) paused: no new risk until resumed; its exits still pass")
        case .resume:
            guard let id = strategyID() else { return OperatorOutcome(.refused, unknownStrategy(request.strategy)) }
            let index = Int(id) - 1
            var pausedBy: [String] = []
            if risk.operatorPaused[index] { pausedBy.append("an operator") }
            if risk.decayPaused[index] { pausedBy.append("the decay detector") }
            if risk.orderFlow.executionLatched[index] { pausedBy.append("the repeated-execution latch") }
            if risk.orderFlow.callbackPaused[index] { pausedBy.append("the callback watchdog") }
            guard !pausedBy.isEmpty else { return OperatorOutcome(.done, "\(request.strategy!) was not paused") }
            let by = pausedBy.count == 1 ? pausedBy[0] : pausedBy.dropLast().joined(separator: ", ") + " and " + pausedBy.last!
            risk.resumeStrategy(id)
            change(.pause, request.strategy!, "PAUSED", "RUNNING", nil, nil)
            return OperatorOutcome(.done, "\(request.strategy!) resumed (it was paused by \(by))")
        case .kill:
            if risk.controls.killSwitch { return OperatorOutcome(.done, "the kill switch was already on") }
            risk.setKillSwitch(true)
            change(.killSwitch, "account", "OFF", "ON", nil, nil)
            cancelRiskIncreasingOrders(of: nil, because: "kill switch", code: .killSwitchActive, everything: true)
            return OperatorOutcome(.done, "kill switch ON: every intent is refused, exits included, and every resting order was cancelled; `reset` clears it")
        case .reset:
            return reset(request, nowWallNs: nowWallNs, change: change, events: &events)
        case .promote:
            return promote(request, evidence: evidence, change: change, events: &events)
        case .limits:
            guard let limits else { return OperatorOutcome(.refused, "limits needs the new risk section (--file)") }
            if limits.changes.isEmpty { return OperatorOutcome(.done, "no limit changed: the file's risk section is the one in force") }
            // The first change's baseline stays: a restart compares the config with it.
            let source = OperatorLimits(configured: operatorLimits?.configured ?? limits.source.configured, inForce: limits.source.inForce)
            if let failure = adoptLimits(limits.limits, source: source) {
                return OperatorOutcome(.refused, "risk.\(failure.key): \(failure.message); the limits in force stay")
            }
            for entry in limits.changes { change(.limit, "risk.\(entry.key)", entry.from, entry.to, nil, nil) }
            let list = LimitsChange.list(limits.changes)
            return OperatorOutcome(.done, "\(limits.changes.count) limit\(limits.changes.count == 1 ? "" : "s") changed, in force from the next intent: \(list). They stay in force across restarts while the config's risk section is unchanged; write the same change in the config to make it permanent (a restart with an edited risk section takes the config's)")
        case .checkin:
            guard var switchState = deadman else { return OperatorOutcome(.refused, "no dead man's switch runs on this host (it needs a control section and deadman.enabled)") }
            guard switchState.checkIn(at: nowWallNs) else {
                return OperatorOutcome(.refused, "the dead man's switch has fired and the account is HALTED; a check-in does not clear it: review the account, then `gatehouse ctl reset`")
            }
            deadman = switchState
            events.append(deadmanEvent("checked_in", nowWallNs: nowWallNs))
            return OperatorOutcome(.done, "checked in: the next check-in is due within \(Double(switchState.periodNs) / 3.6e12) h")
        }
    }

    /// Clears the kill switch, a latched halt and a fired dead man's switch, all or nothing: while
    /// a latch's cause is still present it is refused (naming the cause) unless forced.
    private func reset(_ request: OperatorRequest, nowWallNs: Int64,
                       change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                       events: inout [EngineEvent]) -> OperatorOutcome {
        let drawdown = risk.book.drawdownPct
        let haltPct = risk.limits.drawdownHaltPct
        if risk.controls.haltLatch != nil && drawdown >= haltPct && !request.force {
            return OperatorOutcome(.refused, "the account drawdown (\(drawdown) %) is still at or past the halt (\(haltPct) %): the halt stays latched. `reset --force` accepts the loss and re-bases peak equity to the current equity")
        }
        var cleared: [String] = []
        let stateBefore = risk.controls.effectiveState
        defer {
            // The account's trading state, as its own record, whichever latch held it.
            let stateAfter = risk.controls.effectiveState
            if stateAfter != stateBefore { change(.tradingState, "account", stateBefore.rawValue, stateAfter.rawValue, nil, nil) }
        }
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
        if cleared.isEmpty { return OperatorOutcome(.done, "nothing to reset: no kill switch, latch or fired dead man's switch") }
        return OperatorOutcome(.done, "cleared: \(cleared.joined(separator: ", ")); trading state now \(risk.controls.effectiveState.rawValue)")
    }

    /// The refusal of a request naming no strategy of this host.
    package func unknownStrategy(_ name: String?) -> String {
        "no strategy '\(name ?? "")' on this host (strategies: \(strategyNames.joined(separator: ", ")))"
    }

    // MARK: Dead man's switch

    /// Moves the dead man's switch to wall time `nowWallNs` (the loop calls it every turn; tests
    /// pass a manual clock). Publishes each level once; at 100 % the account goes HALTED (exits
    /// still pass) until an explicit reset.
    package func serviceDeadman(nowWallNs: Int64) {
        guard var switchState = deadman else { return }
        let previous = switchState.level
        guard let level = switchState.advance(to: nowWallNs) else { return }
        deadman = switchState
        var changes = [TransitionFact(
            kind: .deadman, subject: "account", from: previous.description.uppercased(), to: level.description.uppercased(), reason: "DEADMAN_SWITCH",
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
        emit(deadmanEvent(level.description, nowWallNs: nowWallNs))
        for change in changes { emit(.transition(change)) }
        flushNotices()
        closeEvent()
    }

    private func deadmanEvent(_ level: String, nowWallNs: Int64) -> EngineEvent {
        .deadman(DeadmanFact(level: level, state: deadman!, eventTimeNs: clockNs, wallTimeNs: nowWallNs))
    }
}
