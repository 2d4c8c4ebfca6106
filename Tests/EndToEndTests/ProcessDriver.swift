import Foundation
import TestKit
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

    private let child: ChildProcess

    /// Starts `executable` with `arguments` in the repository root.
    init(_ executable: String, _ arguments: [String]) throws {
        child = try ChildProcess(Self.binary(executable), arguments, workingDirectory: Self.repositoryRoot.path)
    }

    var standardOutput: String { child.standardOutput }
    var standardError: String { child.standardError }
    var processID: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }

    /// Waits until standard error contains `text`; false after `seconds`.
    func waitForStandardError(containing text: String, seconds: Double = 60) -> Bool {
        child.waitForStandardError(containing: text, seconds: seconds)
    }

    /// Waits for the process to exit (killing it after `seconds` so a hang fails instead of
    /// blocking the suite) and returns its exit status, or 128 + the signal that ended it.
    func waitForExit(seconds: Double = 120) throws -> Int32 {
        let (termination, killed) = child.waitOrKill(seconds: seconds)
        if killed { Issue.record("process did not exit within \(seconds) s; stderr:\n\(standardError)") }
        return termination.status
    }

    /// Runs to completion; returns (status, stdout, stderr).
    static func run(_ executable: String, _ arguments: [String], seconds: Double = 120) throws -> (Int32, String, String) {
        let driver = try ProcessDriver(executable, arguments)
        let status = try driver.waitForExit(seconds: seconds)
        return (status, driver.standardOutput, driver.standardError)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        // Removed, with everything in it, when the test process exits.
        try TemporaryFolders.make(prefix: "gatehouse-e2e")
    }
}
