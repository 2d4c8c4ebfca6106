import Promotion
import Engine
import Foundation
import Synchronization

/// A `promote` request whose strategy's shadow record is being read from the journal and checked
/// against the promotion criteria on a thread of its own, so the event loop keeps deciding; the
/// loop polls `result` and answers once it is in (`OperatorDesk.finishPromotion`). One at a time.
final class PromotionMeasurement: Sendable {
    /// What measuring gave: the report, or why there is none.
    typealias Outcome = Result<PromotionReport, PromotionReport.Failure>

    let request: OperatorRequest
    let address: ControlChannel.ReplyAddress
    private let slot = Slot()

    /// Where the measuring thread leaves its outcome.
    private final class Slot: Sendable {
        let outcome = Mutex<Outcome?>(nil)
    }

    /// Starts measuring `strategy`'s record in `journal` now.
    init(request: OperatorRequest, address: ControlChannel.ReplyAddress, strategy: StrategyConfig, journal: String,
         criteria: PromotionConfig) {
        self.request = request
        self.address = address
        let thread = Thread { [slot] in
            nameCurrentThread("gh-promotion")
            let measured = Self.measure(strategy: strategy, journal: journal, criteria: criteria)
            slot.outcome.withLock { $0 = measured }
        }
        thread.name = "gh-promotion"
        thread.start()
    }

    /// The measurement, once it is done (any thread).
    var result: Outcome? { slot.outcome.withLock { $0 } }

    /// Reads and checks the record (`PromotionReport.make`), as an outcome.
    static func measure(strategy: StrategyConfig, journal: String, criteria: PromotionConfig) -> Outcome {
        do {
            return .success(try PromotionReport.make(strategy: strategy, journal: journal, criteria: criteria))
        } catch let failure as PromotionReport.Failure {
            return .failure(failure)
        } catch {
            return .failure(PromotionReport.Failure(description: "\(error)"))
        }
    }
}
