import Promotion
/// The whole host configuration, decoded from one YAML file (see README, "Configuration").
///
/// Every mapping rejects keys it does not define, every limit carries its unit in its name, and
/// validation checks what types alone cannot (unique names, symbol syntax, positive amounts).
public struct GatehouseConfig: Decodable, Sendable {
    /// Process-wide settings.
    public var host: HostSettings
    /// Market-data feeds to subscribe to.
    public var feeds: [FeedConfig]
    /// Strategy instances to load.
    public var strategies: [StrategyConfig]
    /// Risk limits; the stages that read them are configured here.
    public var risk: RiskConfig
    /// How approved orders are executed.
    public var execution: ExecutionConfig
    /// The audit journal (nil: none).
    public var journal: JournalConfig?
    /// What a shadow record must show before promotion to live.
    public var promotion: PromotionConfig
    /// The risk event stream (nil: none).
    public var events: EventsConfig?
    /// The operator control channel (nil: none).
    public var control: ControlConfig?
    /// The `deadman` section as written (nil: not written).
    public var deadmanSection: DeadmanConfig?
    /// Prometheus metrics over HTTP (nil: none served).
    public var metrics: MetricsConfig?

    /// The dead man's switch in force: runs when there is a control channel (check-ins come over
    /// it) unless `deadman.enabled` is false; nil when off.
    public var deadman: DeadmanConfig? {
        guard control != nil else { return nil }
        let section = deadmanSection ?? DeadmanConfig()
        return section.enabled ? section : nil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, feeds, strategies, risk, execution, journal, promotion, events, control, deadman, metrics
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decodeIfPresent(HostSettings.self, forKey: .host) ?? HostSettings()
        feeds = try container.decode([FeedConfig].self, forKey: .feeds)
        strategies = try container.decode([StrategyConfig].self, forKey: .strategies)
        risk = try container.decodeIfPresent(RiskConfig.self, forKey: .risk) ?? RiskConfig()
        execution = try container.decodeIfPresent(ExecutionConfig.self, forKey: .execution) ?? ExecutionConfig()
        journal = try container.decodeIfPresent(JournalConfig.self, forKey: .journal)
        promotion = try container.decodeIfPresent(PromotionConfig.self, forKey: .promotion) ?? PromotionConfig()
        events = try container.decodeIfPresent(EventsConfig.self, forKey: .events)
        control = try container.decodeIfPresent(ControlConfig.self, forKey: .control)
        deadmanSection = try container.decodeIfPresent(DeadmanConfig.self, forKey: .deadman)
        metrics = try container.decodeIfPresent(MetricsConfig.self, forKey: .metrics)
    }

    /// Account equity the risk chain starts from: `risk.account.starting_equity_usd`, else the
    /// sum of the live strategies' allocated capital (or of all strategies when none is live), USD.
    public var startingEquityUSD: Double {
        if let configured = risk.startingEquityUSD { return configured }
        let live = strategies.filter { $0.mode == .live }
        return (live.isEmpty ? strategies : live).reduce(0) { $0 + $1.allocatedCapitalUSD }
    }

    /// Every symbol any strategy trades, in first-mention order (this order gives symbol ids).
    public var allSymbols: [String] {
        var seen: Set<String> = []
        var ordered: [String] = []
        for strategy in strategies {
            for symbol in strategy.symbols where seen.insert(symbol).inserted { ordered.append(symbol) }
        }
        return ordered
    }
}

