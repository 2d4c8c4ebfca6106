import Foundation
import Synchronization
import TestKit
import Testing
import ZeroMQ
@testable import Host

/// A plugin runs in the host's process, so its crash stops the host: before it dies the host
/// says which strategy instance and callback were running, and the exit is the signal's.
@Suite("Crash report")
struct CrashReportTests {
    /// The `gatehouse` binary beside the test binary (the products of `swift build`).
    static let gatehouse: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("gatehouse").path
    }()

    /// A real `gatehouse run` of fixture strategies (name, symbol, params) in `folder`, fed by
    /// the returned XPUB once it has subscribed.
    static func host(in folder: URL, _ strategies: [(String, String, String)]) throws -> (ChildProcess, ZMQSocket) {
        let plugin = try TestSupport.buildFixture(in: folder)
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .xpub)
        try publisher.setLinger(milliseconds: 0)
        try publisher.bind("ipc://\(folder.path)/md.sock")
        let config = try TestSupport.writeConfig(in: folder, feedEndpoint: "ipc://\(folder.path)/md.sock", strategies: strategies.map {
            TestSupport.strategy($0.0, plugin: plugin, symbols: [$0.1], params: $0.2)
        })
        let host = try ChildProcess(Self.gatehouse, ["run", "--config", config])
        do {
            try publisher.setReceiveTimeout(milliseconds: 30_000)
            try #require(try publisher.receiveMultipart() != nil, "the host never subscribed: \(host.standardError)")
        } catch {
            host.send(SIGKILL)
            _ = host.wait(seconds: 10)
            publisher.close()
            throw error
        }
        return (host, publisher)
    }

    @Test func aPluginThatCrashesIsNamedWithItsCallbackBeforeTheHostDies() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (host, publisher) = try Self.host(in: folder, [("calm", "ETHUSD", "{}"), ("crasher", "BTCUSD", "{crash_at_event: 2}")])
        defer { publisher.close() }
        defer { if host.isRunning { host.send(SIGKILL); _ = host.wait(seconds: 10) } }
        let ts: Int64 = 1_772_460_000_000_000_000
        for (index, symbol) in ["ETHUSD", "BTCUSD", "BTCUSD"].enumerated() {
            try publisher.send(multipart: [Array("md.sim.\(symbol)".utf8),
                                           Array(#"{"type":"trade","ts_ns":\#(ts + Int64(index)),"price":100,"size":1}"#.utf8)])
        }
        let ended = try #require(host.wait(seconds: 60), "the host did not die")
        host.finishReading()
        #expect(ended == .signalled(SIGSEGV), "\(ended)")
        #expect(host.standardError.contains("gatehouse: fatal signal SIGSEGV while strategy 'crasher' ran on_market_data; the host stops. Restarted on its journal, it recovers its state"),
                "\(host.standardError.suffix(2_000))")
    }

    /// A plugin looping on a malformed call cannot flood the log: the refusals are counted, and
    /// logged the first ten times and then every thousandth.
    @Test func malformedSubmissionsAreLoggedAtALimitedRate() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (host, publisher) = try Self.host(in: folder, [("noisy", "BTCUSD", "{bad_submits: 30000}")])
        defer { publisher.close() }
        defer { if host.isRunning { host.send(SIGKILL); _ = host.wait(seconds: 10) } }
        try publisher.send(multipart: [Array("md.sim.BTCUSD".utf8),
                                       Array(#"{"type":"trade","ts_ns":1772460000000000000,"price":100,"size":1}"#.utf8)])
        // The last of the 30,000 is logged; then the host is asked to stop.
        let deadline = Date().addingTimeInterval(60)
        while !host.standardError.contains("refused_so_far=30000") && Date() < deadline && host.isRunning { usleep(20_000) }
        host.send(SIGTERM)
        #expect(host.wait(seconds: 60) == .exited(0))
        host.finishReading()
        let lines = host.standardError.split(separator: "\n").filter { $0.contains("submit_intent refused") }
        #expect(lines.count == 10 + 30, "\(lines.count) lines logged for 30,000 refusals")
    }

    /// The alternate signal stack: set up only on a thread that has none, and taken back only when
    /// it is the one set up. (AddressSanitizer gives every thread a stack of its own and unmaps it
    /// when the thread ends; a host that replaced it made every sanitized run of `gatehouse` abort
    /// as its loop thread ended.) On a thread of its own, with the thread's stack put back after.
    @Test func theAlternateStackIsSetUpOnlyWhereThereIsNoneAndTakenBackOnlyWhenItIsOurs() throws {
        let observed = Mutex<[String: Bool]>([:])
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            func current() -> stack_t {
                var stack = stack_t()
                sigaltstack(nil, &stack)
                return stack
            }
            func enabled() -> Bool { current().ss_flags & Int32(SS_DISABLE) == 0 }
            var original = current()
            var disabled = stack_t()
            disabled.ss_flags = Int32(SS_DISABLE)
            sigaltstack(&disabled, nil)
            var seen: [String: Bool] = [:]
            seen["set up where there is none"] = CrashReport.setUpAlternateStack()
            seen["in place, of its size"] = enabled() && current().ss_size == CrashReport.alternateStackSize
            seen["not set up twice"] = !CrashReport.setUpAlternateStack()
            CrashReport.removeAlternateStack()
            seen["taken back"] = !enabled()
            let size = 1 << 15
            let theirs = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            var stack = stack_t()
            stack.ss_sp = theirs
            stack.ss_size = size
            sigaltstack(&stack, nil)
            seen["another's stack kept"] = !CrashReport.setUpAlternateStack() && current().ss_sp == theirs
            CrashReport.removeAlternateStack()
            seen["another's stack not taken back"] = enabled() && current().ss_sp == theirs
            sigaltstack(&original, nil)
            theirs.deallocate()
            observed.withLock { $0 = seen }
            done.signal()
        }
        thread.start()
        try #require(done.wait(timeout: .now() + 30) == .success, "the thread did not finish")
        let seen = observed.withLock { $0 }
        for step in ["set up where there is none", "in place, of its size", "not set up twice", "taken back",
                     "another's stack kept", "another's stack not taken back"] {
            #expect(seen[step] == true, "\(step)")
        }
    }
}
