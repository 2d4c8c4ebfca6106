import Journal
import Risk

extension StrategyHost {
    /// After each event: feeds every watched limit's usage to the alert levels and journals and
    /// publishes each crossing (seed 002: yellow at 50 %, orange at 75 %, red at 100 %, with
    /// hysteresis so a value wobbling at a threshold gives one alert, not one per tick).
    /// O(watched limits); allocates only when a level changes.
    func evaluateAlerts() {
        guard audit != nil else { return }
        for slot in watched.indices {
            let (value, limit) = risk.usage(of: watched[slot])
            let usage = limit > 0 ? value / limit * 100 : 0
            guard let (from, to) = alerts.update(slot: slot, usagePct: usage) else { continue }
            publishAlert(watched[slot], from: from, to: to, usagePct: usage, value: value, limit: limit)
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
        audit?.record(.init(records: [.stateChange(record)], events: [RiskEvent(kind: "alert", eventTimeNs: clockNs, data: data.closed)]),
                      at: clockNs)
        if to > from {
            logger.warning("limit alert", metadata: [
                "limit": "\(limit.rule.rawValue)", "subject": "\(subject)", "level": "\(to)", "usage_pct": "\(usagePct)",
            ])
        }
    }
}
