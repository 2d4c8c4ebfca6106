import Foundation
import Synchronization
import Testing

/// Runs the real built binaries (`gatehouse`, `gatehouse-replay`) as a user would.
final class ProcessDriver: Sendable {
    /// The repository root, found from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the test binary and, beside it, the products of `swift build`.
    static let buildFolder: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }()

    static func binary(_ name: String) -> String { buildFolder.appendingPathComponent(name).path }

    private let process: Process
    private let stdoutText = TextBuffer()
    private let stderrText = TextBuffer()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments` in the repository root.
    init(_ executable: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary(executable))
        process.arguments = arguments
        process.currentDirectoryURL = Self.repositoryRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [stdoutText] handle in
            let data = handle.availableData
            stdoutText.append(data)
        }
        err.fileHandleForReading.readabilityHandler = { [stderrText] handle in
            let data = handle.availableData
            stderrText.append(data)
        }
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    var standardOutput: String { stdoutText.text }
    var standardError: String { stderrText.text }
    var processID: Int32 { process.processIdentifier }

    /// Waits until standard error contains `text`; false after `seconds`.
    func waitForStandardError(containing text: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if standardError.contains(text) { return true }
            if !process.isRunning { return standardError.contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the process to exit (killing it after `seconds` so a hang fails instead of
    /// blocking the suite) and returns its exit status.
    func waitForExit(seconds: Double = 120) throws -> Int32 {
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 10)
            Issue.record("process did not exit within \(seconds) s; stderr:\n\(standardError)")
        }
        // Let the readability handlers deliver what is left in the pipes.
        Thread.sleep(forTimeInterval: 0.1)
        return process.terminationStatus
    }

    /// Runs to completion; returns (status, stdout, stderr).
    static func run(_ executable: String, _ arguments: [String], seconds: Double = 120) throws -> (Int32, String, String) {
        let driver = try ProcessDriver(executable, arguments)
        let status = try driver.waitForExit(seconds: seconds)
        return (status, driver.standardOutput, driver.standardError)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Output collected from a pipe, appended from its reading thread.
final class TextBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ data: Data) { storage.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var text: String { storage.withLock { $0 } }
}
