import Journal

#if canImport(Glibc)
import Glibc
#endif

/// The JournalWriter measured the way the host uses it: one thread appends, the writer thread
/// commits.
enum WriterRuns {
    struct Throughput {
        let seconds: Double
        /// Appends that returned `.full` and were retried (the producer outran the writer).
        let fullRetries: Int
    }

    /// Appends every record as fast as possible (retrying `.full` after a yield) and returns the
    /// time from the first append to the end of the final `flush()`: the rate the writer
    /// sustains. Opening the journal is not timed.
    static func throughput(_ records: [JournalRecord], path: String, batch: Int) -> Throughput {
        let writer = open(path, batch: batch)
        var retries = 0
        let start = Clock.nowNs()
        for record in records {
            while true {
                switch writer.append(record) {
                case .accepted: break
                case .full:
                    retries += 1
                    sched_yield()
                    continue
                case .failed(let error): fail("append failed: \(error)")
                }
                break
            }
        }
        do { try writer.flush() } catch { fail("flush failed: \(error)") }
        let seconds = Double(Clock.nowNs() - start) / 1e9
        do { try writer.close() } catch { fail("close failed: \(error)") }
        return Throughput(seconds: seconds, fullRetries: retries)
    }

    struct Latency {
        let label: String
        let samples: Percentiles
        let full: Int
    }

    /// Times each `append` on the appending thread. With `ratePerSecond` the appends are paced
    /// (a busy wait between them, as a host appends when decisions come); without, they run
    /// back to back. Returns the percentiles of the accepted appends.
    static func appendLatency(_ records: [JournalRecord], path: String, batch: Int, ratePerSecond: Double?, label: String) -> Latency {
        let writer = open(path, batch: batch)
        var samples = [Int64](repeating: 0, count: records.count)
        var taken = 0, full = 0
        let interval = ratePerSecond.map { Int64(1e9 / $0) } ?? 0
        var next = Clock.nowNs()
        for record in records {
            if interval > 0 {
                next += interval
                while Clock.nowNs() < next {}
            }
            let before = Clock.nowNs()
            let result = writer.append(record)
            let after = Clock.nowNs()
            switch result {
            case .accepted:
                samples[taken] = after - before
                taken += 1
            case .full: full += 1
            case .failed(let error): fail("append failed: \(error)")
            }
        }
        do { try writer.flush(); try writer.close() } catch { fail("flush failed: \(error)") }
        return Latency(label: label, samples: Percentiles(Array(samples[..<taken])), full: full)
    }

    /// The cost of the two clock reads around each timed append.
    static func clockOverhead(_ count: Int) -> Percentiles {
        var samples = [Int64](repeating: 0, count: count)
        for i in 0..<count {
            let before = Clock.nowNs()
            let after = Clock.nowNs()
            samples[i] = after - before
        }
        return Percentiles(samples)
    }

    private static func open(_ path: String, batch: Int) -> JournalWriter {
        do {
            return try JournalWriter(path: path, options: JournalOptions(hostID: "bench", batchLimit: batch))
        } catch {
            fail("cannot open \(path): \(error)")
        }
    }
}
