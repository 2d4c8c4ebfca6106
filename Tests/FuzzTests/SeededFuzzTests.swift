import Foundation
import FuzzTargets
import Testing

/// Every fuzz target, run over mutations of its committed seeds by the seeded driver: the same
/// inputs in every CI run, more with `GATEHOUSE_FUZZ_ITERATIONS` (docs/fuzzing-and-sanitizers.md).
/// A finding is reported with the seed, the iteration and the input in base64, so it can be
/// replayed and kept as a regression input.
@Suite("Fuzz targets under seeded mutation")
struct SeededFuzzTests {
    @Test(arguments: FuzzTarget.allCases)
    func mutatedSeedsNeverBreakAnInvariant(target: FuzzTarget) throws {
        guard FuzzTestSupport.isSelected(target) else { return }
        let corpus = try FuzzCorpus(target: target, root: FuzzTestSupport.root)
        try #require(!corpus.seeds.isEmpty, "no seeds for \(target) in Tests/Fuzz/corpus/\(target)")
        let seed = FuzzTestSupport.seed(for: target), iterations = FuzzTestSupport.iterations(for: target)
        var mutator = SeededMutator(seeds: corpus.seeds.map(\.bytes), dictionary: corpus.dictionary, seed: seed)
        var accepted = 0, findings = 0
        for iteration in 0..<iterations {
            let input = mutator.next()
            do {
                if try target.run(input) == .accepted { accepted += 1 }
            } catch {
                findings += 1
                Issue.record("""
                    \(target), seed \(seed), iteration \(iteration): \(error)
                    input: \(renderBytes(input))
                    base64: \(Data(input).base64EncodedString())
                    """)
                if findings == 5 { break }  // enough to go on; the rest are likely the same
            }
        }
        // Mutations must reach past the first refusal often enough to test what a parser accepts.
        #expect(findings > 0 || accepted * 100 >= iterations, "\(target): only \(accepted) of \(iterations) mutated inputs were accepted")
    }
}
