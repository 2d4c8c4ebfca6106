import Foundation

#if canImport(Glibc)
import Glibc
#endif

enum Clock {
    /// CLOCK_MONOTONIC, ns.
    @inline(__always) static func nowNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// CLOCK_REALTIME, ns since the Unix epoch.
    static func wallNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// Percentiles of a set of samples (ns), by rank in the sorted samples.
struct Percentiles {
    let count: Int
    let p50, p99, p999, max: Int64

    init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        func at(_ q: Double) -> Int64 { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        count = sorted.count
        p50 = at(0.50); p99 = at(0.99); p999 = at(0.999); max = sorted.last ?? 0
    }
}

/// A fresh folder under the system's temporary directory (or `base`), removed by `remove()`.
struct ScratchFolder {
    let path: String

    init(base: String?) {
        let root = base ?? FileManager.default.temporaryDirectory.path
        path = "\(root)/gatehouse-bench-journal-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum Machine {
    static var processors: Int { ProcessInfo.processInfo.activeProcessorCount }

    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "?" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        return "?"
    }

    static var kernelRelease: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static var dateUTC: String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    static var buildConfiguration: String {
        #if DEBUG
        "debug (numbers are not representative; use -c release)"
        #else
        "release"
        #endif
    }

    /// The file system holding `path`, from /proc/mounts (longest matching mount point).
    static func fileSystem(of path: String) -> String {
        guard let text = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return "?" }
        var best = ("", "?")
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mount = String(fields[1])
            if (path == mount || path.hasPrefix(mount == "/" ? "/" : mount + "/")) && mount.count > best.0.count {
                best = (mount, "\(fields[2]) on \(mount) (\(fields[0]))")
            }
        }
        return best.1
    }
}

/// 1234567.8 → "1,234,568".
func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(value)"
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gatehouse-bench-journal: \(message)\n".utf8))
    exit(2)
}
