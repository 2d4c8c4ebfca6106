import FeedReplay
import Foundation
import Host
import OfflineTools
import Logging
import MarketData
import ZeroMQ

/// `gatehouse-bench-feed`: throughput and latency of the feed path (ZeroMQ → decode → plugins),
/// printed beside a raw libzmq baseline measured in the same run. A benchmark, not a test: it
/// asserts no timings, only that every run delivered every tick.
///
///     gatehouse-bench-feed [--events N] [--transport ipc|tcp] [--config PATH] [--operations on|off]
///
/// Run the release build from the repository root: plugins resolve from the binary's folder.
@main
struct FeedBenchmark {
    struct Options {
        var events = 1_000_000
        var transport = Transport.ipc
        var configPath: String?
        /// Live runs per measurement (best and median are reported).
        var runs = 3
        var decodeSamples = 200_000
        /// Event stream, control channel (with its dead man's switch) and metrics as the config
        /// has them (true), or removed (false, `--operations off`).
        var operations = true
        /// `feed` (the default): the feed path against raw libzmq. `book`: `BookWorkload`.
        var workload = "feed"
        var runsGiven = false
        /// `--keep DIR` (book): leave the workload's files there.
        var keep: String?
    }

    static let usage = """
        usage: gatehouse-bench-feed [--workload feed|book] [--events N] [--runs N] [--transport ipc|tcp]
                                    [--config PATH] [--operations on|off]
          --workload W       feed (default): the feed path beside raw libzmq; book: 8 EMA strategies
                             on 8 symbols through `gatehouse replay`, journal off and on, beside raw SQLite;
                             recovery: restart time after a crash with tails of 10k, 100k and 1M records;
                             rss: resident memory of the host every million ticks of a long book replay
          --events N         trades in the synthetic stream (default 1_000_000)
          --runs N           runs per measurement (default 3 for feed, 1 for book)
          --keep DIR         book: write the ticks, configs and journals to DIR and leave them
          --transport T      ipc (default) or tcp (loopback)
          --config PATH      host config whose plugins run (default config/gatehouse.yaml)
          --operations O     on (default): the config's event stream (read by one subscriber),
                             control channel, dead man's switch and metrics; off: all removed
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--events":
                let text = value(argument)
                guard let count = Int(text.replacingOccurrences(of: "_", with: "")), count >= 16 else {
                    fail("--events: '\(text)' is not an integer >= 16")
                }
                options.events = count
            case "--transport":
                let text = value(argument)
                guard let transport = Transport(rawValue: text) else { fail("--transport: '\(text)' is not ipc or tcp") }
                options.transport = transport
            case "--config":
                options.configPath = value(argument)
            case "--workload":
                let text = value(argument)
                guard ["feed", "book", "recovery", "rss"].contains(text) else { fail("--workload: '\(text)' is not feed, book, recovery or rss") }
                options.workload = text
            case "--keep":
                options.keep = value(argument)
            case "--runs":
                let text = value(argument)
                guard let runs = Int(text), runs >= 1 else { fail("--runs: '\(text)' is not an integer >= 1") }
                options.runs = runs
                options.runsGiven = true
            case "--operations":
                let text = value(argument)
                guard text == "on" || text == "off" else { fail("--operations: '\(text)' is not on or off") }
                options.operations = text == "on"
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                fail("unknown argument '\(argument)'")
            }
            index += 1
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gatehouse-bench-feed: \(message)\n\(usage)\n".utf8))
        exit(2)
    }

    static func main() {
        let options = parse(Array(CommandLine.arguments.dropFirst()))
        do {
            try run(options)
        } catch {
            FileHandle.standardError.write(Data("gatehouse-bench-feed: error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) throws {
        if options.workload == "rss" {
            print(try BookWorkload.rss(events: options.events, keep: options.keep))
            return
        }
        if options.workload == "recovery" {
            print(try BookWorkload.recovery(events: options.events, tails: [10_000, 100_000, 1_000_000],
                                            runs: options.runsGiven ? options.runs : 3, keep: options.keep))
            return
        }
        if options.workload == "book" {
            print(try BookWorkload.run(events: options.events, runs: options.runsGiven ? options.runs : 1, keep: options.keep))
            return
        }
        let configPath = options.configPath ?? ProjectFiles.locate("config/gatehouse.yaml")
        var config = try ConfigLoader.load(path: configPath)
        if !options.operations {
            config.config.events = nil
            config.config.control = nil
            config.config.metrics = nil
        }
        guard config.config.feeds.count == 1 else {
            throw BenchmarkFailure("\(configPath): the benchmark drives one feed; the config has \(config.config.feeds.count)")
        }
        // Warnings (dropped frames) still reach standard error; info lines would only add noise.
        var logger = Logger(label: "gatehouse-bench-feed") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning

        note("generating \(options.events) synthetic trades")
        let file = try SyntheticTicks.make(count: options.events)
        let wire = RawBaseline.Wire(file.events, venue: "sim")
        let n = options.events
        var report = Report(options: options, configPath: configPath, config: config, file: file)

        for mode in [RunMode.live, .drain] {
            let before = CPUSnapshot.now()
            defer { report.load.append(("raw libzmq \(mode) ×\(options.runs)", CPULoad(from: before, to: .now()))) }
            for run in 1...options.runs {
                note("raw libzmq \(mode) run \(run)/\(options.runs)")
                let result = try RawBaseline.run(wire: wire, transport: options.transport, mode: mode, label: "raw-\(mode)-\(run)")
                if !result.complete { note("raw libzmq \(mode) run \(run): only \(result.messages) of \(n) messages arrived") }
                report.raw.append((mode, result))
            }
        }

        let plan: [(PayloadEncoding, RunMode, Int)] = [
            (.binary, .live, options.runs), (.binary, .drain, options.runs), (.json, .live, 1), (.json, .drain, 1),
        ]
        for (encoding, mode, runs) in plan {
            let before = CPUSnapshot.now()
            defer { report.load.append(("host \(encoding) \(mode) ×\(runs)", CPULoad(from: before, to: .now()))) }
            for run in 1...runs {
                note("host path \(encoding) \(mode) run \(run)/\(runs)")
                let result = try HostPath.run(
                    config: config, file: file, encoding: encoding, transport: options.transport, mode: mode,
                    label: "host-\(encoding)-\(mode)-\(run)", logger: logger)
                if result.ticks != UInt64(n) || result.droppedTotal > 0 {
                    note("host path \(encoding) \(mode) run \(run): \(result.ticks) of \(n) ticks, \(result.droppedTotal) dropped")
                }
                report.host.append(result)
            }
        }

        note("decode latency, \(min(options.decodeSamples, n)) calls per encoding")
        let before = CPUSnapshot.now()
        (report.decode, report.timer) = try DecodeLatency.measure(events: file.events, samples: options.decodeSamples)
        report.load.append(("decode latency", CPULoad(from: before, to: .now())))
        print(report.render())
    }
}
