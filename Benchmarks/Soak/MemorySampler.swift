import Foundation
import Synchronization

/// Samples a process's resident set (`VmRSS` of /proc/<pid>/status, and of it the anonymous
/// part, `RssAnon`: heap and queues, not the mapped binaries and libraries) every
/// `intervalSeconds` until it exits.
final class MemorySampler: Sendable {
    /// Seconds since the sampler started, resident set and its anonymous part in MB (2^20 bytes).
    typealias Sample = (seconds: Double, rssMB: Double, anonMB: Double)
    private let samples = Mutex<[Sample]>([])
    private let finished = Atomic<Bool>(false)

    init(pid: Int32, intervalSeconds: Double) {
        spawnThread { [self] in
            let start = monotonicSeconds()
            while let (rss, anon) = Self.residentMB(pid) {
                samples.withLock { $0.append((monotonicSeconds() - start, rss, anon)) }
                // In slices of at most 50 ms, so the sampler ends soon after the process does
                // whatever the interval.
                let next = monotonicSeconds() + intervalSeconds
                while monotonicSeconds() < next, Self.residentMB(pid) != nil { usleep(UInt32(min(50_000, max(1, (next - monotonicSeconds()) * 1e6)))) }
            }
            finished.store(true, ordering: .releasing)
        }
    }

    /// `VmRSS` and `RssAnon` in MB; nil once the process is gone (or a zombie, which has no
    /// `VmRSS` line).
    static func residentMB(_ pid: Int32) -> (rss: Double, anon: Double)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                  let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
            return kb / 1024
        }
        guard let rss = field("VmRSS") else { return nil }
        return (rss, field("RssAnon") ?? .nan)
    }

    func wait() -> [Sample] {
        while !finished.load(ordering: .acquiring) { usleep(20_000) }
        return samples.withLock { $0 }
    }
}
