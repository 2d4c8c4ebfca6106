/// Every limit and factor of the risk chain. Defaults are the values of the source documents;
/// every one can be set in the `risk` section of the config. Percentages are in percent (25 means
/// 25 %), money in USD, durations in seconds, all as named.
public struct RiskLimits: Sendable, Equatable {
    // MARK: Account (PortfolioGuard)

    /// Aggregate live gross notional cap as a percentage of equity (seed 001: 50 %).
    public var maxGrossPctOfEquity: Double = 50
    /// Optional absolute aggregate gross cap, USD; the smaller of the two caps applies.
    public var maxGrossUSD: Double? = nil
    /// Per-symbol live gross cap as a percentage of equity (seed 001: 25 %).
    public var maxSymbolPctOfEquity: Double = 25
    /// Correlated clusters: symbols whose summed live gross is capped together.
    public var clusters: [Cluster] = []
    /// A mark older than this (event time) makes risk-increasing intents on the symbol REJECT
    /// `STALE_MARKET_DATA`, seconds.
    public var staleAfterSeconds: Double = 30
    /// Account drawdown from peak equity that latches HALTED until an explicit reset (seed 001: 15 %).
    public var drawdownHaltPct: Double = 15
    /// Width of the buffer below the halt inside which no new risk is opened (seed 000, item 4),
    /// percentage points: with 15 and 3, new risk stops at 12 % drawdown.
    public var drawdownBufferPct: Double = 3
    /// Rolling 24 h drawdown (from the highest hourly equity mark of the last 24 h) at which new
    /// risk stops until the drawdown falls back below it (seed 004).
    public var rolling24hDrawdownPct: Double = 10
    /// Account loss since the start of the UTC day, as a percentage of day-start equity, at which
    /// new risk stops until the next UTC day (seed 002: 3 %).
    public var accountDailyLossPct: Double = 3
    /// Smallest order notional the venue takes, USD: new risk left below it is dropped
    /// (`BELOW_MIN_ORDER_SIZE`); exits pass at any size. Per-symbol quantities override it.
    public var minOrderNotionalUSD: Double = 10
    /// Per-symbol minimum order quantity (units); symbols not listed use `minOrderNotionalUSD`.
    public var minOrderQuantity: [String: Double] = [:]

    // MARK: Firewall (order checks, first in the chain)

