/// Why a strategy's plugin could not be loaded. The host refuses to start on any of them (fails
/// closed): a strategy that is configured but not running is a risk the operator must see.
public struct PluginLoadError: Error, CustomStringConvertible, Sendable {
    /// The cause, each with the detail an operator needs to act.
    public enum Cause: Equatable, Sendable {
        /// No file at the resolved path (the candidates tried are listed).
        case fileMissing(tried: [String])
        /// The path is not a regular file, or cannot be opened or read.
        case unreadable(String)
        /// Someone else could change or replace the code the host runs: the file is not owned by
        /// this user or root, is writable by group or others, or sits in a folder they can change
        /// (`FileTrust`).
        case untrusted(String)
        /// The file's SHA-256 differs from the pin in the config.
        case checksumMismatch(expected: String, actual: String)
        /// `dlopen` refused it (not a shared object, wrong architecture, missing dependency).
        case notSharedObject(dlerror: String)
        /// The library does not export the entry function.
        case entryMissing(symbol: String)
        /// The entry function returned NULL for this host's ABI version.
        case entryRefused(hostABI: UInt32)
        /// The strategy table speaks another ABI version.
        case abiMismatch(plugin: UInt32, host: UInt32)
        /// The strategy table is smaller than this ABI version's table.
        case tableTooSmall(plugin: UInt32, required: UInt32)
        /// A required callback is NULL.
        case missingCallback(String)
        /// The strategy's `create` returned NULL (its log lines above say why).
        case createFailed
    }

    /// The strategy instance's name from the config.
    public let strategy: String
    /// The plugin path (as resolved, or as configured when it could not be resolved).
    public let path: String
    /// What went wrong.
    public let cause: Cause

    public var description: String {
        "strategy '\(strategy)': plugin \(path): \(causeText)"
    }

    var causeText: String {
        switch cause {
        case .fileMissing(let tried):
            return "file not found (tried: \(tried.joined(separator: ", ")))"
        case .unreadable(let detail):
            return "cannot be read: \(detail)"
        case .untrusted(let reason):
            return "refused: \(reason)"
        case .checksumMismatch(let expected, let actual):
            return "refused: SHA-256 mismatch (config pins \(expected), file is \(actual))"
        case .notSharedObject(let detail):
            return "not a loadable shared object: \(detail)"
        case .entryMissing(let symbol):
            return "entry symbol '\(symbol)' not found; export it with GH_EXPORT (C) or @_cdecl (Swift)"
        case .entryRefused(let hostABI):
            return "the entry function returned NULL for host ABI version \(hostABI)"
        case .abiMismatch(let plugin, let host):
            return "ABI version mismatch: plugin speaks \(plugin), host speaks \(host); rebuild it against this host's gatehouse_strategy.h"
        case .tableTooSmall(let plugin, let required):
            return "strategy table struct_size \(plugin) is smaller than the \(required) bytes of ABI version \(GatehouseABI.version)"
        case .missingCallback(let name):
            return "required callback '\(name)' is NULL"
        case .createFailed:
            return "create() returned NULL; the strategy refused its configuration (see its log lines)"
        }
    }
}
