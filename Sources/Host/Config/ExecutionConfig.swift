/// Which adapter turns approved live orders into action.
public enum LiveAdapterKind: String, Decodable, Sendable {
    /// The built-in simulated venue (`PaperVenue`): orders fill on the next market data.
    case paper
    /// Record approved orders and send nothing; nothing fills (orders stay pending).
    case record
}

/// The `execution` section: how approved orders are executed. Shadow strategies always fill on
/// paper into their shadow book, whatever the live adapter.
public struct ExecutionConfig: Decodable, Sendable {
    /// Adapter for live strategies (default `paper`).
    public var liveAdapter: LiveAdapterKind = .paper
    /// Paper venue: slippage on market orders, basis points of the price (default 2).
    public var paperSlippageBps: Double = 2
    /// Paper venue: fee, basis points of a fill's notional (default 5).
    public var paperFeeBps: Double = 5

    enum CodingKeys: String, CodingKey, CaseIterable {
        case liveAdapter = "live_adapter", paper
    }

    enum PaperKeys: String, CodingKey, CaseIterable {
        case slippageBps = "slippage_bps", feeBps = "fee_bps"
    }

    init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        liveAdapter = try container.decodeIfPresent(LiveAdapterKind.self, forKey: .liveAdapter) ?? liveAdapter
        if container.contains(.paper) {
            let paper = try container.superDecoder(forKey: .paper)
            try paper.rejectUnknownKeys(PaperKeys.self)
            let values = try paper.container(keyedBy: PaperKeys.self)
            paperSlippageBps = try values.decodeIfPresent(Double.self, forKey: .slippageBps) ?? paperSlippageBps
            paperFeeBps = try values.decodeIfPresent(Double.self, forKey: .feeBps) ?? paperFeeBps
        }
    }
}
