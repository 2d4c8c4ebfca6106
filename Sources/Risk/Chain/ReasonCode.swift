/// Stable reason codes attached to decisions. Raw values equal the `GH_REASON_*` constants of the
/// plugin contract and never change; new codes are only appended. docs/reason-codes.md lists them.
///
/// A code names the rule; its severity says what the rule does to the risk-increasing part of an
/// intent. A blocked intent that also reduces a position is reshaped to its reducing part, so the
/// verdict can be RESHAPE with a HARD_REJECT code: the code says which rule, the verdict what happened.
public enum ReasonCode: UInt32, Sendable, CaseIterable, CustomStringConvertible, BitwiseCopyable, Codable {
    /// A clean approval.
    case none = 0
    /// The intent is malformed: client id 0, unknown side or order type, bad quantity or prices,
    /// or a reduce-only flag other than 0/1.
    case invalidIntent = 1
    /// The intent names a symbol its strategy does not subscribe to.
    case symbolNotSubscribed = 2
    /// The client id is not greater than the strategy's previous one.
    case duplicateClientID = 3
    /// No price has been seen yet for the symbol, so the intent cannot be valued.
    case noMarketData = 4
    /// The operator's kill switch is on: every intent is refused, reducing ones included.
    case killSwitchActive = 5
    /// The account is HALTED (latched): no new risk until an explicit reset.
    case accountHalted = 6
    /// The account is REDUCING: no new risk.
    case accountReducing = 7
    /// The symbol's last mark is older than `stale_after_seconds` of event time.
    case staleMarketData = 8
    /// A risk-increasing intent without a stop-loss price.
    case stopLossRequired = 9
    /// The stop-loss is on the wrong side of the price (at or above it for a buy, at or below for a sell).
    case stopLossWrongSide = 10
    /// Account drawdown from peak reached the halt level; the account is now latched HALTED.
    case accountDrawdownHalt = 11
    /// Account drawdown is inside the buffer below the halt level: no new risk.
    case drawdownBuffer = 12
    /// Drawdown from the highest hourly equity mark of the last 24 h reached its limit.
    case rollingDrawdownBreached = 13
    /// The account lost its daily limit since the start of the UTC day.
    case accountDailyLoss = 14
    /// The strategy's drawdown from its own peak reached its breaker.
    case strategyDrawdownBreaker = 15
    /// The strategy lost its daily limit since the start of the UTC day.
    case strategyDailyLoss = 16
    /// The intent would open a position beyond the strategy's maximum number of open positions.
    case maxOpenPositions = 17
    /// The strategy used its approved risk-increasing intents for the UTC day.
    case maxTradesPerDay = 18
    /// Reshaped to the remaining aggregate live gross budget.
    case aggregateNotionalReshape = 19
    /// No aggregate live gross budget left.
    case aggregateNotionalExhausted = 20
    /// Reshaped to the remaining per-symbol budget.
    case symbolNotionalReshape = 21
    /// No per-symbol budget left.
    case symbolNotionalExhausted = 22
    /// Reshaped to the remaining budget of a correlated cluster.
    case clusterNotionalReshape = 23
    /// No budget left in a correlated cluster.
    case clusterNotionalExhausted = 24
    /// Reshaped to the strategy's maximum position in the symbol.
    case strategyPositionReshape = 25
    /// The strategy's position in the symbol is at its maximum.
    case strategyPositionExhausted = 26
    /// Reshaped so the loss at the stop stays within the strategy's risk per trade.
    case riskPerTradeReshape = 27
    /// Scaled down for correlation with the live book.
    case correlationScaled = 28
    /// Too few overlapping return samples to judge correlation: no scaling (a note, not a block).
    case correlationInsufficientData = 29
    /// Correlation with the live book above the configured rejection level.
    case correlationTooHigh = 30
    /// Scaled down after consecutive losing trades.
    case cooldownScaled = 31
    /// The strategy is paused by the decay detector until an operator resumes it.
    case decayPaused = 32
    /// The risk-increasing quantity left is below the symbol's minimum order size, so it is dropped.
    case belowMinOrderSize = 33
    /// A reduce-only intent was trimmed to the size of the position it reduces.
    case reduceOnlyTrimmed = 34
    /// A reduce-only intent that would reduce nothing.
    case reduceOnlyNothingToReduce = 35
    /// The audit journal cannot take more records (queue full or write failed): no new risk until
    /// it can, so nothing is approved that could not be recorded.
    case journalUnavailable = 36
    /// The strategy has an order in this symbol whose fate the gateway has not told in time (no
    /// acknowledgement within the timeout): no new risk there until the gateway answers.
    case orderStateUnknown = 37
    /// An operator paused the strategy (`gatehouse ctl pause`): no new risk for it until resumed;
    /// its exits still pass.
    case strategyPaused = 38
    /// A limit price that is not a whole number of the symbol's ticks: the whole intent is refused.
    case priceOffTick = 39
    /// A limit price further from the mark than `risk.firewall.price_band_pct`: the whole intent is refused.
    case priceOutsideBand = 40
    /// A quantity above the symbol's `max_quantity`: the whole intent is refused (a typo is not shrunk).
    case orderQuantityAboveMax = 41
    /// A notional above the symbol's `max_notional_usd`: the whole intent is refused.
    case orderNotionalAboveMax = 42
    /// A notional above `risk.firewall.max_order_pct_of_capital` of the strategy's allocated
    /// capital: the whole intent is refused.
    case orderNotionalAboveStrategyMax = 43
    /// The symbol is on `risk.firewall.restricted_symbols`: no new risk; exits pass.
    case restrictedSymbol = 44
    /// A symbol the account holds has a mark older than the stale-portfolio limit: no new risk
    /// anywhere until it is priced again; exits pass.
    case stalePortfolio = 45
    /// The final quantity was rounded down to a whole number of the symbol's lots.
    case lotSizeRounded = 46
    /// The strategy's order-rate bucket is empty (`risk.firewall.max_intents_per_second`): no new
    /// risk until it refills; exits pass.
    case orderRateExceeded = 47
    /// The account's order-rate bucket is empty (`risk.firewall.account_max_intents_per_second`).
    case accountOrderRateExceeded = 48
    /// The same order (symbol, side, quantity, limit price) as one the strategy sent within
    /// `risk.firewall.duplicate_window_seconds`: the whole intent is refused.
    case duplicateOrder = 49
    /// `risk.firewall.repeated_fills` fills on the same side within the window paused the
    /// strategy until an operator resumes it: no new risk; exits pass.
    case repeatedExecutions = 50
    /// Self-trade prevention (`risk.firewall.self_trade: refuse`): the intent's price reaches a
    /// live limit order of the host's resting on the other side of the symbol, so it would trade
    /// with the account itself. No new risk; exits pass (and the resting order is cancelled).
    case selfTradePrevented = 51
    /// A note, not a refusal: the resting live orders this intent would have traded against were
    /// cancelled (self-trade prevention) before it was sent.
    case selfTradeRestingCancelled = 52
    /// The strategy holds more than its fair share of the audit journal's queue while the queue is
    /// filling (docs/risk-chain.md, "Strategy isolation"): no new risk for it; exits pass, and the
    /// other strategies go on. Set by a live host, not in replays.
    case auditQueueShareExceeded = 53
    /// The strategy's callbacks took more than its fair share of the event loop's wall time in
    /// the current or the last window: no new risk for it; exits pass, and the other strategies
    /// go on. Set by a live host, not in replays.
    case loopTimeShareExceeded = 54
    /// The callback watchdog paused the strategy: `risk.firewall.callback_overruns_to_pause`
    /// callbacks longer than `callback_budget_ms` within the window. No new risk until an operator
    /// resumes it; exits pass.
    case callbackOverrun = 55
    /// The client id is above the top of its range (`IntentValidator.maxClientID`, 2^63 − 1):
    /// refused without using it up, so the strategy's next id below the top still passes.
    case clientIDOutOfRange = 56

