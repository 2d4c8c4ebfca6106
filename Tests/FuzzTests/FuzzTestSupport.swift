import Foundation
import FuzzTargets

/// Where the committed corpora are, and how long the seeded runs go.
enum FuzzTestSupport {
    /// `Tests/Fuzz`: seeds, regressions and dictionaries (docs/fuzzing-and-sanitizers.md).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// Mutated inputs per target in an ordinary `swift test`, sized by what one input costs in a
    /// debug build so the five add about 20 s of one core to the suite (measured: feed frames
    /// ~8 µs, control requests and gateway messages ~15 µs, what-if inputs ~60 µs (most are
    /// refused before the chain), configs ~1 ms (Yams)).
    static let defaultIterations: [FuzzTarget: Int] = [
        .feedFrame: 400_000, .controlRequest: 150_000, .gatewayMessage: 150_000, .config: 10_000, .whatIf: 60_000,
    ]

    /// The iterations for `target`: `GATEHOUSE_FUZZ_ITERATIONS` (a multiple such as `20x`, or a
    /// count) for longer runs on demand, else the default.
    static func iterations(for target: FuzzTarget) -> Int {
        let base = defaultIterations[target] ?? 1_000
        guard let setting = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_ITERATIONS"], !setting.isEmpty else { return base }
        if setting.hasSuffix("x"), let factor = Double(setting.dropLast()), factor > 0 { return max(1, Int(Double(base) * factor)) }
        return Int(setting) ?? base
    }

    /// Whether `target` runs: all do, unless `GATEHOUSE_FUZZ_TARGETS` lists some (comma-separated
    /// names), to spend a long run on a few.
    static func isSelected(_ target: FuzzTarget) -> Bool {
        guard let setting = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGETS"], !setting.isEmpty else { return true }
        return setting.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == target.rawValue }
    }

    /// The mutation seed of `target`: fixed, so every CI run tries the same inputs, unless
    /// `GATEHOUSE_FUZZ_SEED` sets another (to look further, or to replay a reported finding).
    static func seed(for target: FuzzTarget) -> UInt64 {
        if let setting = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_SEED"], let seed = UInt64(setting) { return seed }
        // One fixed seed per target, from its name (FNV-1a), so targets do not share a sequence.
        return target.rawValue.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
