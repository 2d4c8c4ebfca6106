import FuzzTargets
import Testing

/// The driver is only useful if it is repeatable (a CI finding replays from its seed) and if it
/// actually varies its inputs.
@Suite("Seeded mutator")
struct SeededMutatorTests {
    static let seeds: [[UInt8]] = [Array(#"{"type":"trade","price":1.5}"#.utf8), Array("key: [1, 2]\n".utf8)]

    @Test func theSameSeedGivesTheSameInputs() {
        var first = SeededMutator(seeds: Self.seeds, dictionary: [Array("tok".utf8)], seed: 42)
        var second = SeededMutator(seeds: Self.seeds, dictionary: [Array("tok".utf8)], seed: 42)
        var third = SeededMutator(seeds: Self.seeds, dictionary: [Array("tok".utf8)], seed: 43)
        let a = (0..<500).map { _ in first.next() }, b = (0..<500).map { _ in second.next() }, c = (0..<500).map { _ in third.next() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func inputsVaryStayBoundedAndUseTheDictionaryAndBoundaryNumbers() {
        var mutator = SeededMutator(seeds: Self.seeds, dictionary: [Array("TOKEN".utf8)], seed: 7)
        let inputs = (0..<5_000).map { _ in mutator.next() }
        #expect(Set(inputs).count > 3_000)
        #expect(inputs.allSatisfy { $0.count <= SeededMutator.maxLength })
        #expect(inputs.contains { $0.count < 10 })  // truncations
        #expect(inputs.contains { String(decoding: $0, as: UTF8.self).contains("TOKEN") })
        #expect(inputs.contains { String(decoding: $0, as: UTF8.self).contains("1e309") })
        #expect(inputs.contains { $0.count > 100 })  // runs of one byte
    }
}
