/// What a host run did, for the demo's report, `--json` output and tests.
public struct RunSummary: Codable, Sendable, Equatable {
    /// Per-feed counts.
    public struct Feed: Codable, Sendable, Equatable {
        public var name: String
        /// Frames decoded into events.
        public var events: UInt64
        /// Frames dropped, by reason name (only reasons that occurred).
        public var dropped: [String: UInt64]
        /// Data frames the publisher announced in its end-of-stream marker(s), if any arrived.
        public var framesAnnounced: UInt64?
    }

    /// Per-strategy counts.
    public struct Strategy: Codable, Sendable, Equatable {
        public var name: String
        public var mode: String
        /// Market events delivered to the strategy.
        public var events: UInt64
        /// Intents it submitted (including rejected ones).
        public var intents: UInt64
        /// Decisions by verdict name (APPROVE, RESHAPE, REJECT).
        public var decisions: [String: UInt64]
        /// Decisions by reason name (only reasons that occurred).
        public var reasons: [String: UInt64]
        /// Fills of its orders.
        public var fills: UInt64
        /// Realized PnL after fees, USD, and unrealized PnL at the last marks, USD (its own book:
        /// live or shadow).
        public var realizedUSD: Double
        public var unrealizedUSD: Double
    }

    /// Events routed to strategies (all feeds).
    public var ticks: UInt64
    public var feeds: [Feed]
    public var strategies: [Strategy]
    /// Account equity at the end (live book), USD, and live gross exposure, USD.
    public var equityUSD: Double
    public var liveGrossUSD: Double
    /// FNV-1a digest of the decision sequence, hex: equal across runs exactly when the decisions are.
    public var decisionDigest: String
    /// Wall time of the run, seconds.
    public var wallSeconds: Double
    /// `ticks / wallSeconds`.
    public var ticksPerSecond: Double
    /// CPU time the event-loop thread itself used, seconds (`CLOCK_THREAD_CPUTIME_ID`): its own
    /// work, apart from the time other threads (the journal's, the replayer's) took the CPU from it.
    public var loopCPUSeconds: Double

    /// Total intents of all strategies.
    public var totalIntents: UInt64 { strategies.reduce(0) { $0 + $1.intents } }
}
