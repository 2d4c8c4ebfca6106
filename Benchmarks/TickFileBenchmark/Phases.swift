import FeedReplay
import Foundation
import MarketData

#if canImport(Glibc)
import Glibc
#endif

/// The measured ways through one ticks file. Each runs in a process of its own (see
/// `TickFileBenchmark.measure`), so its peak resident memory is its own and not a high-water
/// mark left by an earlier phase.
enum Phase: String, CaseIterable {
    /// Baseline: the same chunked `read(2)` as the reader, counting newlines with `memchr`; no parsing.
    case readBytes = "read-bytes"
    /// `TickFileReader`: streamed, one event at a time.
    case streaming
    /// `TickFile.load`: the streaming parser, every event kept in one array.
    case wholeFile = "whole-file"
    /// The first parser (`TickFile.referenceParse`): the file as one `Data`, a `String` per field.
    case wholeFileFirstParser = "whole-file-first-parser"

    var label: String {
        switch self {
        case .readBytes: "baseline: read(2) 1 MiB chunks, count newlines"
        case .streaming: "TickFileReader (streaming)"
        case .wholeFile: "TickFile.load (same parser, all events in memory)"
        case .wholeFileFirstParser: "first parser (Data of the file, String per field)"
        }
    }

    /// What one phase saw: lines (newlines, for the baseline) or events, a digest of the events
    /// (equal across the parsing phases exactly when they parsed alike), time and memory.
    struct Result {
        var lines: Int
        var events: Int
        var digest: UInt64
        var seconds: Double
        var peakKB: Int
        var startKB: Int

        var line: String { "lines=\(lines) events=\(events) digest=\(digest) seconds=\(seconds) peak_kb=\(peakKB) start_kb=\(startKB)" }

        init(lines: Int, events: Int, digest: UInt64, seconds: Double, peakKB: Int, startKB: Int) {
            (self.lines, self.events, self.digest, self.seconds, self.peakKB, self.startKB) = (lines, events, digest, seconds, peakKB, startKB)
        }

        init?(parsing text: String) {
            var values: [String: String] = [:]
            for pair in text.split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
            }
            guard let lines = values["lines"].flatMap(Int.init), let events = values["events"].flatMap(Int.init),
                  let digest = values["digest"].flatMap(UInt64.init), let seconds = values["seconds"].flatMap(Double.init),
                  let peak = values["peak_kb"].flatMap(Int.init), let start = values["start_kb"].flatMap(Int.init) else { return nil }
            self.init(lines: lines, events: events, digest: digest, seconds: seconds, peakKB: peak, startKB: start)
        }
    }

    /// Runs the phase on `path` in this process.
    func run(path: String, chunkSize: Int) throws -> Result {
        let startKB = Memory.kilobytes("VmRSS")
        let start = monotonicNanos()
        var digest = Digest()
        var lines = 0, events = 0
        switch self {
        case .readBytes:
            lines = try Self.countNewlines(path: path, chunkSize: chunkSize)
        case .streaming:
            var reader = try TickFileReader(path: path, chunkSize: chunkSize)
            while let event = try reader.next() { digest.mix(event) }
            (lines, events) = (reader.linesRead, reader.eventsRead)
        case .wholeFile:
            let file = try TickFile.load(path: path)
            for event in file.events { digest.mix(event) }
            events = file.events.count
        case .wholeFileFirstParser:
            guard let data = FileManager.default.contents(atPath: path) else { throw BenchmarkFailure("cannot read \(path)") }
            let file = try TickFile.referenceParse(data, name: path)
            for event in file.events { digest.mix(event) }
            events = file.events.count
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        return Result(lines: lines, events: events, digest: digest.value, seconds: seconds,
                      peakKB: Memory.kilobytes("VmHWM"), startKB: startKB)
    }

    /// Newlines in the file, read exactly as `TickFileReader` reads it.
    static func countNewlines(path: String, chunkSize: Int) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BenchmarkFailure("cannot open \(path)") }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var newlines = 0
        while true {
            let count = read(descriptor, buffer, chunkSize)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var position = buffer
            var remaining = count
            while remaining > 0, let found = memchr(position, Int32(UInt8(ascii: "\n")), remaining) {
                newlines += 1
                let next = found + 1
                remaining -= next - position
                position = next
            }
        }
        return newlines
    }
}

/// FNV-1a over each event's fields.
struct Digest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    mutating func mix(_ event: MarketEvent) {
        mix(UInt64(event.kind.rawValue) << 32 | UInt64(event.symbolID))
        mix(UInt64(bitPattern: event.timestampNs))
        mix(event.v0.bitPattern)
        mix(event.v1.bitPattern)
        mix(event.v2.bitPattern)
        mix(event.v3.bitPattern)
    }

    @inline(__always)
    private mutating func mix(_ word: UInt64) { value = (value ^ word) &* 0x0000_0100_0000_01b3 }
}

enum Memory {
    /// A `kB` field of /proc/self/status (`VmRSS`: resident now, `VmHWM`: the peak so far).
    static func kilobytes(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? -1
        }
        return -1
    }
}

func monotonicNanos() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}
