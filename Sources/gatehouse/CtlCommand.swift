import ArgumentParser
import Foundation
import Host

/// `gatehouse ctl <verb> [strategy] --config <file> --reason <text>`: an operator's command to a
/// running host over its control channel (docs/control.md).
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Send an operator command to a running host: status, pause, resume, kill, reset, checkin, promote, limits.",
        discussion: """
            Connects to the control channel of the host the config describes (control.endpoint) and \
            prints its answer. Every verb but status is journaled and published with --reason and \
            the operator's name (with --key-file, the name the key is listed under in \
            control.curve.operators; otherwise --operator). Verbs: status; pause <strategy>; resume <strategy>; kill (the kill \
            switch: every intent refused, exits included); reset [--force] (clears the kill \
            switch, a latched halt, a fired dead man's switch; refused while the halt's cause is \
            present unless forced); checkin (the dead man's switch); promote <strategy> [--force] \
            (a flat shadow strategy whose shadow record passes the promotion criteria goes live; \
            --force promotes past failed criteria, never past an open position); limits --file <yaml> \
            (new risk limits without a restart: the host's config file edited, or a file holding the \
            risk section alone; validated as at start, applied between two events, refused whole on \
            any error). Exit status: 0 done, 1 \
            refused by the host (the reason is printed), 2 unusable command or config, 3 no answer.
            """)

    @Argument(help: "status, pause, resume, kill, reset, checkin, promote or limits.")
    var verb: String

    @Argument(help: "The strategy (pause, resume and promote).")
    var strategy: String?

    @Option(name: .long, help: "The host's config file.")
    var config: String

    @Option(name: .long, help: "Why (required for every verb but status); journaled with the action.")
    var reason: String?

    @Option(name: .long, help: "Who is acting (default: $USER). With --key-file the host journals the name your key is listed under, and refuses a different one.")
    var `operator`: String?

    @Flag(name: .long, help: "reset: clear a latched halt although its cause is still present (accepts the loss); promote: go live although a criterion fails.")
    var force = false

    @Option(name: .long, help: "limits: the YAML file with the new risk section (the config file, edited, or the risk section alone).")
    var file: String?

    @Option(name: .long, help: "CURVE: this client's key file (gatehouse keygen).")
    var keyFile: String?

    @Option(name: .long, help: "CURVE: the host's public key (default: read from control.curve.server_key_file).")
    var serverPublicKey: String?

    @Option(name: .long, help: "Milliseconds to wait for the answer (default: control.timeout_ms).")
    var timeoutMs: Int?

    @Flag(name: .long, help: "Print the host's answer as JSON.")
    var json = false

    func run() throws {
        let loaded = try loadConfigOrExit(config)
        // With a key the host knows who this is; a name sent anyway must match the key's.
        let who = `operator` ?? (keyFile != nil ? "" : ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        var limitsYAML: String?
        if verb == "limits" {
            guard let file else {
                FileHandle.standardError.write(Data("gatehouse ctl: limits needs --file <yaml> with the new risk section\n".utf8))
                throw ExitCode(2)
            }
            guard let data = FileManager.default.contents(atPath: file), let body = String(data: data, encoding: .utf8) else {
                FileHandle.standardError.write(Data("gatehouse ctl: \(file): cannot be read as UTF-8 text\n".utf8))
                throw ExitCode(2)
            }
            limitsYAML = body
        } else if file != nil {
            FileHandle.standardError.write(Data("gatehouse ctl: --file goes with the limits verb only\n".utf8))
            throw ExitCode(2)
        }
        let text: String
        do {
            text = try ControlClient.send(
                verb: verb, strategy: strategy, operatorName: who, reason: reason ?? "", force: force, limitsYAML: limitsYAML,
                config: loaded,
                clientKeyFile: keyFile, serverPublicKey: serverPublicKey, timeoutMs: timeoutMs)
        } catch {
            FileHandle.standardError.write(Data("gatehouse ctl: \(error.description)\n".utf8))
            throw ExitCode(error.timedOut ? 3 : 2)
        }
        let reply = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        let outcome = reply["outcome"] as? String ?? "error"
        if json {
            print(text)
        } else if let status = reply["status"] as? [String: Any] {
            print(Self.table(status))
        } else {
            print("\(outcome): \(reply["message"] as? String ?? text)")
        }
        switch outcome {
        case "done": return
        case "refused": throw ExitCode(1)
        default: throw ExitCode(2)
        }
    }

    /// The status answer as text for a terminal.
    static func table(_ status: [String: Any]) -> String {
        func number(_ value: Any?, _ digits: Int = 2) -> String {
            guard let value = value as? Double ?? (value as? Int).map(Double.init) else { return "n/a" }
            return String(format: "%.\(digits)f", value)
        }
        let account = status["account"] as? [String: Any] ?? [:]
        var lines = [
            "host \(status["host_id"] as? String ?? "?")  trading state \(status["trading_state"] as? String ?? "?")  kill switch \((status["kill_switch"] as? Bool ?? false) ? "ON" : "off")" +
                ((status["halt_latch"] as? String).map { $0.isEmpty ? "" : "  latched by \($0)" } ?? ""),
            "equity \(number(account["equity_usd"])) USD  peak \(number(account["peak_equity_usd"]))  drawdown \(number(account["drawdown_pct"])) % of \(number(account["drawdown_halt_pct"])) %  day loss \(number(account["daily_loss_pct"])) % of \(number(account["daily_loss_limit_pct"])) %",
            "gross exposure \(number(account["gross_exposure_usd"])) USD of \(number(account["gross_cap_usd"])) USD cap",
        ]
        if let deadman = status["deadman"] as? [String: Any] {
            lines.append("dead man's switch \(deadman["level"] as? String ?? "?"): \(number(deadman["elapsed_pct"], 1)) % of the period since the last check-in")
        }
        lines.append("")
        lines.append("strategy             mode    state               exposure USD  gross cap %  alloc %  drawdown %  dd breaker %  day loss %  cooldown  sharpe")
        for row in status["strategies"] as? [[String: Any]] ?? [] {
            let use = row["budget_use"] as? [String: Any] ?? [:]
            let name = (row["name"] as? String ?? "?").padding(toLength: 20, withPad: " ", startingAt: 0)
            let mode = (row["mode"] as? String ?? "?").padding(toLength: 7, withPad: " ", startingAt: 0)
            let state = (row["state"] as? String ?? "?").padding(toLength: 19, withPad: " ", startingAt: 0)
            lines.append("\(name) \(mode) \(state) \(number(row["exposure_usd"]).leftPadded(12))  \(number(use["account_gross_cap_pct"], 1).leftPadded(11))  \(number(use["allocated_capital_pct"], 1).leftPadded(7))  \(number(row["drawdown_pct"]).leftPadded(10))  \(number(use["drawdown_breaker_pct"], 1).leftPadded(12))  \(number(use["daily_loss_limit_pct"], 1).leftPadded(10))  \(number(row["cooldown_factor"], 3).leftPadded(8))  \(number(row["sharpe"]).leftPadded(6))")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// `gatehouse keygen --out <file>`: a new CURVE key pair for the control channel.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new CURVE key pair (for control.curve) and print its public key.",
        discussion: "The file is created with mode 0600 and never overwritten. List a client's public key under its operator's name in control.curve.operators; point control.curve.server_key_file at the host's file.")

    @Option(name: .long, help: "The key file to create.")
    var out: String

    func run() throws {
        do {
            let file = try CurveKeyFile.generate(at: out)
            print(file.publicKey)
        } catch {
            FileHandle.standardError.write(Data("gatehouse keygen: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
