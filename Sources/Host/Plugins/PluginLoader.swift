import Crypto
import Foundation
import StrategyABI

#if canImport(Glibc)
import Glibc
#endif

/// A plugin library opened and checked, whose strategy table is ready for `create`.
struct LoadedPlugin {
    /// The file loaded.
    let path: String
    /// SHA-256 of the bytes loaded, lowercase hex.
    let sha256: String
    /// The host's copy of the plugin's strategy table: the bytes the plugin's `struct_size`
    /// covers, and NULL for any callback appended to the table after the plugin was built, so the
    /// host never reads past the plugin's table. The `StrategyInstance` made of it owns and frees it.
    let api: UnsafePointer<gh_strategy_api>
}

/// Opens strategy plugins with `dlopen` and checks them against the contract before any of their
/// code beyond the entry function runs.
///
/// Checks, in order: the file exists and is a regular file; nobody else could change or replace
/// it (owned by this user or root, not writable by group or others, in a folder only they can
/// change: `FileTrust`); its SHA-256
/// equals the configured pin (if any); it loads; it exports the entry symbol; the entry returns a
/// table; the table's ABI version and size match; the required callbacks are present.
///
/// The bytes hashed are the bytes loaded: the file is opened once and `dlopen` is given
/// `/proc/self/fd/N` of that same descriptor, so swapping the file between the check and the load
/// cannot slip in other code. Libraries are never closed (`RTLD_NODELETE`, and no `dlclose`):
/// the Swift runtime keeps pointers into a Swift plugin's metadata.
struct PluginLoader {
    let locator: PluginLocator

    func load(_ strategy: StrategyConfig) throws(PluginLoadError) -> LoadedPlugin {
        func fail(_ path: String, _ cause: PluginLoadError.Cause) -> PluginLoadError {
            PluginLoadError(strategy: strategy.name, path: path, cause: cause)
        }
        let (found, tried) = locator.resolve(strategy.plugin)
        guard let path = found else { throw fail(strategy.plugin, .fileMissing(tried: tried)) }

        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw fail(path, .unreadable(String(cString: strerror(errno)))) }
        // On success the descriptor stays open for the life of the process, like the library:
        // glibc recognises an already-loaded object by the name given to dlopen, so a reused
        // descriptor number would make "/proc/self/fd/N" name a different, earlier library.
        var keepOpen = false
        defer { if !keepOpen { close(fd) } }
        var info = stat()
        if fstat(fd, &info) != 0 { throw fail(path, .unreadable(String(cString: strerror(errno)))) }
        if info.st_mode & S_IFMT != S_IFREG { throw fail(path, .unreadable("not a regular file")) }
        if let problem = FileTrust.problem(with: info, at: path) { throw fail(path, .untrusted(problem)) }

        let digest: String
        do {
            digest = try Self.sha256(fd: fd)
        } catch {
            throw fail(path, .unreadable(error.description))
        }
        if let pin = strategy.sha256?.lowercased(), pin != digest {
            throw fail(path, .checksumMismatch(expected: pin, actual: digest))
        }

        let fdPath = "/proc/self/fd/\(fd)"
        guard let handle = dlopen(fdPath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let detail = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw fail(path, .notSharedObject(dlerror: detail.replacingOccurrences(of: fdPath, with: path)))
        }
        keepOpen = true
        guard let symbol = dlsym(handle, GH_ENTRY_SYMBOL) else {
            throw fail(path, .entryMissing(symbol: GH_ENTRY_SYMBOL))
        }
        let entry = unsafeBitCast(symbol, to: gh_entry_fn.self)
        guard let table = entry(GH_ABI_VERSION) else { throw fail(path, .entryRefused(hostABI: GH_ABI_VERSION)) }
        let header = UnsafeRawPointer(table).loadUnaligned(as: (UInt32, UInt32).self)
        if header.0 != GH_ABI_VERSION { throw fail(path, .abiMismatch(plugin: header.0, host: GH_ABI_VERSION)) }
        // Version 1's table (up to `destroy`) is the minimum; later callbacks are optional.
        let required = UInt32(MemoryLayout<gh_strategy_api>.offset(of: \gh_strategy_api.on_order_update)!)
        if header.1 < required { throw fail(path, .tableTooSmall(plugin: header.1, required: required)) }
        let copy = UnsafeMutablePointer<gh_strategy_api>.allocate(capacity: 1)
        copy.initialize(to: gh_strategy_api())
        // Whole callbacks only: a struct_size ending inside a pointer leaves that callback NULL.
        let covered = min(Int(header.1), MemoryLayout<gh_strategy_api>.size) & ~(MemoryLayout<UnsafeRawPointer>.size - 1)
        UnsafeMutableRawPointer(copy).copyMemory(from: UnsafeRawPointer(table), byteCount: covered)
        let api = copy.pointee
        guard api.create != nil, api.on_market_data != nil, api.destroy != nil else {
            copy.deallocate()
            throw fail(path, .missingCallback(api.create == nil ? "create" : (api.on_market_data == nil ? "on_market_data" : "destroy")))
        }
        return LoadedPlugin(path: path, sha256: digest, api: UnsafePointer(copy))
    }

    struct ReadError: Error, CustomStringConvertible { let description: String }

    /// SHA-256 of everything readable from `fd`, lowercase hex.
    static func sha256(fd: Int32) throws(ReadError) -> String {
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
