import Foundation
import Logging
import Testing
@testable import Host

/// Paths and helpers shared by the host tests.
enum TestSupport {
    /// The repository root, found from this file's location.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the contract header.
    static let includeDir = repositoryRoot.appendingPathComponent("Sources/StrategyABI/include").path

    /// The folder of the test binary, where `swift build` also puts the example plugins.
    static let buildFolder = PluginLocator.executableFolder

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Compiles `Fixtures/fixture_plugin.c` with gcc against the contract header alone, with the
    /// given `-D` variant, into `folder`; returns the library path.
    static func buildFixture(_ variant: String? = nil, in folder: URL, name: String = "libfixture.so") throws -> String {
        let source = repositoryRoot.appendingPathComponent("Tests/HostTests/Fixtures/fixture_plugin.c").path
        let output = folder.appendingPathComponent(name).path
        var arguments = ["-std=c11", "-Wall", "-Werror", "-shared", "-fPIC", "-I", includeDir, source, "-o", output]
        if let variant { arguments.append("-D\(variant)") }
        let (status, text) = try run("/usr/bin/gcc", arguments)
        try #require(status == 0, "gcc failed: \(text)")
        // Build products are created 0755 here, but make the test independent of the umask.
        chmod(output, 0o755)
        return output
    }

    /// Runs a program to completion; returns its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A config with one feed and the given strategies (YAML fragments), written to `folder`.
    static func writeConfig(in folder: URL, feedEndpoint: String = "tcp://127.0.0.1:5556", strategies: [String], extra: String = "") throws -> String {
        let yaml = """
            host:
              id: test-host
              log_level: warning
            feeds:
              - name: test
                endpoint: \(feedEndpoint)
                topics: ["md.sim."]
            strategies:
            \(strategies.joined(separator: "\n"))
            \(extra)
            """
        let path = folder.appendingPathComponent("gatehouse.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One strategy entry for `writeConfig`.
    static func strategy(
        _ name: String, plugin: String, symbols: [String], sha256: String? = nil, params: String = "{}"
    ) -> String {
        var lines = [
            "  - name: \(name)",
            "    plugin: \(plugin)",
            "    symbols: [\(symbols.joined(separator: ", "))]",
            "    mode: live",
            "    allocated_capital_usd: 10000",
            "    params: \(params)",
        ]
        if let sha256 { lines.append("    sha256: \(sha256)") }
        return lines.joined(separator: "\n")
    }

    static let logger: Logger = {
        var logger = Logger(label: "gatehouse-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Reads a fixture trace file's lines.
    static func traceLines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
