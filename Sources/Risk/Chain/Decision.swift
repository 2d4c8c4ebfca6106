/// The risk chain's answer to one intent.
public struct Decision: Equatable, Sendable {
    /// Host-assigned, unique and increasing within a run.
    public var decisionID: UInt64
    /// The intent's strategy.
    public var strategyID: UInt32
    /// The intent's client id.
    public var clientID: UInt64
    /// The intent's symbol.
    public var symbolID: UInt32
    /// Approve, reshape or reject.
    public var verdict: Verdict
    /// The primary reason (`.none` for a clean approval).
    public var reason: ReasonCode
    /// The quantity asked for.
    public var requestedQuantity: Double
    /// The quantity let through: equal to the request on approve, smaller on reshape, 0 on reject.
    public var finalQuantity: Double
    /// Event time of the decision, ns since the Unix epoch.
    public var timestampNs: Int64

    /// Creates a decision.
    public init(
        decisionID: UInt64, strategyID: UInt32, clientID: UInt64, symbolID: UInt32, verdict: Verdict,
        reason: ReasonCode, requestedQuantity: Double, finalQuantity: Double, timestampNs: Int64
    ) {
        self.decisionID = decisionID
        self.strategyID = strategyID
        self.clientID = clientID
        self.symbolID = symbolID
        self.verdict = verdict
        self.reason = reason
        self.requestedQuantity = requestedQuantity
        self.finalQuantity = finalQuantity
        self.timestampNs = timestampNs
    }

    /// A rejection of `intent` for `reason`.
    public static func reject(_ intent: OrderIntent, reason: ReasonCode, decisionID: UInt64, at timestampNs: Int64) -> Decision {
        Decision(decisionID: decisionID, strategyID: intent.strategyID, clientID: intent.clientID,
                 symbolID: intent.symbolID, verdict: .reject, reason: reason,
                 requestedQuantity: intent.quantity, finalQuantity: 0, timestampNs: timestampNs)
    }
}
