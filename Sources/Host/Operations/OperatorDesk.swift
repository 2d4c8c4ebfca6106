import Promotion
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

/// The control channel's way into the engine: answers `status` from the engine's state, hands
/// every action to `Engine.perform` (which journals and publishes it), and measures a
/// `promote` request's shadow record from the journal on a thread of its own first
/// (`PromotionMeasurement`), so the loop keeps deciding meanwhile. Confined to the loop thread.
final class OperatorDesk {
    let engine: Engine
    /// The host's configured id (`host.id`), in the status.
    let hostID: String
    /// The strategies' settings, in config order, for promotion's measure of a shadow record.
    let strategyConfigs: [StrategyConfig]
    /// What a shadow record must show before `promote` (the `promotion` section).
    let promotionCriteria: PromotionConfig
    /// The journal file (nil: none), read by `promote`.
    let journalPath: String?
    /// A `promote` request whose record is being measured off the loop (nil: none).
    var pendingPromotion: PromotionMeasurement?
    /// The config the host started from: `limits` validates a new risk section against it.
    let loaded: LoadedConfig

    init(engine: Engine, config loaded: LoadedConfig) {
        self.engine = engine
        hostID = loaded.config.host.id
        strategyConfigs = loaded.config.strategies
        promotionCriteria = loaded.config.promotion
        journalPath = loaded.config.journal.map { loaded.resolvePath($0.path) }
        self.loaded = loaded
    }

    /// Carries out an operator's request on the loop thread. Every action (all verbs but
    /// `status`), done or refused, is journaled as an operator action with who and why and
    /// published on `risk.operator`; the state changes it makes are journaled and published too.
    ///
    /// `promote` with a journal is measured off the event loop (`PromotionMeasurement`): nil is
    /// returned, and `finishPromotion` answers once the measurement is in (`address` is where).
    func perform(_ request: OperatorRequest, nowWallNs: Int64, replyTo address: ControlChannel.ReplyAddress) -> OperatorReply? {
        if request.verb == .promote, let journalPath, pendingPromotion == nil,
           let index = engine.strategyNames.firstIndex(of: request.strategy ?? "") {
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

    /// Carries out `request` on the loop thread. `measured`: a promotion's record, measured off
    /// the loop (nil: measured here when needed).
    func perform(_ request: OperatorRequest, nowWallNs: Int64, measured: PromotionMeasurement.Outcome? = nil) -> OperatorReply {
        if request.verb == .status {
            return OperatorReply(outcome: "done", message: "status", verb: "status", status: statusJSON(nowWallNs: nowWallNs))
        }
        var refusal: String?
        var evidence = PromotionEvidence.none
        if request.verb == .promote {
            if let pendingPromotion {
                refusal = "a promotion of \(pendingPromotion.request.strategy ?? "?") is being measured; ask again once it is answered"
            } else {
                evidence = self.evidence(for: request, measured: measured)
            }
        }
        var limits: LimitsChange?
        if request.verb == .limits {
            do {
                limits = try LimitsFile.read(request.limitsYAML ?? "", file: "the limits file", running: loaded,
                                                inForce: engine.risk.limits)
            } catch {
                refusal = "\(error.description); the limits in force stay"
            }
        }
        let outcome = engine.perform(request, nowWallNs: nowWallNs, evidence: evidence, refusal: refusal, limits: limits)
        return OperatorReply(outcome: outcome.kind.rawValue, message: outcome.message, verb: request.verb.rawValue)
    }

    /// The shadow record `promote` is decided on: measured off the loop already, or read here.
    private func evidence(for request: OperatorRequest, measured: PromotionMeasurement.Outcome?) -> PromotionEvidence {
        guard let journalPath else { return .noJournal }
        guard let index = engine.strategyNames.firstIndex(of: request.strategy ?? "") else { return .none }
        let outcome = measured ?? PromotionMeasurement.measure(strategy: strategyConfigs[index], journal: journalPath,
                                                               criteria: promotionCriteria)
        switch outcome {
        case .success(let report): return .measured(report.criteria)
        case .failure(let failure): return .unmeasurable("\(failure)")
        }
    }

    /// Hands the trading state and kill switch to the event stream's heartbeat (two atomic stores).
    func publishStatus(to publisher: RiskEventPublisher?) {
        guard let publisher else { return }
        let code: RiskEventPublisher.TradingStateCode = switch engine.risk.controls.effectiveState {
        case .active: .active
        case .reducing: .reducing
        case .halted: .halted
        }
        publisher.setStatus(tradingState: code.rawValue, killSwitch: engine.risk.controls.killSwitch)
    }
}
