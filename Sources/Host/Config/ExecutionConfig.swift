/// Which adapter turns approved live orders into action.
public enum LiveAdapterKind: String, Decodable, Sendable {
    /// The built-in simulated venue (`PaperVenue`): orders fill on the next market data.
    case paper
    /// Record approved orders and send nothing; nothing fills (orders stay pending).
    case record
    /// Send live orders to an external order gateway (`execution.gateway`, docs/gateway-protocol.md).
    case gateway
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
    /// Gateway: the endpoint of its ROUTER socket (required when `live_adapter` is `gateway`).
    public var gatewayEndpoint: String?
    /// Gateway: milliseconds (wall clock) an order may wait for its acknowledgement before its
    /// state counts as unknown and new risk on its (strategy, symbol) is refused (default 2000).
    public var gatewayAckTimeoutMs: Int = 2_000
    /// Gateway: milliseconds between heartbeats sent to it (default 1000).
    public var gatewayHeartbeatIntervalMs: Int = 1_000
    /// Gateway: a fill priced more than this percent away from the symbol's mark is refused (not
    /// booked), counted as `fill_outside_band` and logged at critical level (default 25).
    public var gatewayFillBandPct: Double = 25
    /// Gateway: milliseconds a new order may wait for a connection to the gateway before it is
    /// rejected and never sent (default 2000): nothing is sent late on a reconnect.
    public var gatewayMaxSendDelayMs: Int = 2_000

    enum CodingKeys: String, CodingKey, CaseIterable {
        case liveAdapter = "live_adapter", paper, gateway
    }

    enum GatewayKeys: String, CodingKey, CaseIterable {
        case endpoint, ackTimeoutMs = "ack_timeout_ms", heartbeatIntervalMs = "heartbeat_interval_ms"
        case fillBandPct = "fill_band_pct", maxSendDelayMs = "max_send_delay_ms"
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
        if container.contains(.gateway) {
            let gateway = try container.superDecoder(forKey: .gateway)
            try gateway.rejectUnknownKeys(GatewayKeys.self)
            let values = try gateway.container(keyedBy: GatewayKeys.self)
            gatewayEndpoint = try values.decodeIfPresent(String.self, forKey: .endpoint)
            gatewayAckTimeoutMs = try values.decodeIfPresent(Int.self, forKey: .ackTimeoutMs) ?? gatewayAckTimeoutMs
            gatewayHeartbeatIntervalMs = try values.decodeIfPresent(Int.self, forKey: .heartbeatIntervalMs) ?? gatewayHeartbeatIntervalMs
            gatewayFillBandPct = try values.decodeIfPresent(Double.self, forKey: .fillBandPct) ?? gatewayFillBandPct
            gatewayMaxSendDelayMs = try values.decodeIfPresent(Int.self, forKey: .maxSendDelayMs) ?? gatewayMaxSendDelayMs
        }
    }
}
