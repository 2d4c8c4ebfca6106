import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// Small helpers of the soak: a seeded generator, a monotonic clock, threads, the soak's log.
// Nothing here decides a check.

/// xorshift64*: a small seeded generator whose sequence is the same on every platform, so one
/// seed gives the same ticks and the same operator script every run. Never seed it with 0.
struct SoakRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x5EED_5EED_5EED_5EED : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `0..<bound` (`bound` > 0; the modulo bias is below 2^-50 for the bounds used).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// `CLOCK_MONOTONIC` in seconds.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The wall clock in ns since the epoch.
func wallNanos() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Runs `body` on a new thread.
func spawnThread(_ body: @escaping @Sendable () -> Void) {
    Thread(block: body).start()
}

/// The soak could not run as intended: its checks would mean nothing.
struct SoakFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A progress line on standard error, with the seconds since the soak started.
func note(_ text: String) {
    FileHandle.standardError.write(Data(String(format: "[soak %7.1f s] %@\n", monotonicSeconds() - SoakClock.start, text).utf8))
}

/// When the soak started (`monotonicSeconds`), for its log lines. Set once by the command before
/// any of its threads starts, only read after.
enum SoakClock {
    nonisolated(unsafe) static var start = monotonicSeconds()
}

/// A flag one thread raises and others read.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
