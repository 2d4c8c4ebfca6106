import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// Small helpers shared by the benchmark's parts: a monotonic clock, percentiles, a one-shot
// hand-off between threads, machine facts. Nothing here is measured.

/// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds (vDSO: no system call).
@inline(__always)
func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Seconds between two `monotonicNanos()` readings.
func seconds(from start: UInt64, to end: UInt64) -> Double {
    Double(Int64(bitPattern: end &- start)) / 1e9
}

/// A value produced once on one thread and awaited on another.
final class Handoff<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
        ready.signal()
    }

    /// Waits for the value; `nil` if `timeoutSeconds` passed first.
    func wait(timeoutSeconds: Double) -> Value? {
        guard ready.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
        ready.signal() // let later waiters through too
        return value.withLock { $0 }
    }

    /// The value if it is already there.
    var current: Value? { value.withLock { $0 } }
}

/// Runs `body` on a new, dedicated thread.
func spawnThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = name
    thread.start()
}

/// Nearest-rank percentiles over a sorted array.
struct Percentiles {
    let count: Int
    let p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double

    /// `values` need not be sorted; `scale` divides every value (batch size).
    init(_ values: [UInt64], scale: Double = 1) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            let index = Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[index]) / scale
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        p999 = rank(0.999)
        max = Double(sorted.last ?? 0) / scale
        mean = Double(sorted.reduce(0, &+)) / Double(Swift.max(1, sorted.count)) / scale
    }
}

/// Median and best of a few throughput runs (higher is better).
func medianAndBest(_ values: [Double]) -> (median: Double, best: Double) {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return (0, 0) }
    let median = sorted.count % 2 == 1
        ? sorted[sorted.count / 2]
        : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    return (median, sorted.last!)
}

/// Facts about the machine, for the report header.
enum Machine {
    static var processors: Int { ProcessInfo.processInfo.activeProcessorCount }

    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// What `uname -r` prints.
    static var kernelRelease: String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    static var dateUTC: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}

// MARK: Formatting

/// `1234567.8` → `1,234,568`.
func grouped(_ value: Double) -> String {
    let digits = String(Int64(value.rounded()))
    var out = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0, index % 3 == 0, character != "-" { out.append(",") }
        out.append(character)
    }
    return String(out.reversed())
}

/// `value` with `places` decimals.
func fixed(_ value: Double, _ places: Int) -> String {
    String(format: "%.\(places)f", value)
}

/// Progress for the operator, on standard error (standard output carries only the report).
func note(_ text: String) {
    FileHandle.standardError.write(Data("gatehouse-bench-feed: \(text)\n".utf8))
}

/// How busy the machine was besides this process, from `/proc/stat` and `/proc/self/stat`
/// (clock ticks of 10 ms, so only a rough guide): other processes compete for the same CPUs and
/// are the first suspect when runs disagree.
struct CPUSnapshot {
    var busy: UInt64 = 0
    var steal: UInt64 = 0
    var total: UInt64 = 0
    var ownTicks: UInt64 = 0

    static func now() -> CPUSnapshot {
        var snapshot = CPUSnapshot()
        if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) {
            // user nice system idle iowait irq softirq steal …
            let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
            if fields.count >= 8 {
                snapshot.busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
                snapshot.steal = fields[7]
                snapshot.total = fields[0...7].reduce(0, +)
            }
        }
        if let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = text.lastIndex(of: ")") {
            // After "pid (comm)": state is field 3, utime 14, stime 15.
            let fields = text[text.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) {
                snapshot.ownTicks = user + system
            }
        }
        return snapshot
    }
}

/// CPU use between two snapshots, as fractions of the machine's capacity.
struct CPULoad {
    var own: Double
    var others: Double
    var steal: Double

    init(from start: CPUSnapshot, to end: CPUSnapshot) {
        let total = Double(max(1, end.total &- start.total))
        let own = Double(end.ownTicks &- start.ownTicks)
        let busy = Double(end.busy &- start.busy)
        self.own = own / total
        self.others = max(0, busy - own) / total
        self.steal = Double(end.steal &- start.steal) / total
    }
}