    /// Per-symbol order rules: tick and lot size, minimum and maximum quantity, maximum notional.
    public var instruments: [String: InstrumentRules] = [:]
    /// Largest notional of one intent, at its budget price, as a percentage of the strategy's
    /// allocated capital; above it the whole intent is refused (`ORDER_NOTIONAL_ABOVE_STRATEGY_MAX`).
    /// 1,000 % by default: ten times what the strategy has is a typo, whatever its other limits.
    public var maxOrderPctOfCapital: Double = 1_000
    /// Price collar, percent: a limit price further than this from the mark is refused whole
    /// (`PRICE_OUTSIDE_BAND`), and a market order is valued at the band's edge on its side (a buy
    /// at mark × (1 + band), a sell at mark × (1 − band)) for its stop and risk per trade. nil: off.
    public var priceBandPct: Double? = nil
    /// Symbols closed to new risk (`RESTRICTED_SYMBOL`); exits still pass.
    public var restrictedSymbols: [String] = []
    /// A symbol the account holds whose mark is older than this refuses new risk in every symbol
    /// (`STALE_PORTFOLIO`), seconds of event time. nil: `staleAfterSeconds`.
    public var stalePortfolioAfterSeconds: Double? = nil
    /// Order-rate throttle per strategy: intents with a risk-increasing part per second, a token
    /// bucket (`ORDER_RATE_EXCEEDED`), of the clock `RiskChain.decide` is given as `orderRateAt`
    /// (a live host's wall time; else event time). nil: off.
    public var maxIntentsPerSecond: Double? = nil
    /// The strategy bucket's size, intents (nil: one second's worth, `maxIntentsPerSecond`).
    public var intentBurst: Double? = nil
    /// The same for the whole account (`ACCOUNT_ORDER_RATE_EXCEEDED`). nil: off.
    public var accountMaxIntentsPerSecond: Double? = nil
    /// The account bucket's size, intents (nil: `accountMaxIntentsPerSecond`).
    public var accountIntentBurst: Double? = nil
    /// An intent equal to one of the strategy's orders sent less than this long ago (symbol,
    /// side, quantity, limit price) is refused whole (`DUPLICATE_ORDER`), seconds of event time.
    /// nil: off.
    public var duplicateWindowSeconds: Double? = nil
    /// Repeated-execution latch: this many fills of one strategy on the same side within
    /// `repeatedFillsWindowSeconds` pause it (`REPEATED_EXECUTIONS`) until an operator resumes
    /// it. nil: off. Both or neither.
    public var repeatedFills: Int? = nil
    /// The latch's window, seconds of event time.
    public var repeatedFillsWindowSeconds: Double? = nil
    /// Self-trade prevention between the host's live orders (`SELF_TRADE_PREVENTED`): what
    /// happens to a live intent whose price reaches a live limit order of the host's resting on
    /// the other side of the same symbol (`SelfTradePolicy`).
    public var selfTradePolicy: SelfTradePolicy = .refuse
    /// Strategy isolation (docs/risk-chain.md, "Strategy isolation"), enforced by a live host
    /// only (replays must decide the same on any machine): each strategy's fair share of the
    /// audit journal's queue (`AUDIT_QUEUE_SHARE_EXCEEDED`) and of the event loop's wall time
    /// (`LOOP_TIME_SHARE_EXCEEDED`). Past it, its new risk is refused while the others go on.
    public var fairShare: Bool = true
    /// A strategy's share of the loop's wall time over each window, percent (nil: 100 / the
    /// number of strategies, so one strategy alone is never refused for it).
    public var loopSharePct: Double? = nil
    /// The window the loop-time share is measured over, seconds of wall time.
    public var loopShareWindowSeconds: Double = 1
    /// The callback watchdog: a plugin callback that runs longer than this, ms of wall time, is
    /// an overrun, logged, counted and published.
    public var callbackBudgetMs: Double = 100
    /// Overruns within `callbackOverrunWindowSeconds` that pause the strategy
    /// (`CALLBACK_OVERRUN`) until an operator resumes it (0: never paused, only reported). A
    /// live host only.
    public var callbackOverrunsToPause: Int = 3
    /// The watchdog's window, seconds of wall time.
    public var callbackOverrunWindowSeconds: Double = 60

    /// What self-trade prevention does (`risk.firewall.self_trade`). Every host strategy trades
    /// for one account, so an order of one crossing a resting order of another (or of itself)
    /// would be a trade of the account with itself: a wash trade a venue or a regulator flags.
    public enum SelfTradePolicy: String, Sendable, Equatable, CaseIterable {
        /// No check.
        case off
        /// The new intent's risk-increasing part is refused (`SELF_TRADE_PREVENTED`). What
        /// reduces a position still passes, as every exit does, and the resting orders it would
        /// trade against are cancelled first (`SELF_TRADE_RESTING_CANCELLED` in the trace).
        case refuse
        /// The new intent passes; the resting orders it would trade against are cancelled
        /// (`SELF_TRADE_RESTING_CANCELLED` in the trace).
        case cancelResting = "cancel_resting"
    }

    // MARK: Per strategy (PortfolioGuard), as percentages of the strategy's allocated capital

    /// Largest position notional in one symbol (seed 001: 25 %).
    public var strategyMaxPositionPct: Double = 25
    /// Largest loss if the stop is hit, |entry − stop| × quantity (seed 002: 2 %).
    public var strategyMaxRiskPerTradePct: Double = 2
    /// Strategy drawdown from its own peak equity at which its new risk stops (seed 001: 20 %).
    public var strategyDrawdownPct: Double = 20
    /// Strategy loss since the start of the UTC day at which its new risk stops (seed 001: 5 %).
    public var strategyDailyLossPct: Double = 5
    /// Whether the position and risk-per-trade caps are shares of the strategy's equity when it
    /// is below its allocation (true), or always of the allocation (false, the seeds' reading).
    public var strategyCapsFollowEquity = false
    /// Most symbols a strategy may have a position or a pending order in at once (seed 002: 10).
    public var strategyMaxOpenPositions: Int = 10
    /// Most risk-increasing intents a strategy may have approved per UTC day (seed 002: 20).
    public var strategyMaxTradesPerDay: Int = 20

    // MARK: CorrelationSizer (seeds 001, 002)

