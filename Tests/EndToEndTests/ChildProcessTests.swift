import Foundation
import TestKit
import Testing

/// The helper every process-driving test stands on: its waits are bounded and its children hold
/// nothing of the test runner's open, so no child can keep the suite from ending.
@Suite("Child processes")
struct ChildProcessTests {
    @Test func aChildStillRunningAtItsDeadlineIsKilledAndReportedAsSuch() throws {
        let child = try ChildProcess("/bin/sleep", ["600"])
        let (termination, killed) = child.waitOrKill(seconds: 0.2)
        #expect(killed)
        #expect(termination == .signalled(SIGKILL))
        #expect(!child.isRunning)
    }

    @Test func exitStatusAndBothOutputsAreCollectedToTheEnd() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"], seconds: 60)
        #expect(!result.killed)
        #expect(result.termination == .exited(3))
        #expect(result.standardOutput == "out")
        #expect(result.standardError == "err")
    }

    @Test func aChildInheritsNoDescriptorButItsStandardThree() throws {
        // A descriptor the runner opened without close-on-exec, as libraries often do.
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        // `ls` lists its own descriptors: 0, 1, 2, and the one it reads the folder with.
        let result = try ChildProcess.run("/bin/ls", ["/proc/self/fd"], seconds: 60)
        let listed = Set(result.standardOutput.split(separator: "\n").compactMap { Int32($0) })
        #expect(result.termination == .exited(0))
        #expect(!listed.contains(fds[0]) || fds[0] <= 3)
        #expect(!listed.contains(fds[1]) || fds[1] <= 3)
        #expect(listed.subtracting([0, 1, 2]).count <= 1, "descriptors open in the child: \(listed.sorted())")
    }

    @Test func aChildReadsEndOfFileOnStandardInput() throws {
        // /dev/null, not the runner's input: a child that reads it ends instead of waiting.
        let result = try ChildProcess.run("/bin/cat", [], seconds: 60)
        #expect(!result.killed)
        #expect(result.termination == .exited(0))
    }

    @Test func aChildRunsInTheWorkingFolderItIsGiven() throws {
        let result = try ChildProcess.run("/bin/pwd", [], workingDirectory: "/usr/bin", seconds: 60)
        #expect(result.standardOutput == "/usr/bin\n")
    }
}
