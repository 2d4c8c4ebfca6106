import ArgumentParser
import Foundation
import Host
import OfflineTools

/// `gatehouse decide --config <file> --input <file>`: what-if decisions for operators; with
/// `--journal <file> --limits <file>`, the preview of new limits on a journal's decisions.
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide a list of intents against a described scenario (what-if), or preview new limits on a journal's decisions.",
        discussion: """
            With --input: builds the risk chain from the config's limits and strategies, restores \
            the scenario of the input (JSON: account, marks, return history, positions, strategy \
            figures, clusters) and decides the input's intents in order, each seeing the book as \
            the earlier approvals left it. Prints one JSON decision per intent (verdict, final \
            quantity, reasons and the per-stage trace) as an array on standard output.

            With --journal and --limits: re-applies the journal (written by a host started from \
            --config) as recovery does and decides each of its intents again under the limits \
            file (a file as `gatehouse ctl limits --file` takes it: the config edited, or a risk \
            section alone), against the book as it was at that moment. Prints a JSON report of \
            the decisions that would have come out otherwise. The journal is only read.

            Nothing is sent anywhere. Exit status: 0 on success, 2 for a config, input, limits or \
            journal error. Schemas: docs/what-if.md.
            """)

    @Option(name: .long, help: "The config file (YAML): limits, strategies, symbols, clusters.")
    var config: String

    @Option(name: .long, help: "The scenario and intents (JSON, see docs/what-if.md).")
    var input: String?

    @Option(name: .long, help: "A journal to preview --limits on (read only).")
    var journal: String?

    @Option(name: .long, help: "With --journal: the proposed limits (YAML, as `ctl limits --file` takes it).")
    var limits: String?

    func validate() throws {
        switch (input, journal) {
        case (nil, nil): throw ValidationError("decide needs --input <scenario.json>, or --journal <file> with --limits <file>")
        case (.some, .some): throw ValidationError("--input and --journal do not go together: a what-if scenario, or a journal to preview limits on")
        case (nil, .some) where limits == nil: throw ValidationError("--journal needs --limits <file>: the limits to preview on it")
        case (.some, nil) where limits != nil: throw ValidationError("--limits goes with --journal")
        default: break
        }
    }

    func run() throws {
        let loaded = try loadConfigOrExit(config)
        if let journal, let limits {
            let text: String
            do {
                text = try String(contentsOfFile: limits, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("gatehouse decide: limits error: \(limits): cannot be read (\(FileManager.default.fileExists(atPath: limits) ? "not UTF-8 text or no permission" : "no such file"))\n".utf8))
                throw ExitCode(2)
            }
            guard FileManager.default.fileExists(atPath: journal) else {
                FileHandle.standardError.write(Data("gatehouse decide: journal error: \(journal): no such file\n".utf8))
                throw ExitCode(2)
            }
            do {
                print(try encodeJSON(try JournalPreview.run(config: loaded, journal: journal, limitsText: text, limitsFile: limits)))
            } catch let error as JournalPreview.Failure {
                FileHandle.standardError.write(Data("gatehouse decide: \(error)\n".utf8))
                throw ExitCode(2)
            }
            return
        }
        let outputs: [WhatIf.Output]
        do {
            outputs = try WhatIf.run(config: loaded, input: try WhatIf.readInput(path: input ?? ""), inputName: input ?? "")
        } catch {
            FileHandle.standardError.write(Data("gatehouse decide: input error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(try encodeJSON(outputs))
    }
}
