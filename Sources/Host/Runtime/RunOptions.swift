/// How a host run ends and how often it wakes.
public struct RunOptions: Sendable {
    /// Stop once every feed has delivered an end-of-stream marker (replays and the demo).
    /// A live host (`gatehouse run`) leaves this off and runs until SIGINT/SIGTERM.
    public var stopAtEndOfStream: Bool
    /// Longest wait in `zmq_poll`, ms: bounds how late a stop request is noticed.
    public var pollTimeoutMilliseconds: Int
    /// Most messages read from one feed before the loop looks at the others.
    public var drainBudget: Int
    /// What the host does when the journal falls behind: a live host refuses new risk
    /// (`failClosed`); a replay or the demo waits for it (`wait`), so its decisions do not depend
    /// on how fast the disk is.
    public var journalBackpressure: JournalBackpressure

    /// Options for a run; the defaults suit a live host.
    public init(stopAtEndOfStream: Bool = false, pollTimeoutMilliseconds: Int = 50, drainBudget: Int = 4096,
                journalBackpressure: JournalBackpressure = .failClosed) {
        self.stopAtEndOfStream = stopAtEndOfStream
        self.pollTimeoutMilliseconds = pollTimeoutMilliseconds
        self.drainBudget = drainBudget
        self.journalBackpressure = journalBackpressure
    }
}
