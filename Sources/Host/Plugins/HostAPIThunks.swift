import Engine
import Logging
import StrategyABI

/// The C functions in `gh_host_api`. Each finds its `StrategyInstance` from the `gh_host *`
/// handle, checks it is on the event-loop thread, and forwards to `PluginHost`.
enum HostAPIThunks {
    static func install(into api: UnsafeMutablePointer<gh_host_api>, for instance: StrategyInstance) {
        api.initialize(to: gh_host_api(
            abi_version: GH_ABI_VERSION,
            struct_size: UInt32(MemoryLayout<gh_host_api>.size),
            host: instance.handle,
            submit_intent: submitIntent,
            cancel_intent: cancelIntent,
            log: log,
            now_ns: nowNs,
            get_position: getPosition,
            symbol_id: symbolID,
            set_timer: setTimer))
    }

    /// The instance for `handle` if the call is on the loop thread, else nil.
    private static func instance(_ handle: OpaquePointer?) -> StrategyInstance? {
        guard let instance = StrategyInstance.from(handle), instance.host.isOnLoopThread else { return nil }
        return instance
    }

    private static func status(_ handle: OpaquePointer?) -> Int32 {
        StrategyInstance.from(handle) == nil ? GH_ERR_INVALID_ARGUMENT : GH_ERR_WRONG_THREAD
    }

    static let submitIntent: @convention(c) (OpaquePointer?, UnsafePointer<gh_intent>?, UnsafeMutablePointer<gh_decision>?) -> Int32 = {
        handle, intent, out in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.submit(from: instance, intent: intent, out: out)
    }

    static let cancelIntent: @convention(c) (OpaquePointer?, UInt64) -> Int32 = { handle, clientID in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.cancel(from: instance, clientID: clientID)
    }

    static let log: @convention(c) (OpaquePointer?, UInt32, UnsafePointer<CChar>?) -> Void = { handle, level, message in
        guard let instance = instance(handle), let message else { return }
        let text = String(cString: message)
        switch level {
        case GH_LOG_DEBUG: instance.logger.debug("\(text)")
        case GH_LOG_INFO: instance.logger.info("\(text)")
        case GH_LOG_WARN: instance.logger.warning("\(text)")
        default: instance.logger.error("\(text)")
        }
    }

    static let nowNs: @convention(c) (OpaquePointer?) -> Int64 = { handle in
        guard let instance = instance(handle) else { return 0 }
        return instance.host.engine.clockNs
    }

    static let getPosition: @convention(c) (OpaquePointer?, UInt32, UnsafeMutablePointer<gh_position>?) -> Int32 = {
        handle, symbolID, out in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.position(for: instance, symbolID: symbolID, out: out)
    }

    static let symbolID: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> UInt32 = { handle, name in
        guard let instance = instance(handle), let name else { return 0 }
        guard let id = instance.host.engine.symbols.lookup(String(cString: name)), instance.strategy.isSubscribed(id) else { return 0 }
        return id
    }

    static let setTimer: @convention(c) (OpaquePointer?, Int64) -> Int32 = { handle, interval in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.setTimer(for: instance, intervalNs: interval)
    }
}
