import Foundation
import Host
import MarketData

/// `ConfigLoader.parse` on the text of a config file (the input is the file's bytes; bytes that
/// are not UTF-8 are refused before parsing, as `ConfigLoader.load` does).
///
/// Invariants beyond "no trap":
/// - the loader never hands out a config the validator refuses, nor one that `--shadow`
///   (`forcingShadow()`, used without validating again) turns into one the validator refuses;
/// - an accepted config starts the chain from a finite, positive equity, trades only valid
///   symbol names, and gives every strategy parameters that are one JSON object a plugin can read;
/// - a refusal names the file and says what is wrong.
enum ConfigTarget {
    /// The name the input is parsed under (it never touches the file system).
    static let file = "fuzz/gatehouse.yaml"

    static func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .refused }
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.parse(text, file: file)
        } catch {
            try require(error.file == file, "a refusal naming the file '\(error.file)': \(error)")
            try require(!error.message.isEmpty, "a refusal without words: \(error)")
            return .refused
        }
        let config = loaded.config
        try validates(config, "the loaded config")
        try validates(loaded.forcingShadow().config, "the config with --shadow")
        let equity = config.startingEquityUSD
        try require(equity.isFinite && equity > 0, "an accepted config whose starting equity is \(equity) USD")
        for symbol in config.allSymbols {
            try require(FeedTopic.isValidName(symbol), "an accepted config trading the symbol '\(symbol)'")
        }
        for strategy in config.strategies {
            let json = strategy.params.jsonText
            let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8))
            try require(parsed is [String: Any], "strategy \(strategy.name)'s parameters are not one JSON object: \(json)")
        }
        return .accepted
    }

    static func validates(_ config: GatehouseConfig, _ what: String) throws(FuzzFinding) {
        do {
            try ConfigValidator(file: file).validate(config)
        } catch {
            throw FuzzFinding("\(what) was accepted, but the validator refuses it: \(error)")
        }
    }
}
