import Foundation
import FuzzTargets
import Testing

/// The committed inputs themselves: each seed is a valid input its parser accepts (else the
/// fuzzers would start from refusals and rarely get past the first check), each regression input
/// still breaks nothing, and the dictionaries parse.
@Suite("Fuzz corpora")
struct CorpusTests {
    @Test(arguments: FuzzTarget.allCases)
    func everySeedIsAcceptedAndKeepsEveryInvariant(target: FuzzTarget) throws {
        let corpus = try FuzzCorpus(target: target, root: FuzzTestSupport.root)
        #expect(corpus.seeds.count >= 3, "\(target) has \(corpus.seeds.count) seeds")
        #expect(!corpus.dictionary.isEmpty, "\(target) has no dictionary")
        for seed in corpus.seeds {
            do {
                let outcome = try target.run(seed.bytes)
                #expect(outcome == .accepted, "\(target)/\(seed.name) is refused")
            } catch {
                Issue.record("\(target)/\(seed.name): \(error)")
            }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyRegressionInputKeepsEveryInvariant(target: FuzzTarget) throws {
        let corpus = try FuzzCorpus(target: target, root: FuzzTestSupport.root)
        for regression in corpus.regressions {
            do {
                try target.run(regression.bytes)
            } catch {
                Issue.record("\(target) regression \(regression.name): \(error)")
            }
        }
    }

    @Test func aDictionaryLineIsATokenWithEscapes() throws {
        let tokens = try FuzzDictionary.parse("# comment\n\n\"a\\\"b\"\nname=\"\\x00\\xff\\\\\"\n")
        #expect(tokens == [Array("a\"b".utf8), [0x00, 0xFF, UInt8(ascii: "\\")]])
        #expect(throws: FuzzDictionary.Malformed.self) { try FuzzDictionary.parse("no quotes\n") }
        #expect(throws: FuzzDictionary.Malformed.self) { try FuzzDictionary.parse("\"\\q\"\n") }
    }
}
