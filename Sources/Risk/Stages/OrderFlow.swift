/// The Firewall's memory of order flow (issue 12): a token bucket per strategy and one for the
/// account (`ORDER_RATE_EXCEEDED`, `ACCOUNT_ORDER_RATE_EXCEEDED`), and each strategy's last
/// orders sent, to refuse the same order sent again within a window (`DUPLICATE_ORDER`).
///
/// The duplicate window and the fill rings count event time, like every window of the chain. The
/// buckets count the time `RiskChain.decide` is given as `orderRateAt`: a live host's wall clock
/// (journaled with each decision, so recovery re-decides its tail at the same readings), else the
/// event time, so a replay of the same ticks and intents refills them identically. Part of
/// `RiskState`.
public struct OrderFlow: Sendable, Codable, Equatable {
    /// Tokens left per strategy (index id − 1), and the time they were counted at (the clock of
    /// `orderRateAt`).
    var strategyTokens: [Double]
    var strategyRefillNs: [Int64]
    var accountTokens: Double
    var accountRefillNs: Int64
    /// Per strategy, its last `recentPerStrategy` orders sent, oldest overwritten first.
    var recent: [SentOrder]
    var recentNext: [Int]
    /// Per (strategy, side): the event times of its last `repeated_fills` fills, a ring
    /// (`.min`: empty), and the next slot; per strategy, whether the repeated-execution latch
    /// paused it (until an operator resumes it).
    var fillTimes: [Int64]
    var fillNext: [Int]
    public internal(set) var executionLatched: [Bool]
    /// Per strategy, whether the callback watchdog paused it (`CALLBACK_OVERRUN`, until an
    /// operator resumes it). Coded last and optional: a state saved before it reads as none.
    public internal(set) var callbackPaused: [Bool]

    enum CodingKeys: String, CodingKey {
        case strategyTokens, strategyRefillNs, accountTokens, accountRefillNs, recent, recentNext, fillTimes, fillNext
        case executionLatched, callbackPaused
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        strategyTokens = try c.decode([Double].self, forKey: .strategyTokens)
        strategyRefillNs = try c.decode([Int64].self, forKey: .strategyRefillNs)
        accountTokens = try c.decode(Double.self, forKey: .accountTokens)
        accountRefillNs = try c.decode(Int64.self, forKey: .accountRefillNs)
        recent = try c.decode([SentOrder].self, forKey: .recent)
        recentNext = try c.decode([Int].self, forKey: .recentNext)
        fillTimes = try c.decode([Int64].self, forKey: .fillTimes)
        fillNext = try c.decode([Int].self, forKey: .fillNext)
        executionLatched = try c.decode([Bool].self, forKey: .executionLatched)
        callbackPaused = try c.decodeIfPresent([Bool].self, forKey: .callbackPaused)
            ?? Array(repeating: false, count: executionLatched.count)
    }

    /// The same properties in the same order as `init(from:)` (the compact encoding keeps no keys).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(strategyTokens, forKey: .strategyTokens)
        try c.encode(strategyRefillNs, forKey: .strategyRefillNs)
        try c.encode(accountTokens, forKey: .accountTokens)
        try c.encode(accountRefillNs, forKey: .accountRefillNs)
        try c.encode(recent, forKey: .recent)
        try c.encode(recentNext, forKey: .recentNext)
        try c.encode(fillTimes, forKey: .fillTimes)
        try c.encode(fillNext, forKey: .fillNext)
        try c.encode(executionLatched, forKey: .executionLatched)
        // With a presence mark, as `decodeIfPresent` reads it back.
        try c.encodeIfPresent(callbackPaused as [Bool]?, forKey: .callbackPaused)
    }

    /// Orders remembered per strategy for the duplicate check.
    static let recentPerStrategy = 8

    /// An order the chain approved or reshaped, as the strategy asked for it.
    struct SentOrder: Sendable, Codable, Equatable {
        var symbolID: UInt32 = 0
        var side: UInt32 = 0
        var quantity: Double = 0
        /// The limit price, 0 for a market order.
        var price: Double = 0
        var atNs: Int64 = .min
        var decisionID: UInt64 = 0
    }

    /// Full buckets and no orders, for `strategies` strategies.
    init(strategies: Int, limits: RiskLimits) {
        // A bucket is filled to its burst at its first use (`take`, refill time `.min`).
        strategyTokens = Array(repeating: 0, count: strategies)
        strategyRefillNs = Array(repeating: .min, count: strategies)
        accountTokens = 0
        accountRefillNs = .min
        recent = Array(repeating: SentOrder(), count: strategies * Self.recentPerStrategy)
        recentNext = Array(repeating: 0, count: strategies)
        fillTimes = Array(repeating: .min, count: strategies * 2 * (limits.repeatedFills ?? 0))
        fillNext = Array(repeating: 0, count: strategies * 2)
        executionLatched = Array(repeating: false, count: strategies)
        callbackPaused = Array(repeating: false, count: strategies)
    }

    /// Empties the fill history, sized for `count` fills per (strategy, side) (0: latch off).
    /// Latches already set stay until an operator resumes them.
    mutating func resetFills(strategies: Int, count: Int) {
        fillTimes = Array(repeating: .min, count: strategies * 2 * count)
        fillNext = Array(repeating: 0, count: strategies * 2)
    }

    /// Whether the state fits a chain of `strategies` strategies.
    func fits(strategies: Int, limits: RiskLimits) -> Bool {
        strategyTokens.count == strategies && strategyRefillNs.count == strategies
            && recent.count == strategies * Self.recentPerStrategy && recentNext.count == strategies
            && fillTimes.count == strategies * 2 * (limits.repeatedFills ?? 0) && fillNext.count == strategies * 2
            && executionLatched.count == strategies && callbackPaused.count == strategies
    }

    /// Records a fill of `strategy` on `side` at `ns`; true when it is the `count`-th on that
    /// side within `windowNs` (the oldest of the ring at most `windowNs` before it).
    mutating func recordFill(strategy: UInt32, side: Side, count: Int, windowNs: Int64, at ns: Int64) -> Bool {
        let ring = (Int(strategy) - 1) * 2 + (side == .buy ? 0 : 1)
        let slot = fillNext[ring]
        fillTimes[ring * count + slot] = ns
        fillNext[ring] = (slot + 1) % count
        let oldest = fillTimes[ring * count + fillNext[ring]]
        return oldest != .min && ns - oldest <= windowNs
    }

    /// Refills a bucket of `rate` tokens a second up to `burst` for the event time since
    /// `refillNs`, then takes one token if there is one. Returns nil when taken, else the seconds
    /// until one is there.
    static func take(tokens: inout Double, refillNs: inout Int64, rate: Double, burst: Double, at ns: Int64) -> Double? {
        if refillNs == .min {
            tokens = burst
        } else if ns > refillNs {
            tokens = min(burst, tokens + Double(ns - refillNs) / 1e9 * rate)
        }
        refillNs = max(refillNs, ns)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / rate
    }

    /// The most recent order of `strategy` equal to `intent` (symbol, side, quantity, limit
    /// price) sent less than `windowNs` before `ns`.
    func duplicate(of intent: OrderIntent, windowNs: Int64, at ns: Int64) -> SentOrder? {
        let base = (Int(intent.strategyID) - 1) * Self.recentPerStrategy
        var found: SentOrder?
        for index in base..<base + Self.recentPerStrategy {
            let order = recent[index]
            guard order.atNs != .min, ns - order.atNs < windowNs, order.symbolID == intent.symbolID,
                  order.side == intent.side.rawValue, order.quantity == intent.quantity, order.price == intent.limitPrice
            else { continue }
            if found == nil || order.atNs > found!.atNs { found = order }
        }
        return found
    }

    /// Remembers an order the chain let through.
    mutating func record(_ intent: OrderIntent, decisionID: UInt64, at ns: Int64) {
        let s = Int(intent.strategyID) - 1
        recent[s * Self.recentPerStrategy + recentNext[s]] = SentOrder(
            symbolID: intent.symbolID, side: intent.side.rawValue, quantity: intent.quantity, price: intent.limitPrice,
            atNs: ns, decisionID: decisionID)
        recentNext[s] = (recentNext[s] + 1) % Self.recentPerStrategy
    }
}

