import Logging
import StrategyABI

/// One running strategy: its plugin table, its state pointer, the host API block it was given and
/// the host's bookkeeping for it. Owned by `StrategyHost`, touched only on the event-loop thread.
final class StrategyInstance {
    /// Dense id (1-based) in config order.
    let id: UInt32
    /// Instance name from the config.
    let name: String
    /// Live or shadow.
    /// Shadow or live; a running host changes it only by promotion (`StrategyHost.promote`).
    var mode: StrategyMode
    /// Capital allocated, USD.
    let allocatedCapitalUSD: Double
    /// The plugin's table.
    let api: UnsafePointer<gh_strategy_api>
    /// The loaded file and its SHA-256.
    let plugin: LoadedPlugin
    /// `subscribed[symbolID]` is true for the strategy's symbols (index 0 unused).
    let subscribed: [Bool]
    /// The strategy's symbol ids, in config order.
    let symbolIDs: [UInt32]
    /// The host API block handed to `create`; at a fixed address for the strategy's lifetime.
    let hostAPI: UnsafeMutablePointer<gh_host_api>
    /// Logger tagged with the strategy name.
    let logger: Logger
    /// Back-reference to the engine that owns this instance.
    unowned(unsafe) var host: StrategyHost!

    /// The plugin's state pointer from `create` (nil until created, and after destroy).
    var state: UnsafeMutableRawPointer?
    /// Last client id accepted; ids must increase.
    var lastClientID: UInt64 = 0
    /// Timer period in event-time ns (0: off) and the next deadline.
    var timerIntervalNs: Int64 = 0
    var nextTimerNs: Int64 = .max
    /// Counters for the run summary.
    var eventsDelivered: UInt64 = 0
    var fills: UInt64 = 0
    var cancels: UInt64 = 0
    var intents: UInt64 = 0
    var decisionsByVerdict: [UInt64] = [0, 0, 0, 0]  // indexed by Verdict raw value
    var decisionsByReason: [UInt64]

    init(
        id: UInt32, config: StrategyConfig, plugin: LoadedPlugin, symbolIDs: [UInt32], symbolCount: Int,
        reasonCount: Int, logger: Logger
    ) {
        self.id = id
        self.name = config.name
        self.mode = config.mode
        self.allocatedCapitalUSD = config.allocatedCapitalUSD
        self.api = plugin.api
        self.plugin = plugin
        self.symbolIDs = symbolIDs
        var subscribed = [Bool](repeating: false, count: symbolCount + 1)
        for symbol in symbolIDs { subscribed[Int(symbol)] = true }
        self.subscribed = subscribed
        self.hostAPI = .allocate(capacity: 1)
        self.decisionsByReason = [UInt64](repeating: 0, count: reasonCount)
        var logger = logger
        logger[metadataKey: "strategy"] = "\(config.name)"
        self.logger = logger
    }

    deinit {
        hostAPI.deallocate()
    }

    /// This instance as the opaque `gh_host *` handed to the plugin.
    var handle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// The instance behind a `gh_host *` handle.
    static func from(_ handle: OpaquePointer?) -> StrategyInstance? {
        guard let handle else { return nil }
        return Unmanaged<StrategyInstance>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    func isSubscribed(_ symbolID: UInt32) -> Bool {
        Int(symbolID) < subscribed.count && symbolID > 0 && subscribed[Int(symbolID)]
    }
}
