import ZeroMQ

/// The `events` section: the risk event stream (docs/events.md). Without it nothing is published.
public struct EventsConfig: Decodable, Sendable {
    /// Which decisions are published.
    public enum Decisions: String, Decodable, Sendable, CaseIterable {
        /// Every decision.
        case all
        /// Only RESHAPE and REJECT decisions (approvals stay in the journal).
        case notApproved = "not_approved"

        /// An unknown value is refused naming the values there are.
        public init(from decoder: any Decoder) throws {
            self = try decoder.decodeOneOf(Self.self)
        }
    }

    /// ZeroMQ endpoint the XPUB socket binds, e.g. `tcp://127.0.0.1:7100`.
    public var endpoint: String = "tcp://127.0.0.1:7100"
    /// Which decisions are published.
    public var decisions: Decisions = .all
    /// Messages queued per subscriber before the publisher drops (and counts) a message, ZMQ_SNDHWM.
    public var sendHighWaterMark: Int32 = 100_000
    /// Milliseconds between two heartbeats.
    public var heartbeatIntervalMs: Int = 1_000
    /// Subscribers connected at once; more are refused in their handshake. With `send_hwm` it
    /// bounds the memory stalled subscribers can hold (docs/events.md, "Subscribers").
    public var maxSubscribers: Int = 16
    /// Subscriptions one connection may hold at once (subscribe messages less unsubscribe
    /// messages, applied or not); the host drops a connection that sends more. libzmq keeps every
    /// subscription a connection sends, so this bounds what one subscriber can make the host hold
    /// (docs/events.md, "Subscribers").
    public var maxSubscriptions: Int = 1_024
    /// CURVE encryption and subscriber authentication (nil: none, loopback endpoint only).
    public var curve: EventsCurveConfig?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, decisions, sendHighWaterMark = "send_hwm", heartbeatIntervalMs = "heartbeat_interval_ms"
        case maxSubscribers = "max_subscribers", maxSubscriptions = "max_subscriptions", curve
    }

    public init(endpoint: String) { self.endpoint = endpoint }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decodeIfPresent(String.self, forKey: .endpoint) ?? endpoint
        decisions = try container.decodeIfPresent(Decisions.self, forKey: .decisions) ?? decisions
        sendHighWaterMark = try container.decodeIfPresent(Int32.self, forKey: .sendHighWaterMark) ?? sendHighWaterMark
        heartbeatIntervalMs = try container.decodeIfPresent(Int.self, forKey: .heartbeatIntervalMs) ?? heartbeatIntervalMs
        maxSubscribers = try container.decodeIfPresent(Int.self, forKey: .maxSubscribers) ?? maxSubscribers
        maxSubscriptions = try container.decodeIfPresent(Int.self, forKey: .maxSubscriptions) ?? maxSubscriptions
        curve = try container.decodeIfPresent(EventsCurveConfig.self, forKey: .curve)
    }
}

/// ZeroMQ CURVE on the event stream: the host's key pair and the subscribers it admits.
public struct EventsCurveConfig: Decodable, Sendable {
    /// File holding the host's key pair (`gatehouse keygen`), relative to the config's folder;
    /// mode 0600 or 0400. May be the control channel's.
    public var serverKeyFile: String
    /// Subscriber name → Z85 public key (40 characters). Only these keys may subscribe; the name
    /// is what the host logs about the connection.
    public var subscribers: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case serverKeyFile = "server_key_file", subscribers
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serverKeyFile = try container.decode(String.self, forKey: .serverKeyFile)
        subscribers = try container.decode([String: String].self, forKey: .subscribers)
    }

    /// Subscriber name by raw 32-byte public key (valid keys only; the validator refuses the rest).
    public var subscribersByKey: [[UInt8]: String] { CurveKeys.namesByKey(subscribers) }
}

/// The `control` section: the operator control channel (`gatehouse ctl`, docs/control.md).
/// Without it the running host takes no operator commands.
public struct ControlConfig: Decodable, Sendable {
    /// ZeroMQ endpoint the ROUTER socket binds: `ipc://` (made mode 0600) unless `curve` is set;
    /// the host refuses TCP without it, on loopback too.
    public var endpoint: String = "ipc:///tmp/gatehouse-control.sock"
    /// CURVE encryption and operator authentication (nil: none, ipc only).
    public var curve: CurveConfig?
    /// Milliseconds `gatehouse ctl` waits for an answer.
    public var timeoutMs: Int = 5_000

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, curve, timeoutMs = "timeout_ms"
    }

    public init(endpoint: String) { self.endpoint = endpoint }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try container.decodeIfPresent(String.self, forKey: .endpoint) ?? endpoint
        curve = try container.decodeIfPresent(CurveConfig.self, forKey: .curve)
        timeoutMs = try container.decodeIfPresent(Int.self, forKey: .timeoutMs) ?? timeoutMs
    }
}

/// ZeroMQ CURVE on the control channel: the host's key pair and the operators it accepts.
public struct CurveConfig: Decodable, Sendable {
    /// File holding the host's key pair (`gatehouse keygen` writes one); relative to the config's
    /// folder. Must be readable by the host's user only (mode 0600 or 0400).
    public var serverKeyFile: String
    /// Operator name → Z85 public key (40 characters) of that operator's client. Only these keys
    /// may connect, and an action is journaled under the name its key is listed with, whatever
    /// name the request claims.
    public var operators: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case serverKeyFile = "server_key_file", operators
    }

    /// The key that `operators` replaced: named in its own error so an older config says what to do.
    private enum FormerKeys: String, CodingKey { case clientPublicKeys = "client_public_keys" }

    public init(from decoder: any Decoder) throws {
        let former = try decoder.container(keyedBy: FormerKeys.self)
        if former.contains(.clientPublicKeys) {
            throw DecodingError.dataCorruptedError(
                forKey: .clientPublicKeys, in: former,
                debugDescription: "was replaced by control.curve.operators, a mapping of operator name to public key: the journal records the name a key is listed with, not the name a request claims")
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serverKeyFile = try container.decode(String.self, forKey: .serverKeyFile)
        operators = try container.decode([String: String].self, forKey: .operators)
    }

    /// Operator name by raw 32-byte public key (valid keys only; the validator refuses the rest).
    public var operatorsByKey: [[UInt8]: String] { CurveKeys.namesByKey(operators) }
}

/// The `deadman` section: the dead man's switch (seed 001, layer 8). An operator must check in
/// (`gatehouse ctl checkin`) within every period; at 100 % the account is HALTED until an explicit
/// `reset`. On by default whenever there is a control channel; needs one.
public struct DeadmanConfig: Decodable, Sendable {
    /// Whether the switch runs.
    public var enabled = true
    /// Longest time between two check-ins, hours.
    public var periodHours: Double = 24
    /// Share of the period at which the warning is published, percent.
    public var warningPct: Double = 83
    /// Share of the period at which the critical warning is published, percent.
    public var criticalPct: Double = 96

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, periodHours = "period_hours", warningPct = "warning_pct", criticalPct = "critical_pct"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? enabled
        periodHours = try container.decodeIfPresent(Double.self, forKey: .periodHours) ?? periodHours
        warningPct = try container.decodeIfPresent(Double.self, forKey: .warningPct) ?? warningPct
        criticalPct = try container.decodeIfPresent(Double.self, forKey: .criticalPct) ?? criticalPct
    }
}
