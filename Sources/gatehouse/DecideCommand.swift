import ArgumentParser
import Foundation
import Host
import OfflineTools

/// `gatehouse decide --config <file> --input <file>`: what-if decisions for operators.
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide a list of intents against a described scenario (what-if), without plugins or feeds.",
        discussion: """
            Builds the risk chain from the config's limits and strategies, restores the scenario of \
            the input (JSON: account, marks, return history, positions, strategy figures, clusters) \
            and decides the input's intents in order, each seeing the book as the earlier approvals \
            left it. Prints one JSON decision per intent (verdict, final quantity, reasons and the \
            per-stage trace) as an array on standard output. Nothing is sent anywhere. Exit status: \
            0 on success, 2 for a config or input error. Input schema: docs/what-if.md.
            """)

    @Option(name: .long, help: "The config file (YAML): limits, strategies, symbols, clusters.")
    var config: String

    @Option(name: .long, help: "The scenario and intents (JSON, see docs/what-if.md).")
    var input: String

    func run() throws {
        let loaded = try loadConfigOrExit(config)
        let outputs: [WhatIf.Output]
        do {
            outputs = try WhatIf.run(config: loaded, input: try WhatIf.readInput(path: input), inputName: input)
        } catch {
            FileHandle.standardError.write(Data("gatehouse decide: input error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(try encodeJSON(outputs))
    }
}
