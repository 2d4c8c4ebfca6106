import CSQLite
import Foundation
import Journal

/// `gatehouse-bench-journal`: records per second the JournalWriter sustains, beside a raw SQLite
/// insert loop measured in the same run on the same file system, and the latency of
/// `JournalWriter.append` on the appending thread. A benchmark, not a test: it asserts nothing
/// about time, only that every run wrote every record.
///
///     swift build -c release --product gatehouse-bench-journal
///     .build/release/gatehouse-bench-journal [--decisions N] [--fills N] [--rounds N] [--batch N]
///         [--latency-samples N] [--rate N] [--dir PATH]
@main
struct JournalBenchmark {
    struct Options {
        var decisions = 200_000
        var fills = 500_000
        var rounds = 3
        var batch = 4_096
        var latencySamples = 300_000
        var rate = 100_000.0
        var directory: String?
    }

    static let usage = """
        usage: gatehouse-bench-journal [--decisions N] [--fills N] [--rounds N] [--batch N]
                                       [--latency-samples N] [--rate N] [--dir PATH]
          --decisions N        decision records (each with 5 stage rows) per throughput run (default 200_000)
          --fills N            fill records per throughput run (default 500_000)
          --rounds N           writer/raw pairs per workload, alternating; medians reported (default 3)
          --batch N            records per transaction, writer and raw alike (default 4_096)
          --latency-samples N  appends timed per latency run (default 300_000)
          --rate N             appends per second of the paced latency run (default 100_000)
          --dir PATH           where the scratch databases go (default: the temporary directory)
        """

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Hidden mode for the journal tests' process-crash test.
        if arguments.first == "--crash-child" {
            guard arguments.count == 3, let count = Int64(arguments[2]) else { fail("usage: --crash-child <journal> <n>") }
            CrashChild.run(path: arguments[1], count: count)
        }
        let options = parse(arguments)
        run(options)
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func integer(_ flag: String, minimum: Int) -> Int {
            index += 1
            guard index < arguments.count, let value = Int(arguments[index].replacingOccurrences(of: "_", with: "")),
                  value >= minimum else {
                fail("\(flag) needs an integer >= \(minimum)")
            }
            return value
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--decisions": options.decisions = integer(flag, minimum: 1)
            case "--fills": options.fills = integer(flag, minimum: 1)
            case "--rounds": options.rounds = integer(flag, minimum: 1)
            case "--batch": options.batch = integer(flag, minimum: 1)
            case "--latency-samples": options.latencySamples = integer(flag, minimum: 1)
            case "--rate": options.rate = Double(integer(flag, minimum: 1))
            case "--dir":
                index += 1
                guard index < arguments.count else { fail("--dir needs a path") }
                options.directory = arguments[index]
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                fail("unknown argument '\(flag)'\n\(usage)")
            }
            index += 1
        }
        return options
    }

    struct Pair {
        var writer: [WriterRuns.Throughput] = []
        var raw: [Double] = []
    }

    static func run(_ options: Options) {
        let scratch = ScratchFolder(base: options.directory)
        defer { scratch.remove() }
        print("## Journal benchmark")
        print("")
        print("| | |")
        print("|---|---|")
        print("| date (UTC) | \(Machine.dateUTC) |")
        print("| machine | \(Machine.processors) CPUs, \(Machine.cpuModel), Linux \(Machine.kernelRelease) |")
        print("| SQLite | \(String(cString: sqlite3_libversion())), WAL, synchronous=NORMAL, journal schema v\(JournalSchema.latestVersion) |")
        print("| file system | \(Machine.fileSystem(of: scratch.path)) |")
        print("| build | \(Machine.buildConfiguration) |")
        print("| transactions | \(options.batch) records each, writer and raw alike |")
        print("| queue | capacity 65,536 records (default), \(MemoryLayout<JournalEntry>.stride) B per queued record inline (+ heap text over 15 B, stage arrays) |")
        print("")

        var results: [(Workload, Int, Pair)] = []
        for workload in Workload.allCases {
            let count = workload == .decisions ? options.decisions : options.fills
            let records = workload.records(count)
            var pair = Pair()
            for round in 0..<options.rounds {
                // Alternate which goes first so drift on a shared machine hits both alike.
                let writerFirst = round % 2 == 0
                for step in 0..<2 {
                    let path = scratch.file("\(workload)-\(round)-\(step).sqlite")
                    if (step == 0) == writerFirst {
                        pair.writer.append(WriterRuns.throughput(records, path: path, batch: options.batch))
                        verify(path, workload, count)
                    } else {
                        pair.raw.append(RawBaseline.run(records, path: path, batch: options.batch))
                    }
                    removeDatabase(path)
                }
            }
            results.append((workload, count, pair))
        }

        print("### Sustained rate: JournalWriter vs raw SQLite inserts (same run, same rows)")
        print("")
        print("| workload | records/run | rows/record | round | raw records/s | writer records/s | writer/raw | writer `.full` retries |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for (workload, count, pair) in results {
            for round in 0..<options.rounds {
                let raw = Double(count) / pair.raw[round]
                let writer = Double(count) / pair.writer[round].seconds
                print("| \(workload) | \(grouped(Double(count))) | \(workload.rowsPerRecord) | \(round + 1) | \(grouped(raw)) | \(grouped(writer)) | \(fixed(100 * writer / raw, 1)) % | \(grouped(Double(pair.writer[round].fullRetries))) |")
            }
            let raw = median(pair.raw.map { Double(count) / $0 })
            let writer = median(pair.writer.map { Double(count) / $0.seconds })
            print("| **\(workload)** | | | **median** | **\(grouped(raw))** | **\(grouped(writer))** | **\(fixed(100 * writer / raw, 1)) %** | |")
        }
        print("")

        print("### Append latency on the appending thread (ns per `append`, accepted appends)")
        print("")
        let clock = WriterRuns.clockOverhead(options.latencySamples)
        let fills = Workload.fills.records(options.latencySamples)
        let decisions = Workload.decisions.records(options.latencySamples)
        var rows: [WriterRuns.Latency] = []
        rows.append(WriterRuns.appendLatency(fills, path: scratch.file("latency-fills-paced.sqlite"), batch: options.batch,
                                             ratePerSecond: options.rate, label: "fills, paced at \(grouped(options.rate))/s"))
        rows.append(WriterRuns.appendLatency(decisions, path: scratch.file("latency-decisions-paced.sqlite"), batch: options.batch,
                                             ratePerSecond: options.rate / 4, label: "decisions (5 stages), paced at \(grouped(options.rate / 4))/s"))
        // A quiet host: appends further apart than the writer's commit delay.
        let quietRate = 2_000.0
        let quiet = Array(fills.prefix(min(fills.count, Int(quietRate) * 5)))
        rows.append(WriterRuns.appendLatency(quiet, path: scratch.file("latency-fills-quiet.sqlite"), batch: options.batch,
                                             ratePerSecond: quietRate, label: "fills, paced at \(grouped(quietRate))/s"))
        rows.append(WriterRuns.appendLatency(fills, path: scratch.file("latency-fills-burst.sqlite"), batch: options.batch,
                                             ratePerSecond: nil, label: "fills, back to back (queue may fill)"))
        print("| run | samples | p50 | p99 | p99.9 | max | `.full` |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let p = row.samples
            print("| \(row.label) | \(grouped(Double(p.count))) | \(p.p50) | \(p.p99) | \(p.p999) | \(p.max) | \(row.full) |")
        }
        print("| baseline: two clock reads, nothing between | \(grouped(Double(clock.count))) | \(clock.p50) | \(clock.p99) | \(clock.p999) | \(clock.max) | |")
    }

    /// Reads the journal back: every record there, seq 1…count.
    static func verify(_ path: String, _ workload: Workload, _ count: Int) {
        do {
            let reader = try JournalReader(path: path)
            let kind: JournalRecord.Kind = workload == .decisions ? .decision : .fill
            let found = try reader.count(kind)
            let last = try reader.lastSeq()
            guard found == count, last == Int64(count) else { fail("\(path): \(found) records, last seq \(last), expected \(count)") }
            if workload == .decisions {
                let stages = try reader.stageRowCount()
                guard stages == count * 5 else { fail("\(path): \(stages) stage rows, expected \(count * 5)") }
            }
        } catch {
            fail("verifying \(path): \(error)")
        }
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
