import Foundation
import Testing

/// `gatehouse-soak` at a small size, so every change runs the soak's checks against the real
/// host (the full 10 M-tick run and its figures are in RELIABILITY.md).
@Suite struct SoakEndToEndTests {
    @Test func aShortSoakPassesEveryCheck() throws {
        // Its files go in a folder of the test's, removed when the test process exits, also
        // when the soak has to be killed. One memory sample at most: a run this short says
        // nothing about memory, so check (d) is skipped rather than judged.
        let folder = try ProcessDriver.temporaryFolder().appendingPathComponent("soak")
        let (status, stdout, stderr) = try ProcessDriver.run(
            "gatehouse-soak", ["--ticks", "100000", "--seed", "3", "--rss-interval", "600", "--keep", folder.path], seconds: 110)
        #expect(status == 0, "soak output:\n\(stdout)\nstderr:\n\(stderr)")
        for check in ["(a) no cap exceeded", "(b) nothing risk-increasing while halted", "(c) journal = stream = summary", "(e) faults absorbed"] {
            #expect(stdout.contains("PASS \(check)"), "\(check) did not pass:\n\(stdout)")
        }
        #expect(stdout.contains("soak: PASS"))
    }
}
