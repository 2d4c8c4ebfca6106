import Engine
import Foundation
import Logging
import Synchronization
import TestKit
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
        // Removed, with everything in it, when the test process exits.
        try TemporaryFolders.make(prefix: "gatehouse-tests")
    }

    /// Compiles `Fixtures/fixture_plugin.c` with gcc against the contract header alone, with the
    /// given `-D` variant, into `folder`; returns the library path.
    ///
    /// Each variant is compiled once per test run and copied into `folder`, so every test still
    /// gets a file of its own (some change its mode or bytes) without a gcc run per test.
    static func buildFixture(_ variant: String? = nil, in folder: URL, name: String = "libfixture.so") throws -> String {
        let compiled = try FixtureCache.shared.library(variant: variant)
        let output = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: compiled, toPath: output)
        // Build products are created 0755 here, but make the test independent of the umask.
        chmod(output, 0o755)
        return output
    }

    /// Runs a program to completion (killed after two minutes); returns its exit status (128 +
    /// the signal if one ended it) and its standard output followed by its standard error.
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let result = try ChildProcess.run(executable, arguments)
        try #require(!result.killed, "\(executable) did not finish within two minutes")
        return (result.termination.status, result.standardOutput + result.standardError)
    }

    /// A config with one feed and the given strategies (YAML fragments), written to `folder`.
    static func writeConfig(in folder: URL, feedEndpoint: String = "tcp://127.0.0.1:5556", strategies: [String], extra: String = "",
                            host: String = "") throws -> String {
        let yaml = """
            host:
              id: test-host
              log_level: warning
              \(host)
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

/// The fixture plugin compiled once per variant for the whole test run.
final class FixtureCache: Sendable {
    static let shared = FixtureCache()

    private let folder: URL
    private let built = Mutex<[String: String]>([:])

    private init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-fixtures-\(UUID().uuidString)")
        TemporaryFolders.register(folder)
    }

    /// The path of the fixture compiled with `-D<variant>` (or none), compiling it on first use.
    func library(variant: String?) throws -> String {
        let key = variant ?? ""
        // Held across the compile: concurrent tests asking for the same variant wait for one gcc.
        return try built.withLock { built in
            if let path = built[key] { return path }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let source = TestSupport.repositoryRoot.appendingPathComponent("Tests/HostTests/Fixtures/fixture_plugin.c").path
            let output = folder.appendingPathComponent("libfixture\(key.isEmpty ? "" : "-" + key).so").path
            // FIXTURE_ABI_1_0_HEADER: built against the header as it was at ABI 1.0 (a plugin
            // built before the host API grew), kept in Fixtures/abi-1.0.
            let includeDir = variant == "FIXTURE_ABI_1_0_HEADER"
                ? TestSupport.repositoryRoot.appendingPathComponent("Tests/HostTests/Fixtures/abi-1.0").path : TestSupport.includeDir
            var arguments = ["-std=c11", "-Wall", "-Werror", "-shared", "-fPIC", "-I", includeDir, source, "-o", output]
            if let variant { arguments.append("-D\(variant)") }
            let (status, text) = try TestSupport.run("/usr/bin/gcc", arguments)
            try #require(status == 0, "gcc failed: \(text)")
            built[key] = output
            return output
        }
    }
}