    /// Event-time grid of the return samples, seconds.
    public var correlationSampleSeconds: Double = 60
    /// Samples in the rolling window.
    public var correlationWindowSamples: Int = 120
    /// Fewest overlapping samples for a correlation to count.
    public var correlationMinSamples: Int = 30
    /// Exposure-weighted correlation at or below which the factor is 1.
    public var correlationFullSizeAt: Double = 0.3
    /// Exposure-weighted correlation at or above which the factor is `correlationMinFactor`.
    public var correlationMinSizeAt: Double = 0.8
    /// Factor at and above `correlationMinSizeAt` (seed 001: 25 %).
    public var correlationMinFactor: Double = 0.25
    /// Optional: REJECT `CORRELATION_TOO_HIGH` above this correlation (seed 002 uses 0.8).
    public var correlationRejectAbove: Double? = nil

    // MARK: Cooldown (seed 001, layer 5)

    /// Consecutive losing trades at which sizing starts halving.
    public var cooldownLossesBeforeScaling: Int = 3
    /// Factor at the first scaled step; each further loss multiplies it by this again.
    public var cooldownStepFactor: Double = 0.5
    /// Lowest factor.
    public var cooldownFloorFactor: Double = 0.10

    // MARK: DecayDetector (seed 001, layer 7)

    /// Closed trades of this many days count, days.
    public var decayWindowDays: Double = 30
    /// Alert levels: a limit's level falls back only once its use is this many percentage
    /// points below the level's threshold (50, 75, 100 %), so a value wobbling at a threshold
    /// alerts once, not once per tick.
    public var alertHysteresisPct: Double = 5
    /// Fewest closed trades in the window before the detector may pause a strategy.
    public var decayMinTrades: Int = 10
    /// Annualized Sharpe below which the strategy is paused.
    public var decayMinSharpe: Double = 0.5

    /// A named group of symbols capped together.
    public struct Cluster: Sendable, Equatable {
        /// Name, for operators and the what-if tool (reason details carry only numbers).
        public var name: String
        /// Member symbols.
        public var symbols: [String]
        /// Cap on the members' summed live gross, percent of equity.
        public var maxPctOfEquity: Double

        public init(name: String, symbols: [String], maxPctOfEquity: Double) {
            self.name = name
            self.symbols = symbols
            self.maxPctOfEquity = maxPctOfEquity
        }
    }

    /// The seed defaults.
    public init() {}

