import Foundation
import Testing

/// Numbers the host multiplies into nanoseconds or counts: values that once made the host trap
/// (SIGILL on an overflowing conversion, or a period of zero nanoseconds) are config errors
/// naming the key, and `localhost`, which libzmq cannot bind, is refused for a bound endpoint
/// before anything starts. Driven through the real `gatehouse run`.
@Suite("Config values the host cannot use")
struct ConfigBoundsTests {
    @Test(arguments: [
        ("window_days: 30", "window_days: 1e6", "risk.decay.window_days", "at most 3650 days"),
        ("sample_seconds: 60", "sample_seconds: 1e10", "risk.correlation.sample_seconds", "between 1 and 86400 seconds"),
        ("stale_after_seconds: 30", "stale_after_seconds: 1e12", "risk.account.stale_after_seconds", "at most 31536000 seconds"),
        ("period_hours: 24", "period_hours: 1e-13", "deadman.period_hours", "between one second"),
        ("endpoint: ipc:///tmp/gatehouse-control.sock", "endpoint: tcp://localhost:7299\n  curve: {server_key_file: k.key, operators: {a: \"0123456789abcdefghijklmnopqrstuvwxyzABCD\"}}",
         "control.endpoint", "not an address libzmq can bind"),
        ("endpoint: tcp://127.0.0.1:7100", "endpoint: tcp://localhost:7100", "events.endpoint", "not an address libzmq can bind"),
    ])
    func aValueTheHostCannotUseIsAConfigErrorNamingItsKey(original: String, replacement: String, keyPath: String, message: String) throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = try String(contentsOf: ProcessDriver.repositoryRoot.appendingPathComponent("config/gatehouse.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "plugin_dirs: []", with: "plugin_dirs: [\"\(ProcessDriver.buildFolder.path)\"]")
        try #require(text.contains(original), "the bundled config changed: no '\(original)'")
        text = text.replacingOccurrences(of: original, with: replacement)
        let config = folder.appendingPathComponent("bounds.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config], seconds: 60)
        #expect(status == 2, "exit \(status): \(stderr)")
        #expect(stderr.contains("config error: \(config): \(keyPath): "), "\(stderr)")
        #expect(stderr.contains(message), "\(stderr)")
    }
}
