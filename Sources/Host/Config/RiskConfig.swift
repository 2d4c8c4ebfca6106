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
        case account, strategy, clusters, correlation, cooldown, decay
    }

    init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var limits = RiskLimits()
        if let account = try container.decodeIfPresent(Account.self, forKey: .account) {
            startingEquityUSD = account.startingEquityUSD
            account.apply(to: &limits)
        }
        try container.decodeIfPresent(StrategySection.self, forKey: .strategy)?.apply(to: &limits)
        if let clusters = try container.decodeIfPresent([ClusterEntry].self, forKey: .clusters) {
            limits.clusters = clusters.map { RiskLimits.Cluster(name: $0.name, symbols: $0.symbols, maxPctOfEquity: $0.maxPctOfEquity) }
        }
        try container.decodeIfPresent(Correlation.self, forKey: .correlation)?.apply(to: &limits)
        try container.decodeIfPresent(Cooldown.self, forKey: .cooldown)?.apply(to: &limits)
        try container.decodeIfPresent(Decay.self, forKey: .decay)?.apply(to: &limits)
        self.limits = limits
    }

    /// `risk.account`: account-wide limits (PortfolioGuard).
    struct Account: Decodable {
        var startingEquityUSD: Double?
        var maxGrossPctOfEquity: Double?
        var maxGrossUSD: Double?
        var maxSymbolPctOfEquity: Double?
        var staleAfterSeconds: Double?
        var drawdownHaltPct: Double?
        var drawdownBufferPct: Double?
        var rolling24hDrawdownPct: Double?
        var dailyLossPct: Double?
        var minOrderNotionalUSD: Double?
        var minOrderQuantity: [String: Double]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case startingEquityUSD = "starting_equity_usd"
            case maxGrossPctOfEquity = "max_gross_pct_of_equity"
            case maxGrossUSD = "max_gross_usd"
            case maxSymbolPctOfEquity = "max_symbol_pct_of_equity"
            case staleAfterSeconds = "stale_after_seconds"
            case drawdownHaltPct = "drawdown_halt_pct"
            case drawdownBufferPct = "drawdown_buffer_pct"
            case rolling24hDrawdownPct = "rolling_24h_drawdown_pct"
            case dailyLossPct = "daily_loss_pct"
            case minOrderNotionalUSD = "min_order_notional_usd"
            case minOrderQuantity = "min_order_quantity"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            startingEquityUSD = try c.decodeIfPresent(Double.self, forKey: .startingEquityUSD)
            maxGrossPctOfEquity = try c.decodeIfPresent(Double.self, forKey: .maxGrossPctOfEquity)
            maxGrossUSD = try c.decodeIfPresent(Double.self, forKey: .maxGrossUSD)
            maxSymbolPctOfEquity = try c.decodeIfPresent(Double.self, forKey: .maxSymbolPctOfEquity)
            staleAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .staleAfterSeconds)
            drawdownHaltPct = try c.decodeIfPresent(Double.self, forKey: .drawdownHaltPct)
            drawdownBufferPct = try c.decodeIfPresent(Double.self, forKey: .drawdownBufferPct)
            rolling24hDrawdownPct = try c.decodeIfPresent(Double.self, forKey: .rolling24hDrawdownPct)
            dailyLossPct = try c.decodeIfPresent(Double.self, forKey: .dailyLossPct)
            minOrderNotionalUSD = try c.decodeIfPresent(Double.self, forKey: .minOrderNotionalUSD)
            minOrderQuantity = try c.decodeIfPresent([String: Double].self, forKey: .minOrderQuantity)
        }

        func apply(to limits: inout RiskLimits) {
            if let value = maxGrossPctOfEquity { limits.maxGrossPctOfEquity = value }
            if let value = maxGrossUSD { limits.maxGrossUSD = value }
            if let value = maxSymbolPctOfEquity { limits.maxSymbolPctOfEquity = value }
            if let value = staleAfterSeconds { limits.staleAfterSeconds = value }
            if let value = drawdownHaltPct { limits.drawdownHaltPct = value }
            if let value = drawdownBufferPct { limits.drawdownBufferPct = value }
            if let value = rolling24hDrawdownPct { limits.rolling24hDrawdownPct = value }
            if let value = dailyLossPct { limits.accountDailyLossPct = value }
            if let value = minOrderNotionalUSD { limits.minOrderNotionalUSD = value }
            if let value = minOrderQuantity { limits.minOrderQuantity = value }
        }
    }

    /// `risk.strategy`: per-strategy limits, as percentages of each strategy's allocated capital.
    struct StrategySection: Decodable {
        var values: [CodingKeys: Double] = [:]
        var maxOpenPositions: Int?
        var maxTradesPerDay: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxPositionPct = "max_position_pct"
            case maxRiskPerTradePct = "max_risk_per_trade_pct"
            case drawdownPct = "drawdown_pct"
            case dailyLossPct = "daily_loss_pct"
            case maxOpenPositions = "max_open_positions"
            case maxTradesPerDay = "max_trades_per_day"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            for key in [CodingKeys.maxPositionPct, .maxRiskPerTradePct, .drawdownPct, .dailyLossPct] {
                if let value = try c.decodeIfPresent(Double.self, forKey: key) { values[key] = value }
            }
            maxOpenPositions = try c.decodeIfPresent(Int.self, forKey: .maxOpenPositions)
            maxTradesPerDay = try c.decodeIfPresent(Int.self, forKey: .maxTradesPerDay)
        }

        func apply(to limits: inout RiskLimits) {
            if let value = values[.maxPositionPct] { limits.strategyMaxPositionPct = value }
            if let value = values[.maxRiskPerTradePct] { limits.strategyMaxRiskPerTradePct = value }
            if let value = values[.drawdownPct] { limits.strategyDrawdownPct = value }
            if let value = values[.dailyLossPct] { limits.strategyDailyLossPct = value }
            if let value = maxOpenPositions { limits.strategyMaxOpenPositions = value }
            if let value = maxTradesPerDay { limits.strategyMaxTradesPerDay = value }
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

    /// `risk.correlation`: the CorrelationSizer.
    struct Correlation: Decodable {
        var sampleSeconds: Double?, windowSamples: Int?, minSamples: Int?
        var fullSizeAt: Double?, minSizeAt: Double?, minFactor: Double?, rejectAbove: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sampleSeconds = "sample_seconds", windowSamples = "window_samples", minSamples = "min_samples"
            case fullSizeAt = "full_size_at", minSizeAt = "min_size_at", minFactor = "min_factor", rejectAbove = "reject_above"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sampleSeconds = try c.decodeIfPresent(Double.self, forKey: .sampleSeconds)
            windowSamples = try c.decodeIfPresent(Int.self, forKey: .windowSamples)
            minSamples = try c.decodeIfPresent(Int.self, forKey: .minSamples)
            fullSizeAt = try c.decodeIfPresent(Double.self, forKey: .fullSizeAt)
            minSizeAt = try c.decodeIfPresent(Double.self, forKey: .minSizeAt)
            minFactor = try c.decodeIfPresent(Double.self, forKey: .minFactor)
            rejectAbove = try c.decodeIfPresent(Double.self, forKey: .rejectAbove)
        }

        func apply(to limits: inout RiskLimits) {
            if let value = sampleSeconds { limits.correlationSampleSeconds = value }
            if let value = windowSamples { limits.correlationWindowSamples = value }
            if let value = minSamples { limits.correlationMinSamples = value }
            if let value = fullSizeAt { limits.correlationFullSizeAt = value }
            if let value = minSizeAt { limits.correlationMinSizeAt = value }
            if let value = minFactor { limits.correlationMinFactor = value }
            if let value = rejectAbove { limits.correlationRejectAbove = value }
        }
    }

    /// `risk.cooldown`: consecutive-loss sizing.
    struct Cooldown: Decodable {
        var lossesBeforeScaling: Int?, stepFactor: Double?, floorFactor: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case lossesBeforeScaling = "losses_before_scaling", stepFactor = "step_factor", floorFactor = "floor_factor"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            lossesBeforeScaling = try c.decodeIfPresent(Int.self, forKey: .lossesBeforeScaling)
            stepFactor = try c.decodeIfPresent(Double.self, forKey: .stepFactor)
            floorFactor = try c.decodeIfPresent(Double.self, forKey: .floorFactor)
        }

        func apply(to limits: inout RiskLimits) {
            if let value = lossesBeforeScaling { limits.cooldownLossesBeforeScaling = value }
            if let value = stepFactor { limits.cooldownStepFactor = value }
            if let value = floorFactor { limits.cooldownFloorFactor = value }
        }
    }

    /// `risk.decay`: the decay detector.
    struct Decay: Decodable {
        var windowDays: Double?, minTrades: Int?, minSharpe: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case windowDays = "window_days", minTrades = "min_trades", minSharpe = "min_sharpe"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            windowDays = try c.decodeIfPresent(Double.self, forKey: .windowDays)
            minTrades = try c.decodeIfPresent(Int.self, forKey: .minTrades)
            minSharpe = try c.decodeIfPresent(Double.self, forKey: .minSharpe)
        }

        func apply(to limits: inout RiskLimits) {
            if let value = windowDays { limits.decayWindowDays = value }
            if let value = minTrades { limits.decayMinTrades = value }
            if let value = minSharpe { limits.decayMinSharpe = value }
        }
    }
}
