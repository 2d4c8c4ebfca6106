import Risk

extension Engine {
    /// After each event: updates every watched limit's alert level and hands each crossing
    /// to the output (`RiskChain.updateAlertLevels`). Allocates only when a level changes.
    func evaluateAlerts() {
        guard output != nil else { return }
        alertCrossings.removeAll(keepingCapacity: true)
        risk.updateAlertLevels(into: &alertCrossings)
        for crossing in alertCrossings {
            publishAlert(risk.watchedLimits[crossing.slot], from: crossing.from, to: crossing.to, usagePct: crossing.usagePct,
                         value: crossing.value, limit: crossing.limit)
        }
    }

    private func publishAlert(_ limit: WatchedLimit, from: AlertLevel, to: AlertLevel, usagePct: Double, value: Double, limit limitValue: Double) {
        // Alert levels are not part of the recoverable state (a restarted host starts green), so
        // the fact needs no snapshot after it and recovery passes over its row.
        let crossed = to > from ? to.thresholdPct
            : (AlertLevel(rawValue: to.rawValue + 1)?.thresholdPct ?? 100) - risk.alertLevels.hysteresisPct
        emit(.alert(AlertFact(rule: limit.rule, subject: limit.subject, from: from, to: to, usagePct: usagePct,
                              value: value, limit: limitValue, crossedPct: crossed, eventTimeNs: clockNs, wallTimeNs: wallNs())))
        if to > from {
            logger.warning("limit alert", metadata: [
                "limit": "\(limit.rule.rawValue)", "subject": "\(names.subject(limit.subject))", "level": "\(to)", "usage_pct": "\(usagePct)",
            ])
        }
    }
}
