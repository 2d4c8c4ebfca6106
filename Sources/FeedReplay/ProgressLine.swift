/// The text of one progress line for a terminal, e.g.
///
///     replay [######          ]  41.2 %  412,345/1,000,000 ticks  4,702 ticks/s  2:05 left
///
/// Pure: the same counts and elapsed time give the same line, so it is tested without a
/// terminal or a clock. `TerminalProgress` decides when to draw it.
public enum ProgressLine {
    /// What is being counted.
    public enum Unit: Sendable {
        /// Events: shown as grouped integers, with a rate in ticks/s.
        case ticks
        /// Bytes: shown in MB (10^6 bytes), with a rate in MB/s.
        case bytes
    }

    /// Cells in the bar.
    package static let barWidth = 16

    /// The line for `done` of `total` (if known) units after `elapsedSeconds`.
    ///
    /// - Parameters:
    ///   - fraction: the share done, 0…1, when it is known; it sets the bar, the percentage and
    ///     the time left (elapsed × (1 − f) / f: the average rate so far, carried forward). When
    ///     `nil`, `done / total` is used if `total` is given, else the line has counts and rate only.
    public static func render(
        label: String, done: Int, total: Int?, unit: Unit = .ticks, fraction: Double? = nil, elapsedSeconds: Double
    ) -> String {
        let share = fraction ?? total.map { $0 > 0 ? Double(done) / Double($0) : 1 }
        var parts: [String]
        if let share {
            let clamped = min(1, max(0, share.isFinite ? share : 0))
            let filled = Int((clamped * Double(barWidth)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: barWidth - filled)
            parts = ["\(label) [\(bar)]", pad(fixed(clamped * 100, decimals: 1), to: 5) + " %"]
        } else {
            parts = [label]
        }
        switch unit {
        case .ticks: parts.append(total.map { "\(grouped(done))/\(grouped($0)) ticks" } ?? "\(grouped(done)) ticks")
        case .bytes: parts.append(total.map { "\(megabytes(done))/\(megabytes($0)) MB" } ?? "\(megabytes(done)) MB")
        }
        if elapsedSeconds > 0 {
            let rate = Double(done) / elapsedSeconds
            switch unit {
            case .ticks: parts.append("\(grouped(Int(rate.rounded()))) ticks/s")
            case .bytes: parts.append("\(fixed(rate / 1e6, decimals: 1)) MB/s")
            }
        }
        if let share {
            parts.append("\(timeLeft(share: share, elapsedSeconds: elapsedSeconds)) left")
        }
        return parts.joined(separator: "  ")
    }

    /// `m:ss` (or `h:mm:ss`) still to go at the average rate so far; `--:--` before there is a rate.
    package static func timeLeft(share: Double, elapsedSeconds: Double) -> String {
        guard share.isFinite, share > 0, elapsedSeconds > 0 else { return "--:--" }
        if share >= 1 { return "0:00" }
        let seconds = elapsedSeconds * (1 - share) / share
        guard seconds < 100 * 3600 else { return "--:--" }
        return clock(Int(seconds.rounded(.up)))
    }

    /// `m:ss` under an hour, `h:mm:ss` from an hour on.
    package static func clock(_ totalSeconds: Int) -> String {
        let hours = totalSeconds / 3600, minutes = totalSeconds / 60 % 60, seconds = totalSeconds % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(seconds))" : "\(minutes):\(two(seconds))"
    }

    /// `1234567` → `1,234,567` (no locale: the same on every machine).
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Bytes as MB with one decimal.
    package static func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, decimals: 1) }

    /// `value` rounded to `decimals` places, without Foundation's `String(format:)`.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale), rest = abs(scaled % Int(scale))
        guard decimals > 0 else { return grouped(whole) }
        let restText = String(rest)
        return (scaled < 0 && whole == 0 ? "-" : "") + grouped(whole) + "."
            + String(repeating: "0", count: decimals - restText.count) + restText
    }

    package static func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
