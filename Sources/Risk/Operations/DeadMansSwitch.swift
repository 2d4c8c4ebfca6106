/// The dead man's switch (seed 001, layer 8): an operator must check in within every period. At
/// `warningPct` of the period it warns, at `criticalPct` it warns again, at 100 % it fires and the
/// account is HALTED. Once fired, a check-in does not clear it (an automated script must not be
/// able to mask an operator's absence); only an explicit `reset` does.
///
/// Runs on wall time (ns since the Unix epoch), passed in: the host reads its clock, tests use a
/// manual one. A clock that goes backwards counts as no time passing.
public struct DeadMansSwitch: Sendable, Codable, Equatable {
    /// How far the period has run, in escalation order.
    public enum Level: Int, Sendable, Codable, Comparable, CaseIterable, CustomStringConvertible {
        case ok, warning, critical, fired

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// `ok`, `warning`, `critical` or `fired`.
        public var description: String {
            switch self {
            case .ok: "ok"
            case .warning: "warning"
            case .critical: "critical"
            case .fired: "fired"
            }
        }
    }

    /// Longest time allowed between two check-ins, ns (> 0).
    public let periodNs: Int64
    /// Share of the period at which the warning is raised, percent (0 < warning < critical).
    public let warningPct: Double
    /// Share of the period at which the critical warning is raised, percent (< 100).
    public let criticalPct: Double
    /// Wall time of the last check-in or reset, ns.
    public private(set) var lastCheckInNs: Int64
    /// The highest level reached since the last check-in (or reset, once fired).
    public private(set) var level: Level = .ok

    public init(periodNs: Int64, warningPct: Double = 83, criticalPct: Double = 96, startedAtNs: Int64) {
        precondition(periodNs > 0 && warningPct > 0 && warningPct < criticalPct && criticalPct < 100)
        self.periodNs = periodNs
        self.warningPct = warningPct
        self.criticalPct = criticalPct
        lastCheckInNs = startedAtNs
    }

    /// Wall time at which it fires without a check-in, ns.
    public var deadlineNs: Int64 { lastCheckInNs &+ periodNs }

    /// Time since the last check-in, ns (0 if the clock went back).
    public func elapsedNs(at nowNs: Int64) -> Int64 { max(0, nowNs &- lastCheckInNs) }

    /// Time since the last check-in as a share of the period, percent.
    public func elapsedPct(at nowNs: Int64) -> Double { Double(elapsedNs(at: nowNs)) / Double(periodNs) * 100 }

    /// The level the elapsed time alone calls for.
    func levelDue(at nowNs: Int64) -> Level {
        let pct = elapsedPct(at: nowNs)
        if pct >= 100 { return .fired }
        if pct >= criticalPct { return .critical }
        if pct >= warningPct { return .warning }
        return .ok
    }

    /// Moves to `nowNs`. Returns the new level when it rose (only the highest if several were
    /// passed at once), nil otherwise. Each level is reported once per period.
    public mutating func advance(to nowNs: Int64) -> Level? {
        let due = levelDue(at: nowNs)
        guard due > level else { return nil }
        level = due
        return due
    }

    /// An operator's check-in at `nowNs`. Restarts the period and returns true unless the switch
    /// has fired: then nothing changes and it returns false (only `reset` clears it).
    public mutating func checkIn(at nowNs: Int64) -> Bool {
        guard level != .fired else { return false }
        lastCheckInNs = nowNs
        level = .ok
        return true
    }

    /// Takes the last check-in and level of `saved` (a restarted host's journal), keeping this
    /// switch's period and thresholds (the config's).
    public mutating func adopt(_ saved: DeadMansSwitch) {
        lastCheckInNs = saved.lastCheckInNs
        level = saved.level
    }

    /// The explicit reset: clears a fired switch and restarts the period (it counts as a check-in).
    public mutating func reset(at nowNs: Int64) {
        lastCheckInNs = nowNs
        level = .ok
    }
}
