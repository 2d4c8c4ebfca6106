import Foundation
import Risk

/// What the host could learn of a strategy's shadow record for `promote` (`Engine.promote`).
package enum PromotionEvidence: Sendable {
    /// Not given (a verb other than `promote`).
    case none
    /// No journal: nothing to measure; only a forced promotion goes ahead.
    case noJournal
    /// The record was measured against every promotion criterion.
    case measured([PromotionCriterion])
    /// The record could not be measured (why).
    case unmeasurable(String)
}

extension Engine {
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
    /// The host measures the record (`evidence`) from the journal off the event loop, so a
    /// verdict measured on the host is one no client can fake.
    func promote(_ request: OperatorRequest, evidence: PromotionEvidence,
                 change: (TransitionFact.Kind, String, String, String, Double?, Double?) -> Void,
                 events: inout [EngineEvent]) -> OperatorOutcome {
        guard let name = request.strategy, let index = strategyNames.firstIndex(of: name) else {
            return OperatorOutcome(.refused, unknownStrategy(request.strategy))
        }
        let id = UInt32(index + 1)
        let strategy = strategies[index]
        var criteria: [PromotionCriterion] = []
        func outcome(_ result: OperatorOutcome.Kind, _ message: String, promoted: Bool) -> OperatorOutcome {
            events.append(promotionEvent(strategy: name, promoted: promoted, request: request,
                                         reason: promoted ? request.reason : message, criteria: criteria))
            return OperatorOutcome(result, message)
        }
        guard strategy.mode == .shadow else {
            return outcome(.refused, "\(name) is already live", promoted: false)
        }
        guard risk.book.isFlat(strategy: id) else {
            let open = risk.book.strategy(id).openPositions
            return outcome(.refused, "\(name) is not flat: its shadow book holds a position or a resting order in \(open) symbol\(open == 1 ? "" : "s"). Promotion needs it flat so no paper position becomes live exposure: wait until it has closed them (`pause` it first so it opens nothing new)", promoted: false)
        }
        var measured = "not measured (forced)"
        switch evidence {
        case .measured(let record):
            criteria = record
            let failed = record.filter { !$0.passed }
            if !failed.isEmpty && !request.force {
                let list = failed.map { "\($0.name) (\(Self.figure($0.value)) \($0.comparison) \(Self.figure($0.threshold)) fails)" }
                return outcome(.refused, "\(name)'s shadow record fails \(list.joined(separator: ", ")); `gatehouse promote \(name)` shows the whole report, `ctl promote --force` promotes anyway", promoted: false)
            }
            measured = failed.isEmpty ? "every criterion passes" : "forced past \(failed.map(\.name).joined(separator: ", "))"
        case .unmeasurable(let error):
            if !request.force {
                return outcome(.refused, "cannot measure \(name)'s shadow record: \(error); `ctl promote --force` promotes without it", promoted: false)
            }
            measured = "not measured (\(error)); forced"
        case .noJournal, .none:
            if !request.force {
                return outcome(.refused, "this host has no journal, so \(name)'s shadow record cannot be measured; `ctl promote --force` promotes without it", promoted: false)
            }
        }
        // Nothing of its own rests anywhere (it is flat), so there is nothing to move or cancel.
        risk.promoteToLive(id)
        strategy.mode = .live
        change(.mode, name, "SHADOW", "LIVE", nil, nil)
        let adapter = live.title
        return outcome(.done, "\(name) is live (\(measured)): its orders go to \(adapter) and count against every account limit; its live record starts at its allocated capital. Before the next restart set `mode: live` for \(name) (strategies[\(index)]) in the config: a restart refuses a journal whose state has it live while the config says shadow", promoted: true)
    }

    private func promotionEvent(strategy: String, promoted: Bool, request: OperatorRequest, reason: String,
                                criteria: [PromotionCriterion]) -> EngineEvent {
        .promotion(PromotionFact(
            strategy: strategy, promoted: promoted, operatorName: request.operatorName, reason: reason,
            criteria: criteria,
            eventTimeNs: clockNs, wallTimeNs: wallNs()))
    }

    private static func figure(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
