/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so a mutation run is the same
/// sequence of inputs on every machine and a finding can be replayed from its seed.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (`bound` > 0); the slight modulo bias does not matter here.
    package mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