extension RiskChain {
    /// Fills every order-rate bucket to its burst: after a restore whose buckets were counted in
    /// another clock than the run's (event time against wall time), their times mean nothing.
    public mutating func refillOrderRateBuckets() {
        for index in orderFlow.strategyRefillNs.indices { orderFlow.strategyRefillNs[index] = .min }
        orderFlow.accountRefillNs = .min
    }

    /// The repeated-execution latch, at each fill: the `repeated_fills`-th fill of the strategy
    /// on one side within the window pauses it, once (a state change the host journals and acts
    /// on as for a decay pause: its risk-increasing resting orders are cancelled).
    mutating func checkRepeatedExecutions(strategy: UInt32, side: Side, at ns: Int64) {
        guard let count = limits.repeatedFills, let windowNs = repeatedFillsWindowNs else { return }
        let repeated = orderFlow.recordFill(strategy: strategy, side: side, count: count, windowNs: windowNs, at: ns)
        guard repeated, !orderFlow.executionLatched[Int(strategy) - 1] else { return }
        orderFlow.executionLatched[Int(strategy) - 1] = true
        stateChanges.append(StateChange(kind: .strategyPaused(strategyID: strategy), reason: .repeatedExecutions, atNs: ns,
                                        value: Double(count), limit: Double(windowNs) / 1e9))
    }

    /// The order-rate throttles, on the risk-increasing part: the strategy's bucket, then the
    /// account's. An intent that passes takes a token from each; one refused takes none (a
    /// refusal by the account's bucket leaves the strategy's as it was: refilling it later over
    /// the longer interval gives the same tokens, the bucket's cap included).
    mutating func throttle(_ work: inout Work, at ns: Int64) {
        guard work.increasing > 0 else { return }
        let s = Int(work.intent.strategyID) - 1
        var tokens = orderFlow.strategyTokens[s], refill = orderFlow.strategyRefillNs[s]
        if let rate = limits.maxIntentsPerSecond {
            let burst = limits.intentBurst ?? rate
            if let wait = OrderFlow.take(tokens: &tokens, refillNs: &refill, rate: rate, burst: burst, at: ns) {
                orderFlow.strategyTokens[s] = tokens
                orderFlow.strategyRefillNs[s] = refill
                return block(&work, .orderRateExceeded, stage: .firewall, details: (rate, burst, wait, 0))
            }
        }
        if let rate = limits.accountMaxIntentsPerSecond {
            let burst = limits.accountIntentBurst ?? rate
            if let wait = OrderFlow.take(tokens: &orderFlow.accountTokens, refillNs: &orderFlow.accountRefillNs,
                                         rate: rate, burst: burst, at: ns) {
                return block(&work, .accountOrderRateExceeded, stage: .firewall, details: (rate, burst, wait, 0))
            }
        }
        orderFlow.strategyTokens[s] = tokens
        orderFlow.strategyRefillNs[s] = refill
    }
}
