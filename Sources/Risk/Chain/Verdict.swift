/// What the risk chain decided about an intent. Raw values are the `GH_VERDICT_*` constants.
public enum Verdict: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// Accepted at the requested quantity.
    case approve = 1
    /// Accepted at a smaller quantity.
    case reshape = 2
    /// Refused; nothing is sent.
    case reject = 3

    /// `APPROVE`, `RESHAPE` or `REJECT`.
    public var description: String {
        switch self {
        case .approve: "APPROVE"
        case .reshape: "RESHAPE"
        case .reject: "REJECT"
        }
    }
}
