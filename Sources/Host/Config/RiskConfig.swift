import Risk

/// The `risk` section: every limit and factor of the risk chain. Every key is optional and
/// defaults to the value of the source documents (see `RiskLimits`); unknown keys are errors.
/// Percentages are in percent (25 = 25 %), money in USD, durations in seconds or days as named.
public struct RiskConfig: Decodable, Sendable {
    /// The chain's limits.
    public var limits = RiskLimits()
    /// Account equity the host starts from, USD; nil = the sum of the live strategies' allocated capital.
    public var startingEquityUSD: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case account, strategy, clusters, correlation, cooldown, decay, alerts, firewall, instruments
    }

    /// Where a config key lands in `RiskLimits`.
    enum Field: Sendable {
        case number(WritableKeyPath<RiskLimits, Double> & Sendable)
        case optionalNumber(WritableKeyPath<RiskLimits, Double?> & Sendable)
        case integer(WritableKeyPath<RiskLimits, Int> & Sendable)
        case boolean(WritableKeyPath<RiskLimits, Bool> & Sendable)
        case optionalInteger(WritableKeyPath<RiskLimits, Int?> & Sendable)
    }

    /// The keys of each section and the limit each sets. One line per key: the config's whole
    /// vocabulary for the risk chain is this table (plus `account.starting_equity_usd`,
    /// `account.min_order_quantity`, `firewall.restricted_symbols`, `instruments` and `clusters`).
    static let sections: [CodingKeys: [(key: String, field: Field)]] = [
        .account: [
            ("max_gross_pct_of_equity", .number(\.maxGrossPctOfEquity)),
            ("max_gross_usd", .optionalNumber(\.maxGrossUSD)),
            ("max_symbol_pct_of_equity", .number(\.maxSymbolPctOfEquity)),
            ("stale_after_seconds", .number(\.staleAfterSeconds)),
            ("drawdown_halt_pct", .number(\.drawdownHaltPct)),
            ("drawdown_buffer_pct", .number(\.drawdownBufferPct)),
            ("rolling_24h_drawdown_pct", .number(\.rolling24hDrawdownPct)),
            ("daily_loss_pct", .number(\.accountDailyLossPct)),
            ("min_order_notional_usd", .number(\.minOrderNotionalUSD)),
        ],
        .strategy: [
            ("max_position_pct", .number(\.strategyMaxPositionPct)),
            ("max_risk_per_trade_pct", .number(\.strategyMaxRiskPerTradePct)),
            ("drawdown_pct", .number(\.strategyDrawdownPct)),
            ("daily_loss_pct", .number(\.strategyDailyLossPct)),
            ("max_open_positions", .integer(\.strategyMaxOpenPositions)),
            ("max_trades_per_day", .integer(\.strategyMaxTradesPerDay)),
            ("caps_follow_equity", .boolean(\.strategyCapsFollowEquity)),
        ],
        .correlation: [
            ("sample_seconds", .number(\.correlationSampleSeconds)),
            ("window_samples", .integer(\.correlationWindowSamples)),
            ("min_samples", .integer(\.correlationMinSamples)),
            ("full_size_at", .number(\.correlationFullSizeAt)),
            ("min_size_at", .number(\.correlationMinSizeAt)),
            ("min_factor", .number(\.correlationMinFactor)),
            ("reject_above", .optionalNumber(\.correlationRejectAbove)),
        ],
        .cooldown: [
            ("losses_before_scaling", .integer(\.cooldownLossesBeforeScaling)),
            ("step_factor", .number(\.cooldownStepFactor)),
            ("floor_factor", .number(\.cooldownFloorFactor)),
        ],
        .decay: [
            ("window_days", .number(\.decayWindowDays)),
            ("min_trades", .integer(\.decayMinTrades)),
            ("min_sharpe", .number(\.decayMinSharpe)),
        ],
        .alerts: [
            ("hysteresis_pct", .number(\.alertHysteresisPct)),
        ],
        .firewall: [
            ("max_order_pct_of_capital", .number(\.maxOrderPctOfCapital)),
            ("price_band_pct", .optionalNumber(\.priceBandPct)),
            ("stale_portfolio_after_seconds", .optionalNumber(\.stalePortfolioAfterSeconds)),
            ("max_intents_per_second", .optionalNumber(\.maxIntentsPerSecond)),
            ("intent_burst", .optionalNumber(\.intentBurst)),
            ("account_max_intents_per_second", .optionalNumber(\.accountMaxIntentsPerSecond)),
            ("account_intent_burst", .optionalNumber(\.accountIntentBurst)),
            ("duplicate_window_seconds", .optionalNumber(\.duplicateWindowSeconds)),
            ("repeated_fills", .optionalInteger(\.repeatedFills)),
            ("repeated_fills_window_seconds", .optionalNumber(\.repeatedFillsWindowSeconds)),
            ("fair_share", .boolean(\.fairShare)),
            ("loop_share_pct", .optionalNumber(\.loopSharePct)),
            ("loop_share_window_seconds", .number(\.loopShareWindowSeconds)),
            ("callback_budget_ms", .number(\.callbackBudgetMs)),
            ("callback_overruns_to_pause", .integer(\.callbackOverrunsToPause)),
            ("callback_overrun_window_seconds", .number(\.callbackOverrunWindowSeconds)),
        ],
    ]

    /// Keys of `account` that are not limits.
    static let accountExtras = ["starting_equity_usd", "min_order_quantity"]
    /// Keys of `firewall` that are not numbers.
    static let firewallExtras = ["restricted_symbols", "self_trade"]

    init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var limits = RiskLimits()
        for section in [CodingKeys.account, .strategy, .correlation, .cooldown, .decay, .alerts, .firewall] where container.contains(section) {
            let fields = Self.sections[section] ?? []
            let sectionDecoder = try container.superDecoder(forKey: section)
            let extras = section == .account ? Self.accountExtras : section == .firewall ? Self.firewallExtras : []
            try sectionDecoder.rejectUnknownKeys(allowed: fields.map(\.key) + extras)
            let values = try sectionDecoder.container(keyedBy: AnyCodingKey.self)
            for (key, field) in fields {
                let codingKey = AnyCodingKey(stringValue: key)
                switch field {
                case .number(let path):
                    if let value = try values.decodeIfPresent(Double.self, forKey: codingKey) { limits[keyPath: path] = value }
                case .optionalNumber(let path):
                    if let value = try values.decodeIfPresent(Double.self, forKey: codingKey) { limits[keyPath: path] = value }
                case .integer(let path):
                    if let value = try values.decodeIfPresent(Int.self, forKey: codingKey) { limits[keyPath: path] = value }
                case .boolean(let path):
                    if let value = try values.decodeIfPresent(Bool.self, forKey: codingKey) { limits[keyPath: path] = value }
                case .optionalInteger(let path):
                    if let value = try values.decodeIfPresent(Int.self, forKey: codingKey) { limits[keyPath: path] = value }
                }
            }
            if section == .account {
                startingEquityUSD = try values.decodeIfPresent(Double.self, forKey: AnyCodingKey(stringValue: "starting_equity_usd"))
                if let minimums = try values.decodeIfPresent([String: Double].self, forKey: AnyCodingKey(stringValue: "min_order_quantity")) {
                    limits.minOrderQuantity = minimums
                }
            }
            if section == .firewall {
                limits.restrictedSymbols = try values.decodeIfPresent([String].self, forKey: AnyCodingKey(stringValue: "restricted_symbols")) ?? []
                let selfTradeKey = AnyCodingKey(stringValue: "self_trade")
                if let policy = try values.decodeIfPresent(String.self, forKey: selfTradeKey) {
                    guard let parsed = RiskLimits.SelfTradePolicy(rawValue: policy) else {
                        let allowed = RiskLimits.SelfTradePolicy.allCases.map(\.rawValue).joined(separator: ", ")
                        throw DecodingError.dataCorruptedError(forKey: selfTradeKey, in: values,
                                                               debugDescription: "'\(policy)' is not a self-trade policy (one of: \(allowed))")
                    }
                    limits.selfTradePolicy = parsed
                }
            }
        }
        if let instruments = try container.decodeIfPresent([String: InstrumentEntry].self, forKey: .instruments) {
            limits.instruments = instruments.mapValues(\.rules)
        }
        if let clusters = try container.decodeIfPresent([ClusterEntry].self, forKey: .clusters) {
            limits.clusters = clusters.map { RiskLimits.Cluster(name: $0.name, symbols: $0.symbols, maxPctOfEquity: $0.maxPctOfEquity) }
        }
        self.limits = limits
    }

    /// One entry of `risk.instruments`: a symbol's order rules, every key optional.
    struct InstrumentEntry: Decodable {
        var rules = InstrumentRules()

        enum CodingKeys: String, CodingKey, CaseIterable {
            case tickSize = "tick_size", lotSize = "lot_size", minQuantity = "min_quantity"
            case maxQuantity = "max_quantity", maxNotionalUSD = "max_notional_usd"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rules = InstrumentRules(
                tickSize: try c.decodeIfPresent(Double.self, forKey: .tickSize),
                lotSize: try c.decodeIfPresent(Double.self, forKey: .lotSize),
                minQuantity: try c.decodeIfPresent(Double.self, forKey: .minQuantity),
                maxQuantity: try c.decodeIfPresent(Double.self, forKey: .maxQuantity),
                maxNotionalUSD: try c.decodeIfPresent(Double.self, forKey: .maxNotionalUSD))
        }
    }

    /// One entry of `risk.clusters`.
    struct ClusterEntry: Decodable {
        var name: String
        var symbols: [String]
        var maxPctOfEquity: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, symbols, maxPctOfEquity = "max_pct_of_equity"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            symbols = try c.decode([String].self, forKey: .symbols)
            maxPctOfEquity = try c.decode(Double.self, forKey: .maxPctOfEquity)
        }
    }
}
