import Journal
import Risk

extension StrategyHost {
    /// After each event: updates every watched limit's alert level and journals and publishes
    /// each crossing (`RiskChain.updateAlertLevels`). Allocates only when a level changes.
    func evaluateAlerts() {
        guard audit != nil else { return }
        alertCrossings.removeAll(keepingCapacity: true)
        risk.updateAlertLevels(into: &alertCrossings)
        for crossing in alertCrossings {
            publishAlert(risk.watchedLimits[crossing.slot], from: crossing.from, to: crossing.to, usagePct: crossing.usagePct,
                         value: crossing.value, limit: crossing.limit)
        }
    }

    /// The name an alert gives what a limit applies to.
    func subjectName(_ subject: WatchedLimit.Subject) -> String {
        switch subject {
        case .account: "account"
        case .strategy(let id): strategyNames[Int(id) - 1]
        case .symbol(let id): symbols.allNames[Int(id) - 1]
        case .cluster(let index): risk.limits.clusters[index].name
        }
    }

    private func publishAlert(_ limit: WatchedLimit, from: AlertLevel, to: AlertLevel, usagePct: Double, value: Double, limit limitValue: Double) {
        let subject = subjectName(limit.subject)
        var data = EventJSON()
        data.add("limit", limit.rule.rawValue)
        data.add("subject", subject)
        data.add("level", to.description)
        data.add("previous_level", from.description)
        data.add("usage_pct", usagePct)
        data.add("value", value)
        data.add("limit_value", limitValue)
        // Journaled as a change of the limit's alert level.
        let record = StateChangeRecord(
            eventTimeNs: clockNs, wallTimeNs: AuditSink.wallNs(), kind: "alert", subject: "\(limit.rule.rawValue) \(subject)",
            fromState: from.description.uppercased(), toState: to.description.uppercased(), reason: limit.rule.rawValue,
            value: usagePct, limitValue: 100)
        // Alert levels are not part of the recoverable state (a restarted host starts green), so
        // the record needs no snapshot after it and recovery passes over it.
        audit?.record(.init(records: [.stateChange(record)], events: [RiskEvent(kind: "alert", eventTimeNs: clockNs, data: data.closed)]),
                      at: clockNs, changesState: false)
        if to > from {
            logger.warning("limit alert", metadata: [
                "limit": "\(limit.rule.rawValue)", "subject": "\(subject)", "level": "\(to)", "usage_pct": "\(usagePct)",
            ])
        }
    }
}