    /// The SCREAMING_SNAKE name, as printed in logs and passed to plugins.
    public var name: StaticString {
        switch self {
        case .none: "NONE"
        case .invalidIntent: "INVALID_INTENT"
        case .symbolNotSubscribed: "SYMBOL_NOT_SUBSCRIBED"
        case .duplicateClientID: "DUPLICATE_CLIENT_ID"
        case .noMarketData: "NO_MARKET_DATA"
        case .killSwitchActive: "KILL_SWITCH_ACTIVE"
        case .accountHalted: "ACCOUNT_HALTED"
        case .accountReducing: "ACCOUNT_REDUCING"
        case .staleMarketData: "STALE_MARKET_DATA"
        case .stopLossRequired: "STOP_LOSS_REQUIRED"
        case .stopLossWrongSide: "STOP_LOSS_WRONG_SIDE"
        case .accountDrawdownHalt: "ACCOUNT_DRAWDOWN_HALT"
        case .drawdownBuffer: "DRAWDOWN_BUFFER"
        case .rollingDrawdownBreached: "ROLLING_DRAWDOWN_BREACHED"
        case .accountDailyLoss: "ACCOUNT_DAILY_LOSS"
        case .strategyDrawdownBreaker: "STRATEGY_DRAWDOWN_BREAKER"
        case .strategyDailyLoss: "STRATEGY_DAILY_LOSS"
        case .maxOpenPositions: "MAX_OPEN_POSITIONS"
        case .maxTradesPerDay: "MAX_TRADES_PER_DAY"
        case .aggregateNotionalReshape: "AGGREGATE_NOTIONAL_RESHAPE"
        case .aggregateNotionalExhausted: "AGGREGATE_NOTIONAL_EXHAUSTED"
        case .symbolNotionalReshape: "SYMBOL_NOTIONAL_RESHAPE"
        case .symbolNotionalExhausted: "SYMBOL_NOTIONAL_EXHAUSTED"
        case .clusterNotionalReshape: "CLUSTER_NOTIONAL_RESHAPE"
        case .clusterNotionalExhausted: "CLUSTER_NOTIONAL_EXHAUSTED"
        case .strategyPositionReshape: "STRATEGY_POSITION_RESHAPE"
        case .strategyPositionExhausted: "STRATEGY_POSITION_EXHAUSTED"
        case .riskPerTradeReshape: "RISK_PER_TRADE_RESHAPE"
        case .correlationScaled: "CORRELATION_SCALED"
        case .correlationInsufficientData: "CORRELATION_INSUFFICIENT_DATA"
        case .correlationTooHigh: "CORRELATION_TOO_HIGH"
        case .cooldownScaled: "COOLDOWN_SCALED"
        case .decayPaused: "DECAY_PAUSED"
        case .belowMinOrderSize: "BELOW_MIN_ORDER_SIZE"
        case .reduceOnlyTrimmed: "REDUCE_ONLY_TRIMMED"
        case .reduceOnlyNothingToReduce: "REDUCE_ONLY_NOTHING_TO_REDUCE"
        case .journalUnavailable: "JOURNAL_UNAVAILABLE"
        case .orderStateUnknown: "ORDER_STATE_UNKNOWN"
        case .strategyPaused: "STRATEGY_PAUSED"
        case .priceOffTick: "PRICE_OFF_TICK"
        case .priceOutsideBand: "PRICE_OUTSIDE_BAND"
        case .orderQuantityAboveMax: "ORDER_QUANTITY_ABOVE_MAX"
        case .orderNotionalAboveMax: "ORDER_NOTIONAL_ABOVE_MAX"
        case .orderNotionalAboveStrategyMax: "ORDER_NOTIONAL_ABOVE_STRATEGY_MAX"
        case .restrictedSymbol: "RESTRICTED_SYMBOL"
        case .stalePortfolio: "STALE_PORTFOLIO"
        case .lotSizeRounded: "LOT_SIZE_ROUNDED"
        case .orderRateExceeded: "ORDER_RATE_EXCEEDED"
        case .accountOrderRateExceeded: "ACCOUNT_ORDER_RATE_EXCEEDED"
        case .duplicateOrder: "DUPLICATE_ORDER"
        case .repeatedExecutions: "REPEATED_EXECUTIONS"
        case .selfTradePrevented: "SELF_TRADE_PREVENTED"
        case .selfTradeRestingCancelled: "SELF_TRADE_RESTING_CANCELLED"
        case .auditQueueShareExceeded: "AUDIT_QUEUE_SHARE_EXCEEDED"
        case .loopTimeShareExceeded: "LOOP_TIME_SHARE_EXCEEDED"
        case .callbackOverrun: "CALLBACK_OVERRUN"
        case .clientIDOutOfRange: "CLIENT_ID_OUT_OF_RANGE"
        }
    }

