import FeedReplay
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse-bench-ticks`: how fast a ticks file parses, streamed and whole, beside a baseline
/// that only reads its bytes, in the same run on the same file; and the peak memory of each, on
/// the file and on one a tenth of its length, which shows the streaming reader's memory does not
/// grow with the file. A benchmark, not a test: it asserts nothing about time, only that every
/// parsing phase read the same events.
///
///     swift build -c release --product gatehouse-bench-ticks
///     .build/release/gatehouse-bench-ticks [--lines N] [--ticks FILE] [--rounds N] [--chunk BYTES] [--dir PATH]
///     .build/release/gatehouse-bench-ticks --lines N --write FILE    # only generate the file
@main
struct TickFileBenchmark {
    struct Options {
        var lines = 1_000_000
        var ticksPath: String?
        var rounds = 5
        var chunkSize = TickFileReader.defaultChunkSize
        var directory: String?
        /// Only write the generated file here and stop (for trying it with `gatehouse replay`).
        var writePath: String?
    }

    static let usage = """
        usage: gatehouse-bench-ticks [--lines N] [--ticks FILE] [--rounds N] [--chunk BYTES] [--dir PATH]
          --lines N      lines of the generated file (default 1_000_000; 8 symbols, ~71 % trades, ~29 % quotes)
          --ticks FILE   measure this ticks file instead of a generated one (no memory comparison)
          --rounds N     runs of each phase, each in a fresh process, phases interleaved; medians reported (default 5)
          --chunk BYTES  read(2) size of the baseline and the reader (default 1_048_576)
          --dir PATH     where the generated files go (default: the temporary directory)
          --write FILE   only write the generated file of --lines lines to FILE, measure nothing
        """

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--phase" {
            // A child: one phase on one file, its result on one line.
            guard arguments.count == 4, let phase = Phase(rawValue: arguments[1]), let chunk = Int(arguments[3]) else {
                fail("usage: --phase <name> <file> <chunk>")
            }
            do { print(try phase.run(path: arguments[2], chunkSize: chunk).line) } catch { fail("\(phase.rawValue): \(error)") }
            exit(0)
        }
        run(parse(arguments))
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(flag) needs a value") }
            return arguments[index]
        }
        func integer(_ flag: String, minimum: Int) -> Int {
            guard let number = Int(value(flag).replacingOccurrences(of: "_", with: "")), number >= minimum else {
                fail("\(flag) needs an integer >= \(minimum)")
            }
            return number
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--lines": options.lines = integer(flag, minimum: 10)
            case "--ticks": options.ticksPath = value(flag)
            case "--rounds": options.rounds = integer(flag, minimum: 1)
            case "--chunk": options.chunkSize = integer(flag, minimum: 1)
            case "--dir": options.directory = value(flag)
            case "--write": options.writePath = value(flag)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument '\(flag)'\n\(usage)")
            }
            index += 1
        }
        return options
    }

    static func run(_ options: Options) {
        if let path = options.writePath {
            do { try Generator.write(lines: options.lines, to: path) } catch { fail("\(error)") }
            return
        }
        let folder = (options.directory ?? FileManager.default.temporaryDirectory.path) + "/gatehouse-bench-ticks-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var files: [(label: String, path: String)] = []
        if let path = options.ticksPath {
            files.append(("\(path)", path))
        } else {
            for lines in [options.lines, options.lines / 10] {
                let path = "\(folder)/ticks-\(lines).csv"
                do { try Generator.write(lines: lines, to: path) } catch { fail("\(error)") }
                files.append(("generated, \(grouped(lines)) lines", path))
            }
        }

        print("## Ticks file benchmark")
        print("")
        print("| | |")
        print("|---|---|")
        print("| date (UTC) | \(ISO8601DateFormatter().string(from: Date())) |")
        print("| machine | \(ProcessInfo.processInfo.activeProcessorCount) CPUs, \(Machine.cpuModel), \(Machine.operatingSystem), Linux \(Machine.kernelRelease) |")
        print("| build | \(Machine.buildConfiguration) |")
        print("| chunk | \(grouped(options.chunkSize)) bytes per read(2) |")
        print("| rounds | \(options.rounds) per phase, each in a fresh process, phases interleaved; medians |")
        print("")

        for (index, file) in files.enumerated() {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            // Warm the page cache so every phase reads from memory, the first one included.
            _ = try? Phase.countNewlines(path: file.path, chunkSize: options.chunkSize)
            var results: [Phase: [Phase.Result]] = [:]
            for round in 0..<options.rounds {
                // Rotate the order so drift on a shared machine falls on every phase alike.
                let phases = Phase.allCases
                for offset in 0..<phases.count {
                    let phase = phases[(offset + round) % phases.count]
                    results[phase, default: []].append(measure(phase, path: file.path, chunkSize: options.chunkSize))
                }
            }
            let lines = results[.readBytes]!.first!.lines
            check(results, path: file.path)
            let events = results[.streaming]!.first!.events
            print("### \(file.label): \(grouped(bytes)) bytes, \(grouped(lines)) lines, \(grouped(events)) events\(index == 0 ? "" : " (memory check)")")
            print("")
            print("| phase | median s | lines/s | MB/s | of baseline | best lines/s | peak RSS (VmHWM) | RSS at start |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            let baseline = median(results[.readBytes]!.map(\.seconds))
            for phase in Phase.allCases {
                let runs = results[phase]!
                let seconds = median(runs.map(\.seconds))
                let best = runs.map(\.seconds).min()!
                let peak = runs.map(\.peakKB).max()!
                let start = runs.map(\.startKB).max()!
                print("| \(phase.label) | \(fixed(seconds, 3)) | **\(grouped(Double(lines) / seconds))** | \(fixed(Double(bytes) / seconds / 1e6, 1)) | \(fixed(100 * baseline / seconds, 1)) % | \(grouped(Double(lines) / best)) | \(megabytes(peak)) | \(megabytes(start)) |")
            }
            print("")
        }
    }

    /// Runs `phase` in a child process of this binary and reads its result line.
    static func measure(_ phase: Phase, path: String, chunkSize: Int) -> Phase.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Machine.executablePath)
        process.arguments = ["--phase", phase.rawValue, path, "\(chunkSize)"]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { fail("cannot start a child for \(phase.rawValue): \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let result = Phase.Result(parsing: text) else {
            fail("\(phase.rawValue) child failed (status \(process.terminationStatus)): \(text)")
        }
        return result
    }

    /// Every parsing phase must have read the same events (else its speed means nothing).
    static func check(_ results: [Phase: [Phase.Result]], path: String) {
        let reference = results[.streaming]!.first!
        for phase in [Phase.streaming, .wholeFile, .wholeFileFirstParser] {
            for result in results[phase]! where result.events != reference.events || result.digest != reference.digest {
                fail("\(phase.rawValue) read \(result.events) events (digest \(result.digest)), the reader \(reference.events) (digest \(reference.digest)) in \(path)")
            }
        }
        guard reference.lines == results[.readBytes]!.first!.lines else {
            fail("the reader counted \(reference.lines) lines, the baseline \(results[.readBytes]!.first!.lines) newlines")
        }
    }
}

enum Machine {
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "?" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        return "?"
    }

    static var operatingSystem: String {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return "?" }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "?"
    }

    static var kernelRelease: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static var buildConfiguration: String {
        #if DEBUG
        "debug (numbers are not representative; use -c release)"
        #else
        "release"
        #endif
    }
}

func grouped(_ value: Int) -> String { grouped(Double(value)) }

/// 1234567.8 → "1,234,568".
func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(value)"
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// kB → "12.3 MB" (10^6 bytes).
func megabytes(_ kilobytes: Int) -> String { "\(fixed(Double(kilobytes) * 1024 / 1e6, 1)) MB" }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gatehouse-bench-ticks: \(message)\n".utf8))
    exit(2)
}
