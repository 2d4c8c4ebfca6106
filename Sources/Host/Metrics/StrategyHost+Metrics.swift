import Risk

#if canImport(Glibc)
import Glibc
#endif

extension StrategyHost {
    /// The chain's decision on a valid intent at the current event time; timed into the chain
    /// latency histogram when metrics are on (two clock reads, no allocation).
    func decide(_ intent: OrderIntent, decisionID: UInt64) -> Decision {
        guard let metrics else { return risk.decide(intent, decisionID: decisionID, at: clockNs) }
        let start = Self.monotonicNs()
        let decision = risk.decide(intent, decisionID: decisionID, at: clockNs)
        metrics.recordChainLatency(nanoseconds: Self.monotonicNs() - start)
        return decision
    }

    /// Monotonic time, ns (only differences mean anything).
    static func monotonicNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
