/// How close a limit is to being reached (seed 002's alert levels).
public enum AlertLevel: UInt8, Sendable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    /// Below 50 % of the limit.
    case green
    /// At or above 50 %.
    case yellow
    /// At or above 75 %.
    case orange
    /// At or above 100 %: the limit is reached.
    case red

    public static func < (a: AlertLevel, b: AlertLevel) -> Bool { a.rawValue < b.rawValue }

    /// Usage (percent of the limit) at or above which the level starts.
    public var thresholdPct: Double {
        switch self {
        case .green: 0
        case .yellow: 50
        case .orange: 75
        case .red: 100
        }
    }

    /// `green`, `yellow`, `orange` or `red`.
    public var description: String {
        switch self {
        case .green: "green"
        case .yellow: "yellow"
        case .orange: "orange"
        case .red: "red"
        }
    }

    /// The level after `current` for a usage of `usagePct` percent of the limit, with hysteresis:
    /// a level is entered when usage reaches its threshold, and left downwards only once usage is
    /// `hysteresisPct` points below that threshold. So a value wobbling around a threshold gives
    /// one alert per real crossing, not one per tick.
    /// Runs for every watched limit after every event: comparisons only (no walk over
    /// `allCases`, whose iterator retained the array each time).
    @inline(__always)
    public static func next(after current: AlertLevel, usagePct: Double, hysteresisPct: Double) -> AlertLevel {
        guard usagePct.isFinite else { return current }
        let rising: AlertLevel = usagePct >= 100 ? .red : (usagePct >= 75 ? .orange : (usagePct >= 50 ? .yellow : .green))
        if rising >= current { return rising }
        // Falling: stay on each level until usage is clearly below its threshold.
        var level = current
        while level > .green && usagePct < level.thresholdPct - hysteresisPct {
            level = AlertLevel(rawValue: level.rawValue - 1)!
        }
        return level
    }
}

/// The alert level of every watched limit, one slot each. Fixed after init: updating allocates
/// nothing, so the host can run it after every event.
public struct LimitAlerts: Sendable, Equatable, Codable {
    /// Points below a threshold usage must fall to before its level is left (default 5).
    public internal(set) var hysteresisPct: Double
    /// Current level per slot.
    public private(set) var levels: [AlertLevel]

    public init(slots: Int, hysteresisPct: Double = 5) {
        precondition(hysteresisPct >= 0 && hysteresisPct < 50)
        self.hysteresisPct = hysteresisPct
        levels = Array(repeating: .green, count: slots)
    }

    /// Feeds slot `slot` its usage (percent of its limit). Returns `(from, to)` when its level
    /// changed, nil otherwise.
    @inline(__always)
    public mutating func update(slot: Int, usagePct: Double) -> (from: AlertLevel, to: AlertLevel)? {
        let from = levels[slot]
        let to = AlertLevel.next(after: from, usagePct: usagePct, hysteresisPct: hysteresisPct)
        guard to != from else { return nil }
        levels[slot] = to
        return (from, to)
    }
}