    /// How a reason weighs on a decision.
    public var severity: Severity {
        switch self {
        case .none, .selfTradeRestingCancelled: .info
        case .correlationInsufficientData: .warn
        case .aggregateNotionalReshape, .symbolNotionalReshape, .clusterNotionalReshape, .strategyPositionReshape,
             .riskPerTradeReshape, .correlationScaled, .cooldownScaled, .reduceOnlyTrimmed, .lotSizeRounded:
            .reshape
        default: .hardReject
        }
    }

    /// Names of the `key=value` detail values a note with this code carries, in order.
    public var detailKeys: [StaticString] {
        switch self {
        case .none, .invalidIntent, .symbolNotSubscribed, .duplicateClientID, .killSwitchActive,
             .accountHalted, .accountReducing, .stopLossRequired, .reduceOnlyNothingToReduce, .journalUnavailable,
             .strategyPaused, .restrictedSymbol, .clientIDOutOfRange:
            []
        case .orderStateUnknown: ["unknown_orders"]
        case .noMarketData: []
        case .staleMarketData: ["age_s", "stale_after_s"]
        case .stopLossWrongSide: ["price", "stop"]
        case .accountDrawdownHalt, .drawdownBuffer, .rollingDrawdownBreached, .strategyDrawdownBreaker:
            ["drawdown_pct", "limit_pct"]
        case .accountDailyLoss, .strategyDailyLoss: ["loss_pct", "limit_pct"]
        case .maxOpenPositions: ["open", "limit"]
        case .maxTradesPerDay: ["trades", "limit"]
        case .aggregateNotionalReshape, .aggregateNotionalExhausted, .symbolNotionalReshape, .symbolNotionalExhausted,
             .clusterNotionalReshape, .clusterNotionalExhausted, .strategyPositionReshape, .strategyPositionExhausted:
            ["cap_usd", "used_usd", "requested_usd", "remaining_usd"]
        case .riskPerTradeReshape: ["cap_usd", "requested_risk_usd", "stop_distance"]
        case .correlationScaled: ["correlation", "factor"]
        case .correlationTooHigh: ["correlation", "limit"]
        case .correlationInsufficientData: ["samples", "min_samples"]
        case .cooldownScaled: ["losses", "factor"]
        case .decayPaused: ["sharpe", "trades"]
        case .belowMinOrderSize: ["quantity", "min_quantity"]
        case .reduceOnlyTrimmed: ["requested", "position"]
        case .priceOffTick: ["price", "tick_size"]
        case .priceOutsideBand: ["price", "mark", "distance_pct", "band_pct"]
        case .orderQuantityAboveMax: ["quantity", "max_quantity"]
        case .orderNotionalAboveMax: ["notional_usd", "max_notional_usd"]
        case .orderNotionalAboveStrategyMax: ["notional_usd", "max_usd", "max_pct_of_capital"]
        case .stalePortfolio: ["stale_symbols", "oldest_age_s", "stale_after_s", "oldest_symbol_id"]
        case .lotSizeRounded: ["quantity", "lot_size", "rounded"]
        case .orderRateExceeded, .accountOrderRateExceeded: ["rate_per_s", "burst", "wait_s"]
        case .duplicateOrder: ["age_s", "window_s", "previous_decision_id"]
        case .repeatedExecutions: ["fills", "window_s"]
        case .selfTradePrevented, .selfTradeRestingCancelled: ["price", "resting_price", "resting_strategy_id", "resting_order_id"]
        case .auditQueueShareExceeded: ["queued", "share", "queue_depth", "capacity"]
        case .loopTimeShareExceeded: ["used_ms", "share_ms", "window_ms"]
        case .callbackOverrun: ["overruns", "budget_ms", "window_s"]
        }
    }

    public var description: String { name.description }

    /// The weight of a reason: a hard reject refuses the risk-increasing part, a reshape reduces
    /// it, a warning only annotates it.
    public enum Severity: String, Sendable {
        case hardReject = "HARD_REJECT"
        case reshape = "RESHAPE"
        case warn = "WARN"
        case info = "INFO"
    }
}
