import Foundation

/// The committed inputs of a target (docs/fuzzing-and-sanitizers.md, "Corpus layout"): its seeds
/// (`corpus/<target>/`, small valid examples from the docs and tests, which libFuzzer and the
/// seeded driver mutate), the regressions (`regressions/<target>/`, inputs that once broke
/// something, replayed as they are) and its dictionary (`dict/<target>.dict`, tokens the
/// mutators insert).
package struct FuzzCorpus: Sendable {
    /// Seed inputs, in file-name order, with their file names.
    package var seeds: [(name: String, bytes: [UInt8])]
    /// Inputs that once broke an invariant or trapped, in file-name order.
    package var regressions: [(name: String, bytes: [UInt8])]
    /// Tokens for the mutators.
    package var dictionary: [[UInt8]]

    /// Reads the inputs of `target` under `root` (the `Tests/Fuzz` folder). Missing folders are
    /// empty; a dictionary line that is not a token is an error, so a typo cannot go unnoticed.
    package init(target: FuzzTarget, root: URL) throws {
        seeds = try Self.files(in: root.appendingPathComponent("corpus/\(target.rawValue)"))
        regressions = try Self.files(in: root.appendingPathComponent("regressions/\(target.rawValue)"))
        let dictionaryFile = root.appendingPathComponent("dict/\(target.rawValue).dict")
        if FileManager.default.fileExists(atPath: dictionaryFile.path) {
            dictionary = try FuzzDictionary.parse(String(contentsOf: dictionaryFile, encoding: .utf8))
        } else {
            dictionary = []
        }
    }

    static func files(in folder: URL) throws -> [(name: String, bytes: [UInt8])] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
