import Foundation
import Engine
import Risk

extension StrategyHost {
    /// `promote <strategy>`: moves a shadow strategy to live on the running host, when
    /// - it is in shadow mode;
    /// - its shadow book is flat (no position, no resting order), so no paper position turns into
    ///   live exposure;
    /// - its shadow record in the journal passes every `promotion` criterion (`gatehouse promote`
    ///   measures the same), unless forced; without a journal only a forced promotion goes ahead.
    ///
    /// Its orders then go to the live adapter and count against every account limit, and its live
    /// record starts at its allocated capital (`PortfolioBook.promoteToLive`). The config still
    /// says shadow: the answer names the change to make before a restart, and a restart without
    /// it is refused with the same words. Every request, promoted or not, is published on
    /// `risk.promotion` with the criteria measured.
    ///
    /// Measuring reads the strategy's own decisions and shadow fills, through the journal's
    /// per-strategy indices, on a thread of its own (`PromotionMeasurement`, `record`): the
    /// loop keeps deciding meanwhile, and a verdict measured on the host is one no client can
    /// fake. Without `record` (a direct call) it is read here.
    func promote(_ request: OperatorRequest, measured record: PromotionMeasurement.Outcome? = nil,
                 change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                 events: inout [EngineEvent]) -> (String, String) {
        guard let name = request.strategy, let index = strategyNames.firstIndex(of: name) else {
            return ("refused", unknownStrategy(request.strategy))
        }
        let id = UInt32(index + 1)
        let instance = strategies[index]
        var criteria: [PromotionReport.Criterion] = []
        func outcome(_ result: String, _ message: String, promoted: Bool) -> (String, String) {
            events.append(promotionEvent(strategy: name, promoted: promoted, request: request,
                                         reason: promoted ? request.reason : message, criteria: criteria))
            return (result, message)
        }
        guard instance.mode == .shadow else {
            return outcome("refused", "\(name) is already live", promoted: false)
        }
        guard risk.book.isFlat(strategy: id) else {
            let open = risk.book.strategy(id).openPositions
            return outcome("refused", "\(name) is not flat: its shadow book holds a position or a resting order in \(open) symbol\(open == 1 ? "" : "s"). Promotion needs it flat so no paper position becomes live exposure: wait until it has closed them (`pause` it first so it opens nothing new)", promoted: false)
        }
        var measured = "not measured (forced)"
        if let journalPath {
            do {
                let report = try (record ?? PromotionMeasurement.measure(
                    strategy: strategyConfigs[index], journal: journalPath, criteria: promotionCriteria)).get()
                criteria = report.criteria
                let failed = report.criteria.filter { !$0.passed }
                if !failed.isEmpty && !request.force {
                    let list = failed.map { "\($0.name) (\(Self.figure($0.value)) \($0.comparison) \(Self.figure($0.threshold)) fails)" }
                    return outcome("refused", "\(name)'s shadow record fails \(list.joined(separator: ", ")); `gatehouse promote \(name)` shows the whole report, `ctl promote --force` promotes anyway", promoted: false)
                }
                measured = failed.isEmpty ? "every criterion passes" : "forced past \(failed.map(\.name).joined(separator: ", "))"
            } catch {
                if !request.force {
                    return outcome("refused", "cannot measure \(name)'s shadow record: \(error); `ctl promote --force` promotes without it", promoted: false)
                }
                measured = "not measured (\(error)); forced"
            }
        } else if !request.force {
            return outcome("refused", "this host has no journal, so \(name)'s shadow record cannot be measured; `ctl promote --force` promotes without it", promoted: false)
        }
        // Nothing of its own rests anywhere (it is flat), so there is nothing to move or cancel.
        risk.promoteToLive(id)
        instance.mode = .live
        change(.mode, name, "SHADOW", "LIVE", nil, nil)
        let adapter = liveOnGateway ? "the order gateway" : (liveOnPaper ? "the paper venue (live book)" : "the recording adapter")
        return outcome("done", "\(name) is live (\(measured)): its orders go to \(adapter) and count against every account limit; its live record starts at its allocated capital. Before the next restart set `mode: live` for \(name) (strategies[\(index)]) in the config: a restart refuses a journal whose state has it live while the config says shadow", promoted: true)
    }

    private func promotionEvent(strategy: String, promoted: Bool, request: OperatorRequest, reason: String,
                                criteria: [PromotionReport.Criterion]) -> EngineEvent {
        .promotion(PromotionFact(
            strategy: strategy, promoted: promoted, operatorName: request.operatorName, reason: reason,
            criteria: criteria,
            eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs()))
    }

    private static func figure(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
