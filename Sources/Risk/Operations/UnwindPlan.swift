/// Which strategies a portfolio drawdown breach flattens, and in what order (seed 000: "flatten
/// the bot with the worst risk-adjusted exposure first … leave existing winning legs alone if
/// they are inside the cap").
///
/// - Ranking, worst first: `score` = the strategy's unrealized PnL ÷ its gross exposure (USD per
///   USD held, most negative first); ties by larger gross exposure, then by name. Strategies with
///   no position rank last.
/// - The cap: `capUSD` of drawdown from peak equity. Part of it is *locked*: the drawdown already
///   realized (peak − equity without open positions). Flattening at the mark does not change
///   equity; what it removes is the loss still open, which could grow. So losing strategies are
///   flattened in ranking order until the loss still open fits in the room the locked loss leaves
///   (`capUSD − lockedLossUSD`).
/// - Winning strategies (unrealized ≥ 0) are never flattened; their gains are not counted as
///   room either (they are not locked in).
///
/// Pure and deterministic: the same inputs give the same plan.
public struct UnwindPlan: Sendable, Equatable {
    /// What the unwind does to one strategy.
    public enum Action: String, Sendable, Equatable {
        /// Every position of the strategy is closed with reduce-only market orders.
        case flatten
        /// A winning strategy: left alone.
        case keepWinning = "keep_winning"
        /// A losing strategy whose loss fits in the cap once the worse ones are flattened.
        case keepInsideCap = "keep_inside_cap"
        /// Nothing held.
        case noPosition = "no_position"
    }

    /// One strategy as the ranking saw it.
    public struct Candidate: Sendable, Equatable {
        public var strategyID: UInt32
        public var name: String
        /// Unrealized PnL of its live positions at the marks, USD.
        public var unrealizedUSD: Double
        /// Gross exposure of its live positions at the marks, USD (≥ 0).
        public var grossUSD: Double

        public init(strategyID: UInt32, name: String, unrealizedUSD: Double, grossUSD: Double) {
            self.strategyID = strategyID
            self.name = name
            self.unrealizedUSD = unrealizedUSD
            self.grossUSD = grossUSD
        }

        /// Unrealized PnL per unit of gross exposure (0 when nothing is held).
        public var score: Double { grossUSD > 0 ? unrealizedUSD / grossUSD : 0 }
    }

    /// One ranked strategy and its action.
    public struct Entry: Sendable, Equatable {
        /// 1 = worst.
        public var rank: Int
        public var candidate: Candidate
        public var action: Action
    }

    /// The drawdown cap, USD.
    public var capUSD: Double
    /// Drawdown already realized, USD (≥ 0).
    public var lockedLossUSD: Double
    /// Sum of the losing strategies' open losses before the unwind, USD (≥ 0).
    public var openLossUSD: Double
    /// `capUSD − lockedLossUSD`, at least 0: how much open loss the cap still holds.
    public var roomUSD: Double
    /// Every candidate, ranked worst first.
    public var entries: [Entry]

    /// The strategies to flatten, in order.
    public var flattened: [UInt32] { entries.filter { $0.action == .flatten }.map(\.candidate.strategyID) }

    /// Open loss left once the flattened strategies are closed, USD.
    public var openLossAfterUSD: Double {
        entries.filter { $0.action == .keepInsideCap }.reduce(0) { $0 + max(0, -$1.candidate.unrealizedUSD) }
    }

    /// Ranks `candidates` and picks the strategies to flatten for a drawdown cap of `capUSD`, of
    /// which `lockedLossUSD` is already realized.
    public init(candidates: [Candidate], capUSD: Double, lockedLossUSD: Double) {
        self.capUSD = capUSD
        self.lockedLossUSD = max(0, lockedLossUSD)
        let ranked = candidates.sorted { a, b in
            let aHolds = a.grossUSD > 0, bHolds = b.grossUSD > 0
            if aHolds != bHolds { return aHolds }
            if a.score != b.score { return a.score < b.score }
            if a.grossUSD != b.grossUSD { return a.grossUSD > b.grossUSD }
            return a.name < b.name
        }
        openLossUSD = ranked.reduce(0) { $0 + ($1.grossUSD > 0 ? max(0, -$1.unrealizedUSD) : 0) }
        roomUSD = max(0, capUSD - self.lockedLossUSD)
        var stillOpen = openLossUSD
        var entries: [Entry] = []
        for (index, candidate) in ranked.enumerated() {
            let action: Action
            if candidate.grossUSD <= 0 {
                action = .noPosition
            } else if candidate.unrealizedUSD >= 0 {
                action = .keepWinning
            } else if stillOpen > roomUSD {
                action = .flatten
                stillOpen -= -candidate.unrealizedUSD
            } else {
                action = .keepInsideCap
            }
            entries.append(Entry(rank: index + 1, candidate: candidate, action: action))
        }
        self.entries = entries
    }
}
