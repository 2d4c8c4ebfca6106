import Engine
import Foundation
import Testing
@testable import Host

/// Every way a plugin can fail to load refuses the host's start with an error naming the strategy
/// and the cause. Plugins here are compiled with gcc from the contract header alone.
@Suite("Plugin loader")
struct PluginLoaderTests {
    /// Loads (and creates) the strategies of a config on this thread, returning the error if any.
    func startError(plugin: String, in folder: URL, sha256: String? = nil) throws -> PluginLoadError? {
        let path = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("alpha", plugin: plugin, symbols: ["BTCUSD"], sha256: sha256),
        ])
        let loaded = try ConfigLoader.load(path: path)
        do {
            let host = try PluginHost(config: loaded, logger: TestSupport.logger)
            host.destroyAll()
            return nil
        } catch {
            return error
        }
    }

    @Test func aPluginBuiltFromTheHeaderAloneLoadsAndIsCreated() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        #expect(try startError(plugin: plugin, in: folder) == nil)
    }

    @Test func aMissingFileIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let error = try #require(try startError(plugin: "libnothing.so", in: folder))
        guard case .fileMissing(let tried) = error.cause else { Issue.record("wrong cause \(error)"); return }
        #expect(!tried.isEmpty)
        #expect(error.description.contains("strategy 'alpha'"))
        #expect(error.description.contains("libnothing.so"))
    }

    @Test func aFileThatIsNotASharedObjectIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("libtext.so").path
        try "this is not an ELF file".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(try startError(plugin: path, in: folder))
        guard case .notSharedObject(let detail) = error.cause else { Issue.record("wrong cause \(error)"); return }
        #expect(detail.contains(path))
    }

    @Test func aLibraryWithoutTheEntrySymbolIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_NO_ENTRY", in: folder)
        let error = try #require(try startError(plugin: plugin, in: folder))
        #expect(error.cause == .entryMissing(symbol: "gatehouse_strategy_entry"))
    }

    @Test func anEntryReturningNullIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_ENTRY_NULL", in: folder)
        let error = try #require(try startError(plugin: plugin, in: folder))
        #expect(error.cause == .entryRefused(hostABI: GatehouseABI.version))
    }

    @Test func anABIVersionMismatchIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_BAD_ABI", in: folder)
        let error = try #require(try startError(plugin: plugin, in: folder))
        #expect(error.cause == .abiMismatch(plugin: GatehouseABI.version + 1, host: GatehouseABI.version))
    }

    @Test func aStrategyTableSmallerThanTheContractIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_SMALL_TABLE", in: folder)
        let error = try #require(try startError(plugin: plugin, in: folder))
        guard case .tableTooSmall(let size, _) = error.cause else { Issue.record("wrong cause \(error)"); return }
        #expect(size == 8)
    }

    @Test func createReturningNullRefusesTheStart() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture("FIXTURE_CREATE_NULL", in: folder)
        let error = try #require(try startError(plugin: plugin, in: folder))
        #expect(error.cause == .createFailed)
    }

    @Test func aChecksumMismatchIsRefusedAndAMatchingPinLoads() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        let (status, output) = try TestSupport.run("/usr/bin/sha256sum", [plugin])
        try #require(status == 0)
        let actual = String(output.prefix(64))
        let wrong = String(repeating: "0", count: 64)
        let error = try #require(try startError(plugin: plugin, in: folder, sha256: wrong))
        #expect(error.cause == .checksumMismatch(expected: wrong, actual: actual))
        #expect(try startError(plugin: plugin, in: folder, sha256: actual.uppercased()) == nil)
    }

    @Test(arguments: [0o777, 0o775, 0o757]) func aPluginOthersCanWriteIsRefused(mode: Int) throws {
        let folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        chmod(plugin, mode_t(mode))
        let error = try #require(try startError(plugin: plugin, in: folder))
        guard case .untrusted = error.cause else { Issue.record("wrong cause \(error)"); return }
        #expect(error.description.contains("writable by group or others (mode \(String(mode, radix: 8)))"), "\(error)")
    }

    @Test func aPluginInAFolderOthersCanWriteIsRefusedUnlessTheFolderIsSticky() throws {
        let folder = try TestSupport.temporaryFolder()
        let plugins = folder.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: false)
        let plugin = try TestSupport.buildFixture(in: plugins)
        chmod(plugins.path, 0o777)
        let error = try #require(try startError(plugin: plugin, in: folder))
        #expect(error.description.contains("its folder \(plugins.path) is writable by group or others"), "\(error)")
        // Like /tmp: others may add files but not replace this one.
        chmod(plugins.path, 0o1777)
        #expect(try startError(plugin: plugin, in: folder) == nil)
        chmod(plugins.path, 0o755)
    }

    @Test func aConfigOthersCanWriteIsRefused() throws {
        let folder = try TestSupport.temporaryFolder()
        let path = try TestSupport.writeConfig(in: folder, strategies: [TestSupport.strategy("a", plugin: "libx.so", symbols: ["BTCUSD"])])
        chmod(path, 0o666)
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("a world-writable config was read")
        } catch {
            #expect(error.description.contains("refused: the file is writable by group or others (mode 666)"), "\(error)")
        }
        chmod(path, 0o644)
        #expect(throws: Never.self) { _ = try ConfigLoader.load(path: path) }
    }

    @Test func aBareFileNameIsFoundInThePluginFolders() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try TestSupport.buildFixture(in: folder, name: "libbare.so")
        let locator = PluginLocator(configFolder: folder.path, pluginDirs: ["."])
        #expect(locator.resolve("libbare.so").found == folder.appendingPathComponent("libbare.so").path)
    }

    @Test func theBundledExamplePluginsLoad() throws {
        let folder = try TestSupport.temporaryFolder()
        for plugin in ["libEMACrossover.so", "libBreakout.so"] {
            let path = URL(fileURLWithPath: TestSupport.buildFolder).appendingPathComponent(plugin).path
            #expect(try startError(plugin: path, in: folder) == nil, "\(plugin)")
        }
    }

    @Test func twoDifferentPluginsInOneHostAreReallyTwoLibraries() throws {
        // Regression: loading through /proc/self/fd/N must not let a reused descriptor number make
        // the second dlopen return the first library.
        let folder = try TestSupport.temporaryFolder()
        let build = URL(fileURLWithPath: TestSupport.buildFolder)
        let path = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("ema", plugin: build.appendingPathComponent("libEMACrossover.so").path, symbols: ["BTCUSD"]),
            TestSupport.strategy("breakout", plugin: build.appendingPathComponent("libBreakout.so").path, symbols: ["BTCUSD"]),
        ])
        let host = try PluginHost(config: try ConfigLoader.load(path: path), logger: TestSupport.logger)
        defer { host.destroyAll() }
        let names = host.instances.map { String(cString: $0.api.pointee.name) }
        #expect(names == ["ema_crossover", "breakout"])
    }

    @Test func aFailureAfterOneStrategyWasCreatedDestroysIt() throws {
        let folder = try TestSupport.temporaryFolder()
        let good = try TestSupport.buildFixture(in: folder)
        let trace = folder.appendingPathComponent("trace.txt").path
        let path = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("first", plugin: good, symbols: ["BTCUSD"], params: "{trace_path: \"\(trace)\"}"),
            TestSupport.strategy("second", plugin: "libmissing.so", symbols: ["BTCUSD"]),
        ])
        let loaded = try ConfigLoader.load(path: path)
        #expect(throws: PluginLoadError.self) { _ = try PluginHost(config: loaded, logger: TestSupport.logger) }
        #expect(TestSupport.traceLines(trace) == ["destroy"])
    }
}
