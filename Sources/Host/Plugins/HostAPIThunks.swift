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
            set_timer: setTimer,
            strategy_name: strategyName,
            symbol_count: symbolCount,
            symbol_at: symbolAt,
            symbol_name: symbolName,
            get_param_double: getParamDouble,
            get_param_int: getParamInt,
            get_param_bool: getParamBool,
            get_param_string: getParamString,
            get_strategy_view: getStrategyView,
            get_open_orders: getOpenOrders,
            get_order: getOrder,
            get_decision_trace: getDecisionTrace))
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

    // MARK: Who the strategy is

    static let strategyName: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>? = { handle in
        instance(handle).map { UnsafePointer($0.nameCString) }
    }

    static let symbolCount: @convention(c) (OpaquePointer?) -> UInt32 = { handle in
        instance(handle).map { UInt32($0.strategy.symbolIDs.count) } ?? 0
    }

    static let symbolAt: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { handle, index in
        guard let ids = instance(handle)?.strategy.symbolIDs, Int(index) < ids.count else { return 0 }
        return ids[Int(index)]
    }

    static let symbolName: @convention(c) (OpaquePointer?, UInt32) -> UnsafePointer<CChar>? = { handle, symbolID in
        guard let instance = instance(handle), instance.strategy.isSubscribed(symbolID) else { return nil }
        return instance.host.engine.symbols.cString(of: symbolID)
    }

    static let getStrategyView: @convention(c) (OpaquePointer?, UnsafeMutablePointer<gh_strategy_view>?) -> Int32 = { handle, out in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.strategyView(for: instance, out: out)
    }

    static let getOpenOrders: @convention(c) (OpaquePointer?, UnsafeMutablePointer<gh_order_info>?, UInt32, UnsafeMutablePointer<UInt32>?) -> Int32 = {
        handle, out, capacity, total in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.openOrders(for: instance, out: out, capacity: capacity, total: total)
    }

    static let getOrder: @convention(c) (OpaquePointer?, UInt64, UnsafeMutablePointer<gh_order_info>?) -> Int32 = { handle, clientID, out in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.order(for: instance, clientID: clientID, out: out)
    }

    static let getDecisionTrace: @convention(c) (OpaquePointer?, UInt64, UnsafeMutablePointer<gh_stage_note>?, UInt32, UnsafeMutablePointer<UInt32>?) -> Int32 = {
        handle, decisionID, out, capacity, total in
        guard let instance = instance(handle) else { return status(handle) }
        return instance.host.decisionTrace(for: instance, decisionID: decisionID, out: out, capacity: capacity, total: total)
    }

    // MARK: Typed parameters

    static let getParamDouble: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Double>?) -> Int32 = {
        handle, key, out in
        read(handle, key, out, as: ("double", "a number")) { $0.double($1) }
    }

    static let getParamInt: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int64>?) -> Int32 = {
        handle, key, out in
        read(handle, key, out, as: ("int", "an integer")) { $0.int($1) }
    }

    static let getParamBool: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32 = {
        handle, key, out in
        read(handle, key, out, as: ("bool", "a boolean")) { parameters, key in parameters.bool(key).map { $0 ? 1 : 0 } }
    }

    static let getParamString: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 = {
        handle, key, out in
        read(handle, key, out, as: ("string", "a string")) { parameters, key in parameters.cString(key).map { Optional($0) } }
    }

    /// One typed read: the checks every getter shares, the value written only on success, and a
    /// wrong type logged naming the key (sampled: a plugin asking in a loop must not flood the log).
    private static func read<Value>(_ handle: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Value>?,
                                    as type: (getter: String, wanted: String), _ lookup: (PluginParameters, String) -> Result<Value, PluginParameters.Failure>) -> Int32 {
        guard let instance = instance(handle) else { return status(handle) }
        guard let key, let out else { return GH_ERR_INVALID_ARGUMENT }
        let name = String(cString: key)
        switch lookup(instance.parameters, name) {
        case .success(let value):
            out.pointee = value
            return GH_OK
        case .failure(.notFound):
            return GH_ERR_NOT_FOUND
        case .failure(.wrongType(let found)):
            instance.wrongTypeReads &+= 1
            if shouldLogOccurrence(instance.wrongTypeReads) {
                instance.logger.warning("get_param_\(type.getter)(\"\(name)\"): params.\(name) is \(found), not \(type.wanted)",
                                        metadata: ["refused_so_far": "\(instance.wrongTypeReads)"])
            }
            return GH_ERR_WRONG_TYPE
        }
    }
}