    /// A limit that cannot be used, naming its config key.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// Config key under `risk`, e.g. `cooldown.floor_factor`.
        public let key: String
        public let message: String
        public var description: String { "\(key): \(message)" }
    }

    static func rate(_ value: Double?, _ key: String) -> Invalid? {
        value.flatMap { $0.isFinite && $0 > 0 && $0 <= 1_000_000 ? nil : Invalid(key: key, message: "must be > 0 and at most 1000000 intents per second") }
    }

    static func burst(_ value: Double?, rate: Double?, _ key: String, rateKey: String) -> Invalid? {
        guard let value else { return nil }
        if rate == nil { return Invalid(key: key, message: "has no rate to refill it: set \(rateKey) too") }
        return value.isFinite && value >= 1 && value <= 1_000_000 ? nil : Invalid(key: key, message: "must be between 1 and 1000000 intents")
    }

    /// The first unusable value, or nil. Keys are the config keys under `risk`.
    public func validationFailure() -> Invalid? {
        func percent(_ value: Double, _ key: String, allowZero: Bool = false) -> Invalid? {
            if !value.isFinite || value < 0 || (!allowZero && value == 0) || value > 100 {
                return Invalid(key: key, message: "must be a percentage in \(allowZero ? "[0" : "(0"), 100]")
            }
            return nil
        }
        let checks: [Invalid?] = [
            percent(maxGrossPctOfEquity, "account.max_gross_pct_of_equity"),
            maxGrossUSD.flatMap { $0.isFinite && $0 > 0 ? nil : Invalid(key: "account.max_gross_usd", message: "must be a positive amount") },
            percent(maxSymbolPctOfEquity, "account.max_symbol_pct_of_equity"),
            // Seconds and days become Int64 nanoseconds: bounded so the conversion cannot overflow.
            staleAfterSeconds.isFinite && staleAfterSeconds > 0 && staleAfterSeconds <= 31_536_000 ? nil
                : Invalid(key: "account.stale_after_seconds", message: "must be > 0 and at most 31536000 seconds (a year)"),
            percent(drawdownHaltPct, "account.drawdown_halt_pct"),
            percent(drawdownBufferPct, "account.drawdown_buffer_pct", allowZero: true),
            drawdownBufferPct < drawdownHaltPct ? nil : Invalid(key: "account.drawdown_buffer_pct", message: "must be below account.drawdown_halt_pct"),
            percent(rolling24hDrawdownPct, "account.rolling_24h_drawdown_pct"),
            percent(accountDailyLossPct, "account.daily_loss_pct"),
            minOrderNotionalUSD.isFinite && minOrderNotionalUSD >= 0 ? nil : Invalid(key: "account.min_order_notional_usd", message: "must be >= 0"),
            minOrderQuantity.keys.sorted().first { !(minOrderQuantity[$0]!.isFinite && minOrderQuantity[$0]! > 0) }.map {
                Invalid(key: "account.min_order_quantity.\($0)", message: "must be > 0")
            },
            percent(strategyMaxPositionPct, "strategy.max_position_pct"),
            percent(strategyMaxRiskPerTradePct, "strategy.max_risk_per_trade_pct"),
            percent(strategyDrawdownPct, "strategy.drawdown_pct"),
            percent(strategyDailyLossPct, "strategy.daily_loss_pct"),
            strategyMaxOpenPositions >= 1 ? nil : Invalid(key: "strategy.max_open_positions", message: "must be >= 1"),
            strategyMaxTradesPerDay >= 1 ? nil : Invalid(key: "strategy.max_trades_per_day", message: "must be >= 1"),
            correlationSampleSeconds.isFinite && correlationSampleSeconds >= 1 && correlationSampleSeconds <= 86_400 ? nil
                : Invalid(key: "correlation.sample_seconds", message: "must be between 1 and 86400 seconds (a day)"),
            correlationMinSamples >= 3 ? nil : Invalid(key: "correlation.min_samples", message: "must be >= 3"),
            correlationWindowSamples >= correlationMinSamples ? nil
                : Invalid(key: "correlation.window_samples", message: "must be >= correlation.min_samples (\(correlationMinSamples))"),
            correlationWindowSamples <= 10_000 ? nil : Invalid(key: "correlation.window_samples", message: "must be <= 10000"),
            (-1...1).contains(correlationFullSizeAt) ? nil : Invalid(key: "correlation.full_size_at", message: "must be a correlation in [-1, 1]"),
            (-1...1).contains(correlationMinSizeAt) && correlationMinSizeAt > correlationFullSizeAt ? nil
                : Invalid(key: "correlation.min_size_at", message: "must be in [-1, 1] and above correlation.full_size_at"),
            correlationMinFactor > 0 && correlationMinFactor <= 1 ? nil : Invalid(key: "correlation.min_factor", message: "must be in (0, 1]"),
            correlationRejectAbove.flatMap { (-1...1).contains($0) ? nil : Invalid(key: "correlation.reject_above", message: "must be in [-1, 1]") },
            cooldownLossesBeforeScaling >= 1 ? nil : Invalid(key: "cooldown.losses_before_scaling", message: "must be >= 1"),
            cooldownStepFactor > 0 && cooldownStepFactor <= 1 ? nil : Invalid(key: "cooldown.step_factor", message: "must be in (0, 1]"),
            cooldownFloorFactor > 0 && cooldownFloorFactor <= 1 ? nil : Invalid(key: "cooldown.floor_factor", message: "must be in (0, 1]"),
            decayWindowDays.isFinite && decayWindowDays > 0 && decayWindowDays <= 3_650 ? nil
                : Invalid(key: "decay.window_days", message: "must be > 0 and at most 3650 days"),
            decayMinTrades >= 2 ? nil : Invalid(key: "decay.min_trades", message: "must be >= 2"),
            decayMinSharpe.isFinite ? nil : Invalid(key: "decay.min_sharpe", message: "must be a number"),
            alertHysteresisPct.isFinite && alertHysteresisPct >= 0 && alertHysteresisPct < 25 ? nil
                : Invalid(key: "alerts.hysteresis_pct", message: "must be at least 0 and below 25 percentage points"),
            maxOrderPctOfCapital.isFinite && maxOrderPctOfCapital > 0 && maxOrderPctOfCapital <= 100_000 ? nil
                : Invalid(key: "firewall.max_order_pct_of_capital", message: "must be > 0 and at most 100000 percent"),
            priceBandPct.flatMap { $0.isFinite && $0 > 0 && $0 < 100 ? nil : Invalid(key: "firewall.price_band_pct", message: "must be > 0 and below 100 percent") },
            stalePortfolioAfterSeconds.flatMap { $0.isFinite && $0 > 0 && $0 <= 31_536_000 ? nil
                : Invalid(key: "firewall.stale_portfolio_after_seconds", message: "must be > 0 and at most 31536000 seconds (a year)") },
            Set(restrictedSymbols).count == restrictedSymbols.count ? nil
                : Invalid(key: "firewall.restricted_symbols", message: "lists a symbol twice"),
            Self.rate(maxIntentsPerSecond, "firewall.max_intents_per_second"),
            Self.burst(intentBurst, rate: maxIntentsPerSecond, "firewall.intent_burst", rateKey: "firewall.max_intents_per_second"),
            Self.rate(accountMaxIntentsPerSecond, "firewall.account_max_intents_per_second"),
            Self.burst(accountIntentBurst, rate: accountMaxIntentsPerSecond, "firewall.account_intent_burst",
                       rateKey: "firewall.account_max_intents_per_second"),
            duplicateWindowSeconds.flatMap { $0.isFinite && $0 > 0 && $0 <= 86_400 ? nil
                : Invalid(key: "firewall.duplicate_window_seconds", message: "must be > 0 and at most 86400 seconds (a day)") },
            repeatedFills.flatMap { (2...1_000).contains($0) ? nil : Invalid(key: "firewall.repeated_fills", message: "must be between 2 and 1000 fills") },
            repeatedFillsWindowSeconds.flatMap { $0.isFinite && $0 > 0 && $0 <= 86_400 ? nil
                : Invalid(key: "firewall.repeated_fills_window_seconds", message: "must be > 0 and at most 86400 seconds (a day)") },
            (repeatedFills == nil) == (repeatedFillsWindowSeconds == nil) ? nil
                : Invalid(key: repeatedFills == nil ? "firewall.repeated_fills" : "firewall.repeated_fills_window_seconds",
                          message: "firewall.repeated_fills and firewall.repeated_fills_window_seconds go together: set both or neither"),
            loopSharePct.flatMap { $0.isFinite && $0 > 0 && $0 <= 100 ? nil : Invalid(key: "firewall.loop_share_pct", message: "must be > 0 and at most 100 percent") },
            loopShareWindowSeconds.isFinite && loopShareWindowSeconds >= 0.01 && loopShareWindowSeconds <= 60 ? nil
                : Invalid(key: "firewall.loop_share_window_seconds", message: "must be between 0.01 and 60 seconds"),
            callbackBudgetMs.isFinite && callbackBudgetMs >= 1 && callbackBudgetMs <= 60_000 ? nil
                : Invalid(key: "firewall.callback_budget_ms", message: "must be between 1 and 60000 ms"),
            (0...1_000).contains(callbackOverrunsToPause) ? nil
                : Invalid(key: "firewall.callback_overruns_to_pause", message: "must be between 0 (never pause) and 1000 overruns"),
            callbackOverrunWindowSeconds.isFinite && callbackOverrunWindowSeconds > 0 && callbackOverrunWindowSeconds <= 86_400 ? nil
                : Invalid(key: "firewall.callback_overrun_window_seconds", message: "must be > 0 and at most 86400 seconds (a day)"),
        ]
        if let first = checks.compactMap({ $0 }).first { return first }
        for symbol in instruments.keys.sorted() {
            if let failure = instruments[symbol]!.validationFailure(symbol: symbol) { return failure }
            if instruments[symbol]!.minQuantity != nil && minOrderQuantity[symbol] != nil {
                return Invalid(key: "instruments.\(symbol).min_quantity",
                               message: "and account.min_order_quantity.\(symbol) both set the minimum; keep one")
            }
        }
        var clusterNames: Set<String> = []
        for (index, cluster) in clusters.enumerated() {
            if cluster.name.isEmpty { return Invalid(key: "clusters[\(index)].name", message: "must not be empty") }
            if !clusterNames.insert(cluster.name).inserted {
                return Invalid(key: "clusters[\(index)].name", message: "duplicate cluster name '\(cluster.name)'")
            }
            if Set(cluster.symbols).count != cluster.symbols.count {
                return Invalid(key: "clusters[\(index)].symbols", message: "lists a symbol twice")
            }
            if cluster.symbols.count < 2 { return Invalid(key: "clusters[\(index)].symbols", message: "a cluster needs at least two symbols") }
            if let failure = percent(cluster.maxPctOfEquity, "clusters[\(index)].max_pct_of_equity") { return failure }
        }
        return nil
    }
}
