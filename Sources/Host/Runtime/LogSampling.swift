/// Which occurrences of a repeated warning reach the log: the first `first`, then every
/// `every`th, so a peer or a plugin repeating a bad input cannot flood it (each log line carries
/// the count so far). `count` is the occurrence's number, from 1.
@inline(__always)
func shouldLogOccurrence(_ count: UInt64, first: UInt64 = 10, every: UInt64 = 1_000) -> Bool {
    count <= first || count % every == 0
}
