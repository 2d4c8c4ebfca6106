import Engine
import Logging
import Risk
import StrategyABI

#if canImport(Glibc)
import Glibc
#endif

/// One loaded strategy's C side: its plugin table, its state pointer and the host API block it
/// was given. What the engine keeps of it (mode, counters, timer) is its `EngineStrategy`.
/// Owned by `PluginHost`, touched only on the event-loop thread.
final class StrategyInstance {
    /// The engine's record of this strategy.
    let strategy: EngineStrategy
    /// The host's copy of the plugin's table (`LoadedPlugin.api`), freed with the instance.
    let api: UnsafePointer<gh_strategy_api>
    /// The loaded file and its SHA-256.
    let plugin: LoadedPlugin
    /// The host API block handed to `create`; at a fixed address for the strategy's lifetime.
    let hostAPI: UnsafeMutablePointer<gh_host_api>
    /// `submit_intent` calls refused as malformed (NULL, wrong ABI version or size) so far.
    var invalidSubmissions: UInt64 = 0
    /// The config's `params`, for the typed getters.
    let parameters: PluginParameters
    /// Typed parameter reads refused for the wrong type so far.
    var wrongTypeReads: UInt64 = 0
    /// The instance name as a C string (`strategy_name`), freed with the instance.
    let nameCString: UnsafeMutablePointer<CChar>
    /// The trace of the strategy's most recent decision (`get_decision_trace`), copied after each
    /// submit into memory of its own, so keeping it allocates nothing per intent.
    let lastTrace: UnsafeMutablePointer<StageNote>
    /// Notes in `lastTrace` (at most `lastTraceCapacity`), and the decision they belong to (0: none).
    var lastTraceCount = 0
    var lastTraceDecisionID: UInt64 = 0
    /// More than any decision records: a note per stage, and a few per stage at most.
    static let lastTraceCapacity = 64
    /// Back-reference to the plugin host that owns this instance.
    unowned(unsafe) var host: PluginHost!
    /// The plugin's state pointer from `create` (nil until created, and after destroy).
    var state: UnsafeMutableRawPointer?

    init(strategy: EngineStrategy, plugin: LoadedPlugin, params: JSONValue) {
        self.strategy = strategy
        self.api = plugin.api
        self.plugin = plugin
        self.hostAPI = .allocate(capacity: 1)
        self.parameters = PluginParameters(params)
        self.nameCString = strdup(strategy.name)!
        self.lastTrace = .allocate(capacity: Self.lastTraceCapacity)
    }

    deinit {
        lastTrace.deallocate()
        free(nameCString)
        hostAPI.deallocate()
        // Nothing calls into the table once the instance is gone (the plugin stays loaded: it is
        // never closed, but the copy is the host's).
        api.deallocate()
    }

    /// Dense id (1-based) in config order.
    var id: UInt32 { strategy.id }
    /// Instance name from the config.
    var name: String { strategy.name }
    /// Logger tagged with the strategy name.
    var logger: Logger { strategy.logger }

    /// This instance as the opaque `gh_host *` handed to the plugin.
    var handle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// The instance behind a `gh_host *` handle.
    static func from(_ handle: OpaquePointer?) -> StrategyInstance? {
        guard let handle else { return nil }
        return Unmanaged<StrategyInstance>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }
}
