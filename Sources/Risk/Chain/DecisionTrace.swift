/// The stages of the chain, in order. `validation` is the host's own check of the intent's
/// fields before the chain; `execution` is the adapter that acts on an approval.
public enum RiskStage: UInt8, Sendable, CaseIterable, CustomStringConvertible, BitwiseCopyable {
    case validation, firewall, portfolioGuard, correlationSizer, cooldown, decayDetector, execution

    public var description: String {
        switch self {
        case .validation: "Validation"
        case .firewall: "Firewall"
        case .portfolioGuard: "PortfolioGuard"
        case .correlationSizer: "CorrelationSizer"
        case .cooldown: "Cooldown"
        case .decayDetector: "DecayDetector"
        case .execution: "ExecutionAdapter"
        }
    }
}

/// What one stage did to an intent: the quantity it was given and let through, its factor, and
/// the reason with up to four numeric details (named by `code.detailKeys`). A plain value, so
/// recording one allocates nothing; `rendered` formats it off the hot path.
public struct StageNote: Sendable, Equatable, BitwiseCopyable {
    public var stage: RiskStage
    public var code: ReasonCode
    /// Quantity the stage was given (units).
    public var quantityIn: Double
    /// Quantity the stage let through (units).
    public var quantityOut: Double
    /// Sizing factor the stage applied to the risk-increasing part (1 when it did not scale).
    public var factor: Double
    /// Detail values, in the order of `code.detailKeys`.
    public var details: (Double, Double, Double, Double)

    public init(stage: RiskStage, code: ReasonCode, quantityIn: Double, quantityOut: Double, factor: Double = 1,
                details: (Double, Double, Double, Double) = (0, 0, 0, 0)) {
        self.stage = stage
        self.code = code
        self.quantityIn = quantityIn
        self.quantityOut = quantityOut
        self.factor = factor
        self.details = details
    }

    public static func == (lhs: StageNote, rhs: StageNote) -> Bool {
        lhs.stage == rhs.stage && lhs.code == rhs.code && lhs.quantityIn == rhs.quantityIn
            && lhs.quantityOut == rhs.quantityOut && lhs.factor == rhs.factor
            && lhs.details.0 == rhs.details.0 && lhs.details.1 == rhs.details.1
            && lhs.details.2 == rhs.details.2 && lhs.details.3 == rhs.details.3
    }

    /// The detail as `key=value` pairs, e.g. `cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000`.
    public var renderedDetail: String {
        let values = [details.0, details.1, details.2, details.3]
        return zip(code.detailKeys, values).map { "\($0)=\(Self.format($1))" }.joined(separator: " ")
    }

    /// `CODE: key=value …`, or just `CODE` when the code has no details.
    public var rendered: String {
        let detail = renderedDetail
        return detail.isEmpty ? code.description : "\(code): \(detail)"
    }

    /// Numbers as an auditor reads them: integers without a fraction, others rounded to 6
    /// significant decimals.
    static func format(_ value: Double) -> String {
        if !value.isFinite { return "\(value)" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(value)
        if text.contains("e") { return text }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 7 {
            text = String((value * 1e6).rounded() / 1e6)
        }
        return text
    }
}
