import CChildSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test: the real `gatehouse` binaries, gcc, the journal's crash
/// child.
///
/// Built on `posix_spawn` and `waitpid` rather than Foundation's `Process`, because every wait
/// here must have a deadline and nothing may outlive the test run:
/// - the child gets /dev/null as input and only its own two pipes; every other descriptor is
///   closed in it, so a child never keeps another child's pipe, or the test runner's output, open;
/// - every wait is bounded; a child still running at its deadline is killed and the test fails
///   instead of hanging the suite;
/// - a child whose `ChildProcess` goes away while it runs is killed and reaped.
/// Output is collected by one thread per pipe until end of file.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "signal \(signal)"
            }
        }

        /// As a shell reports it: the exit status, or 128 + the signal that ended the child.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }
    }

    /// An error starting a child.
    public struct SpawnError: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public var description: String { "cannot start \(path): \(String(cString: strerror(errno)))" }
    }

    /// The child's process id.
    public let pid: pid_t
    private let stdoutText: PipeReader
    private let stderrText: PipeReader
    private let termination = Mutex<Termination?>(nil)

    /// Starts `path` with `arguments`, in `workingDirectory` when given.
    public init(_ path: String, _ arguments: [String], workingDirectory: String? = nil) throws {
        let out = try Self.makePipe(), err = try Self.makePipe()
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let rc = gatehouse_child_spawn(&child, path, argv, workingDirectory, out.write, err.write)
        close(out.write)
        close(err.write)
        guard rc == 0 else {
            close(out.read)
            close(err.read)
            throw SpawnError(path: path, errno: rc)
        }
        pid = child
        stdoutText = PipeReader(fd: out.read)
        stderrText = PipeReader(fd: err.read)
    }

    deinit {
        if termination.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Everything the child wrote to standard output so far.
    public var standardOutput: String { stdoutText.text }
    /// Everything the child wrote to standard error so far.
    public var standardError: String { stderrText.text }

    /// Whether the child has not exited yet (reaps it when it has).
    public var isRunning: Bool { poll() == nil }

    /// Sends `signal` to the child, unless it has already been reaped.
    public func send(_ signal: Int32) {
        if termination.withLock({ $0 }) == nil { kill(pid, signal) }
    }

    /// Waits at most `seconds` for the child to end; nil when it is still running.
    public func wait(seconds: Double) -> Termination? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let ended = poll() { return ended }
            if Date() >= deadline { return nil }
            usleep(2_000)
        }
    }

    /// Waits at most `seconds` for the child to end, then for its output to be read to the end.
    /// A child still running at the deadline is killed, and the result says so.
    /// - Returns: how it ended, and whether it had to be killed.
    public func waitOrKill(seconds: Double) -> (termination: Termination, killed: Bool) {
        if let ended = wait(seconds: seconds) {
            finishReading()
            return (ended, false)
        }
        kill(pid, SIGKILL)
        let ended = wait(seconds: 30) ?? .signalled(SIGKILL)
        finishReading()
        return (ended, true)
    }

    /// Waits (bounded) until both pipes reached end of file, so the output is complete.
    public func finishReading(seconds: Double = 10) {
        stdoutText.waitForEnd(seconds: seconds)
        stderrText.waitForEnd(seconds: seconds)
    }

    /// Waits until standard error contains `text`; false after `seconds` or once the child has
    /// ended without writing it.
    public func waitForStandardError(containing text: String, seconds: Double = 60) -> Bool {
        waitFor(seconds: seconds) { standardError.contains(text) }
    }

    /// Waits until standard output contains `text`; false after `seconds` or once the child has
    /// ended without writing it.
    public func waitForStandardOutput(containing text: String, seconds: Double = 60) -> Bool {
        waitFor(seconds: seconds) { standardOutput.contains(text) }
    }

    private func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            if !isRunning {
                finishReading()
                return condition()
            }
            usleep(5_000)
        }
        return condition()
    }

    /// Runs `path` to completion (killing it after `seconds`).
    /// - Returns: how it ended, whether it had to be killed, and its standard output and error.
    public static func run(_ path: String, _ arguments: [String], workingDirectory: String? = nil, seconds: Double = 120)
        throws -> (termination: Termination, killed: Bool, standardOutput: String, standardError: String)
    {
        let child = try ChildProcess(path, arguments, workingDirectory: workingDirectory)
        let (termination, killed) = child.waitOrKill(seconds: seconds)
        return (termination, killed, child.standardOutput, child.standardError)
    }

    private func poll() -> Termination? {
        termination.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            guard reaped == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG spelled out: the macros are not imported.
            let signal = status & 0x7f
            known = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            return known
        }
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        let rc = gatehouse_child_pipe(&fds)
        guard rc == 0 else { throw SpawnError(path: "pipe", errno: rc) }
        return (fds[0], fds[1])
    }
}

/// Reads one pipe to its end on a thread of its own.
private final class PipeReader: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let ended = DispatchSemaphore(value: 0)
    private let endSeen = Atomic<Bool>(false)

    init(fd: Int32) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.withLock { $0.append(contentsOf: chunk[0..<count]) }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
            endSeen.store(true, ordering: .releasing)
            ended.signal()
        }
        thread.start()
    }

    var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }

    func waitForEnd(seconds: Double) {
        if endSeen.load(ordering: .acquiring) { return }
        if ended.wait(timeout: .now() + seconds) == .success { ended.signal() }
    }
}
