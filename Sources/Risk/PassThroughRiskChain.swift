/// The stand-in for the risk chain while its stages are being built: it approves every intent
/// that reached it (the host has already validated the intent's fields) at the requested
/// quantity. It exists so the plugin → host → decision plumbing can be proven end to end; the
/// PortfolioGuard → CorrelationSizer → Cooldown → DecayDetector chain replaces it.
public struct PassThroughRiskChain: Sendable {
    /// A chain that approves everything it is given.
    public init() {}

    /// Approves `intent` in full.
    public func decide(_ intent: OrderIntent, decisionID: UInt64, at timestampNs: Int64) -> Decision {
        Decision(decisionID: decisionID, strategyID: intent.strategyID, clientID: intent.clientID,
                 symbolID: intent.symbolID, verdict: .approve, reason: .none,
                 requestedQuantity: intent.quantity, finalQuantity: intent.quantity, timestampNs: timestampNs)
    }
}
