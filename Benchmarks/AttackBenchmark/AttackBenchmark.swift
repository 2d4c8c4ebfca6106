import Foundation
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse-bench-attacks`: the host's memory under the peers of issue 11's probes. Starts the
/// real `gatehouse run` (the binary beside this one) on the bundled config with its feed, event
/// stream and control channel on ipc sockets in a temporary folder, then, one after the other:
/// a subscriber sending 200,000 distinct 1 KB subscriptions, another 200,000 of 100 bytes; 16
/// subscribers each at the subscription cap (1,024 of 118 bytes); 16 subscribers that never read
/// while 200,000 ticks go through the host; 500 more connections past `max_subscribers`; a
/// 300 MB control request; a 256 MB feed frame. After each it prints the host's resident set
/// (VmRSS) and its peak so far (VmHWM) from /proc, beside the baseline measured at start.
/// The figures go in BENCHMARKS.md; nothing here asserts them.
@main
struct AttackBenchmark {
    static func main() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gatehouse-attacks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = "ipc://\(folder.path)/md.sock", events = "ipc://\(folder.path)/events.sock", control = "ipc://\(folder.path)/control.sock"
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var text = try String(contentsOfFile: "config/gatehouse.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "endpoint: tcp://127.0.0.1:5556", with: "endpoint: \(feed)")
            .replacingOccurrences(of: "endpoint: tcp://127.0.0.1:7100", with: "endpoint: \(events)")
            .replacingOccurrences(of: "endpoint: ipc:///tmp/gatehouse-control.sock", with: "endpoint: \(control)")
            .replacingOccurrences(of: "plugin_dirs: []", with: "plugin_dirs: [\"\(build.path)\"]")
            .replacingOccurrences(of: "listen: 127.0.0.1:9464", with: "listen: 127.0.0.1:0")
            .replacingOccurrences(of: "deadman:\n", with: "deadman:\n  enabled: false\n")
        text += "\njournal:\n  path: \(folder.path)/journal.sqlite\n"
        let config = folder.appendingPathComponent("attacks.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)

        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        try publisher.setSendHighWaterMark(0)
        try publisher.bind(feed)
        let host = Process()
        host.executableURL = build.appendingPathComponent("gatehouse")
        host.arguments = ["run", "--config", config]
        host.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try host.run()
        defer { host.terminate(); host.waitUntilExit() }
        let pid = host.processIdentifier
        Thread.sleep(forTimeInterval: 2)
        print("host \(pid): \(ZMQContext.libraryVersion) libzmq, config \(config)")
        print(String(format: "%-58@ %10@ %10@", "step" as NSString, "VmRSS MB" as NSString, "VmHWM MB" as NSString))
        func report(_ step: String) {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func field(_ name: String) -> Double {
                guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return .nan }
                return Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") .map { $0 / 1024 } ?? .nan
            }
            print(String(format: "%-58@ %10.1f %10.1f", step as NSString, field("VmRSS"), field("VmHWM")))
        }
        report("baseline (started, idle)")

        // 1. 200,000 distinct subscriptions of 1 KB on one connection, then of 120 bytes.
        for size in [1_000, 100] {
            let greedy = try ZMQSocket(context: context, type: .sub)
            try greedy.setSendHighWaterMark(0)
            try greedy.connect(events)
            for n in 0..<200_000 {
                let head = "risk.junk-\(n)-"
                try greedy.subscribe(head + String(repeating: "j", count: size - head.utf8.count))
            }
            Thread.sleep(forTimeInterval: 5)
            report("200,000 subscriptions of \(size) bytes")
            greedy.close()
            Thread.sleep(forTimeInterval: 1)
            report("  and after that subscriber left")
        }

        // 1b. The worst the caps allow: 16 connections (max_subscribers) each holding 1,024
        // distinct subscriptions (max_subscriptions) of 118 bytes (the size limit).
        var atCap: [ZMQSocket] = []
        for c in 0..<16 {
            let socket = try ZMQSocket(context: context, type: .sub)
            try socket.setSendHighWaterMark(0)
            try socket.connect(events)
            for n in 0..<1_024 {
                let head = "risk.junk-\(c)-\(n)-"
                try socket.subscribe(head + String(repeating: "j", count: 118 - head.utf8.count))
            }
            atCap.append(socket)
        }
        Thread.sleep(forTimeInterval: 5)
        report("16 subscribers × 1,024 subscriptions of 118 bytes")
        for socket in atCap { socket.close() }
        Thread.sleep(forTimeInterval: 1)
        report("  and after they left")

        // 2. 16 subscribers that never read, while 200,000 ticks pass through the host.
        var stalled: [ZMQSocket] = []
        for _ in 0..<16 {
            let socket = try ZMQSocket(context: context, type: .sub)
            try socket.setReceiveHighWaterMark(1)
            try socket.subscribe("")
            try socket.connect(events)
            stalled.append(socket)
        }
        Thread.sleep(forTimeInterval: 1)
        let symbols = ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"]
        let base: [Double] = [60_000, 3_000, 140, 2_300]
        var ts = Int64(Date().timeIntervalSince1970 * 1e9) - 3_600_000_000_000
        for n in 0..<200_000 {
            let index = n % symbols.count
            ts += 10_000_000
            let price = base[index] * (1 + 0.02 * sin(Double(n) / 500))
            _ = try publisher.send(multipart: [Array("md.sim.\(symbols[index])".utf8),
                                               Array(#"{"type":"trade","ts_ns":\#(ts),"price":\#(price),"size":1}"#.utf8)])
        }
        Thread.sleep(forTimeInterval: 5)
        report("16 stalled subscribers, 200,000 ticks through the host")

        // 3. 500 more connections, past max_subscribers.
        var extra: [ZMQSocket] = []
        for _ in 0..<500 {
            let socket = try ZMQSocket(context: context, type: .sub)
            try socket.subscribe("")
            try socket.connect(events)
            extra.append(socket)
        }
        Thread.sleep(forTimeInterval: 3)
        report("500 connections past max_subscribers")
        for socket in extra + stalled { socket.close() }

        // 4. A 300 MB control request.
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.connect(control)
        _ = try dealer.send(multipart: [[], Array(repeating: UInt8(ascii: " "), count: 300 << 20)])
        Thread.sleep(forTimeInterval: 3)
        report("a 300 MB control request")
        dealer.close()

        // 5. A 256 MB feed frame.
        _ = try publisher.send(multipart: [Array("md.sim.BTCUSD".utf8), Array(repeating: UInt8(ascii: "{"), count: 256 << 20)])
        Thread.sleep(forTimeInterval: 3)
        report("a 256 MB feed frame")
        publisher.close()
        print("host still running: \(host.isRunning)")
    }
}