/// Process-wide settings.
public struct HostSettings: Decodable, Sendable {
    /// Names this host in logs and in published events (`host_id`).
    public var id: String = "gatehouse"
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public var logLevel: String = "info"
    /// Folders searched for a plugin `path` that is a bare file name, in order. Relative folders
    /// are resolved against the config file's folder. Empty: the folder of the `gatehouse` binary.
    public var pluginDirs: [String] = []
    /// Minimum seconds between two warnings about malformed frames of the same kind on one feed.
    public var dropWarningIntervalSeconds: Double = 5
    /// A live host drops (`future_timestamp`) a market event dated more than this many seconds
    /// ahead of its wall clock, so one frame cannot move the event clock (> 0, at most 1 day).
    public var maxEventAheadSeconds: Double = 5
    /// A replay or the demo drops a market event dated more than this many seconds after the
    /// latest one accepted (> 0, at most 10 years; default 7 days, longer than a market's weekend).
    public var maxEventJumpSeconds: Double = 604_800

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, logLevel = "log_level", pluginDirs = "plugin_dirs"
        case dropWarningIntervalSeconds = "drop_warning_interval_seconds"
        case maxEventAheadSeconds = "max_event_ahead_seconds", maxEventJumpSeconds = "max_event_jump_seconds"
    }

    init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? id
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? logLevel
        pluginDirs = try container.decodeIfPresent([String].self, forKey: .pluginDirs) ?? pluginDirs
        dropWarningIntervalSeconds = try container.decodeIfPresent(Double.self, forKey: .dropWarningIntervalSeconds)
            ?? dropWarningIntervalSeconds
        maxEventAheadSeconds = try container.decodeIfPresent(Double.self, forKey: .maxEventAheadSeconds) ?? maxEventAheadSeconds
        maxEventJumpSeconds = try container.decodeIfPresent(Double.self, forKey: .maxEventJumpSeconds) ?? maxEventJumpSeconds
    }
}

/// One market-data feed: a ZeroMQ SUB socket connected to a publisher.
public struct FeedConfig: Decodable, Sendable {
    /// Unique name, used in logs and counters.
    public var name: String
    /// Publisher endpoint to connect to, e.g. `tcp://127.0.0.1:5556` or `ipc:///run/md.sock`.
    public var endpoint: String
    /// Topic prefixes to subscribe to, e.g. `["md.sim."]`; empty means every topic.
    public var topics: [String]
    /// Inbound queue limit in messages (ZMQ_RCVHWM); 0 means unlimited.
    public var receiveHighWaterMark: Int32 = 100_000
    /// Largest frame taken from the publisher, bytes (ZMQ_MAXMSGSIZE): a larger one ends the
    /// connection before it is read (the host then connects again, `ConnectionKeeper`).
    public var maxFrameBytes: Int = 65_536

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, endpoint, topics, receiveHighWaterMark = "receive_hwm", maxFrameBytes = "max_frame_bytes"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        endpoint = try container.decode(String.self, forKey: .endpoint)
        topics = try container.decodeIfPresent([String].self, forKey: .topics) ?? ["md."]
        receiveHighWaterMark = try container.decodeIfPresent(Int32.self, forKey: .receiveHighWaterMark) ?? receiveHighWaterMark
        maxFrameBytes = try container.decodeIfPresent(Int.self, forKey: .maxFrameBytes) ?? maxFrameBytes
    }
}

/// Live strategies trade; shadow strategies run the same chain but nothing they decide is sent.
public enum StrategyMode: String, Decodable, Sendable {
    case live, shadow
}

/// One strategy instance: a plugin plus its symbols, mode, capital and parameters.
public struct StrategyConfig: Decodable, Sendable {
    /// Unique instance name, used in logs, decisions and operator commands.
    public var name: String
    /// The plugin file: a bare file name (searched in `host.plugin_dirs`), or a path (relative
    /// paths are resolved against the config file's folder).
    public var plugin: String
    /// Optional SHA-256 of the plugin file (64 hex digits); the host refuses to load any other file.
    public var sha256: String?
    /// Symbols the strategy receives and may trade.
    public var symbols: [String]
    /// `live` or `shadow`.
    public var mode: StrategyMode
    /// Capital allocated to the strategy, USD; per-strategy limits are fractions of it.
    public var allocatedCapitalUSD: Double
    /// The strategy's own parameters, handed to its `create` as a JSON object.
    public var params: JSONValue

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, plugin, sha256, symbols, mode
        case allocatedCapitalUSD = "allocated_capital_usd"
        case params
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        plugin = try container.decode(String.self, forKey: .plugin)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        symbols = try container.decode([String].self, forKey: .symbols)
        mode = try container.decodeIfPresent(StrategyMode.self, forKey: .mode) ?? .shadow
        allocatedCapitalUSD = try container.decode(Double.self, forKey: .allocatedCapitalUSD)
        params = try container.decodeIfPresent(JSONValue.self, forKey: .params) ?? .object([:])
    }
}
