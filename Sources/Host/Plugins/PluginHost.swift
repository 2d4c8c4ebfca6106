import Engine
import Logging
import MarketData
import Risk
import StrategyABI

#if canImport(Glibc)
import Glibc
#endif

/// The strategies' side of the engine: loads each configured plugin (`dlopen`), creates it, and
/// marshals between the C contract and the engine. The engine's `StrategyPort` calls become the
/// plugins' callbacks (`on_market_data`, `on_decision`, `on_fill`, `on_order_update`,
/// `on_timer`); the plugins' host API calls (`HostAPIThunks`) become engine calls.
///
/// Confined to the event-loop thread: it must be created, used and shut down on one thread, which
/// is the only thread that ever calls into a plugin. In steady state nothing here allocates: the
/// structs handed to plugins live at fixed addresses and are refilled in place.
final class PluginHost: StrategyPort {
    /// The engine the plugins trade through.
    let engine: Engine
    /// Strategy instances, in config order (`instances[i].id == i + 1`).
    private(set) var instances: [StrategyInstance] = []
    /// Host API calls refused for a NULL pointer or a bad `abi_version`/`struct_size`.
    private(set) var invalidSubmissions: UInt64 = 0

    let logger: Logger
    private let loopThread: pthread_t
    private var phase = Phase.creating
    /// Prometheus metrics (nil: no `metrics` section); times the chain's decisions.
    var metrics: HostMetrics? {
        didSet { engine.stopwatch = metrics }
    }
    /// Where the engine's events leave the loop for the journal and the stream (nil: neither).
    var sink: EventSink? {
        didSet {
            engine.output = sink
            sink?.strategyCount = instances.count
        }
    }
    /// Times every callback: the callback watchdog and each strategy's share of the loop's time
    /// (docs/risk-chain.md, "Strategy isolation").
    let watchdog: CallbackWatchdog
    /// The engine's `limitsGeneration` the watchdog's settings were read at.
    private var watchdogLimits: UInt64 = 0
    /// Whether the watchdog pauses strategies and loop-time shares refuse intents: a live host
    /// (`gatehouse run`, set by the event loop); a replay or the demo only measures, so it
    /// decides the same anywhere. Off by default.
    var enforcesWallTimeIsolation: Bool {
        get { watchdog.enforces }
        set { watchdog.enforces = newValue }
    }
    /// The event stream, for the heartbeat's state (nil: none).
    var publisher: RiskEventPublisher? { sink?.stream?.publisher }

    /// The structs handed to plugins, reused for every call.
    private let marketEvent: UnsafeMutablePointer<gh_market_event>
    private let fillEvent: UnsafeMutablePointer<gh_fill>
    /// The engine's event number `marketEvent` was last filled for.
    private var filledEvent: UInt64 = .max

    /// `running` until `stop` has called every `on_stop`; then `stopping` (no more intents or
    /// cancels, but the venue's answers are still booked and told) until `destroyAll`.
    enum Phase { case creating, running, stopping, destroying, stopped }
    /// Whether `start` has run its `on_start` calls.
    private var started = false

    /// Builds the engine from the config, then loads and creates every configured strategy. On
    /// any failure the strategies already created are destroyed and the error is thrown: the
    /// host never runs with a strategy missing.
    init(config loaded: LoadedConfig, logger: Logger) throws(PluginLoadError) {
        self.logger = logger
        self.loopThread = pthread_self()
        let config = loaded.config
        engine = Engine(Engine.Setup(config), logger: logger, wallNs: EventSink.wallNs)
        marketEvent = .allocate(capacity: 1)
        marketEvent.initialize(to: gh_market_event())
        fillEvent = .allocate(capacity: 1)
        fillEvent.initialize(to: gh_fill())
        watchdog = CallbackWatchdog(strategies: config.strategies.count, limits: config.risk.limits)
        engine.port = self

        let loader = PluginLoader(locator: PluginLocator(configFolder: loaded.folder, pluginDirs: config.host.pluginDirs))
        do throws(PluginLoadError) {
            for (index, strategyConfig) in config.strategies.enumerated() {
                let plugin = try loader.load(strategyConfig)
                let instance = StrategyInstance(strategy: engine.strategies[index], plugin: plugin, params: strategyConfig.params)
                instance.host = self
                HostAPIThunks.install(into: instance.hostAPI, for: instance)
                instances.append(instance)
                try create(instance, config: strategyConfig)
                logger.info("loaded strategy", metadata: [
                    "strategy": "\(strategyConfig.name)", "plugin": "\(plugin.path)", "sha256": "\(plugin.sha256)",
                    "type": "\(plugin.api.pointee.name.map { String(cString: $0) } ?? "?")",
                    "mode": "\(strategyConfig.mode.rawValue)", "symbols": "\(strategyConfig.symbols.joined(separator: ","))",
                ])
            }
        } catch {
            // Every stored property is set, so deinit still runs and frees the structs.
            destroyAll()
            throw error
        }
        phase = .running
    }

    deinit {
        destroyAll()
        marketEvent.deallocate()
        fillEvent.deallocate()
    }

    private func create(_ instance: StrategyInstance, config: StrategyConfig) throws(PluginLoadError) {
        let json = config.params.jsonText
        CrashReport.enter(Int(instance.id) - 1, .create)
        let state = json.withCString { instance.api.pointee.create(UnsafePointer(instance.hostAPI), $0) }
        CrashReport.leave()
        guard let state else {
            throw PluginLoadError(strategy: instance.name, path: instance.plugin.path, cause: .createFailed)
        }
        instance.state = state
    }

    /// Whether the caller is on the event-loop thread.
    var isOnLoopThread: Bool { pthread_equal(pthread_self(), loopThread) != 0 }

    /// Whether strategies are running (created, not yet stopping).
    var isRunning: Bool { phase == .running }

    /// Whether the venues' answers are still booked and told to the strategies: while running,
    /// and while stopping, so the answers to `on_stop`'s orders reach them before `destroy`.
    var acceptsVenueReports: Bool { phase == .running || phase == .stopping }

    /// Calls every strategy's `on_start`, once: when the host is ready to trade (after recovery,
    /// before the first market event). Does nothing once stopping.
    func start() {
        guard phase == .running, !started else { return }
        started = true
        engine.startStrategies()
    }

    /// Calls every strategy's `on_stop` (reverse config order), once, then stops taking intents.
    /// Their orders are decided and routed before this returns; the gateway's answers may follow
    /// (`acceptsVenueReports`).
    func stop() {
        guard phase == .running else { return }
        engine.stopStrategies()
        phase = .stopping
    }

    // MARK: Into the engine

    /// One validated market event, through the engine to the strategies (nothing once stopping).
    func deliver(_ event: MarketEvent) {
        guard phase == .running else { return }
        engine.deliver(event)
    }

    /// What the order gateway reported (nothing once destroying).
    func apply(_ reports: [VenueReport]) {
        guard acceptsVenueReports else { return }
        engine.apply(reports)
    }

    /// `submit_intent` from `instance`'s plugin: the C structs checked, the intent decided by
    /// the engine, the decision written back.
    func submit(from instance: StrategyInstance, intent: UnsafePointer<gh_intent>?, out: UnsafeMutablePointer<gh_decision>?) -> Int32 {
        guard phase == .running else { return GH_ERR_NOT_PERMITTED }
        guard let intent, let out,
              intent.pointee.abi_version == GH_ABI_VERSION,
              intent.pointee.struct_size >= UInt32(MemoryLayout<gh_intent>.size),
              out.pointee.abi_version == GH_ABI_VERSION, out.pointee.struct_size >= UInt32(MemoryLayout<gh_decision>.size)
        else {
            invalidSubmissions &+= 1
            instance.invalidSubmissions &+= 1
            // Counted always, logged the first ten times and then every thousandth: a plugin
            // looping on a bad call must not flood the log.
            let count = instance.invalidSubmissions
            if shouldLogOccurrence(count) {
                instance.logger.warning("submit_intent refused: NULL pointer or bad abi_version/struct_size (use GH_INIT_INTENT / GH_INIT_DECISION)",
                                        metadata: ["refused_so_far": "\(count)"])
            }
            return GH_ERR_INVALID_ARGUMENT
        }
        let raw = intent.pointee
        let decision = engine.submit(IntentRequest(
            clientID: raw.client_id, symbolID: raw.symbol_id, side: raw.side, quantity: raw.quantity, orderType: raw.order_type,
            limitPrice: raw.limit_price, stopLossPrice: raw.stop_loss_price, reduceOnly: raw.reduce_only), from: instance.strategy,
            loopShare: watchdog.loopShareBlock(Int(instance.id) - 1))
        keepTrace(of: decision, for: instance)
        out.pointee = Self.cDecision(decision)
        return GH_OK
    }

    /// Copies the decision's stage trace into the instance's own buffer (`get_decision_trace`).
    private func keepTrace(of decision: Decision, for instance: StrategyInstance) {
        instance.lastTraceDecisionID = decision.decisionID
        guard engine.lastSubmitReachedChain else {
            instance.lastTrace.pointee = StageNote(stage: .validation, code: decision.reason, quantityIn: decision.requestedQuantity, quantityOut: 0)
            instance.lastTraceCount = 1
            return
        }
        let notes = engine.risk.trace
        let count = min(notes.count, StrategyInstance.lastTraceCapacity)
        for index in 0..<count { (instance.lastTrace + index).pointee = notes[index] }
        instance.lastTraceCount = count
    }

    /// `get_decision_trace`: the notes of the strategy's most recent decision, strided by out[0].
    func decisionTrace(for instance: StrategyInstance, decisionID: UInt64, out: UnsafeMutablePointer<gh_stage_note>?,
                       capacity: UInt32, total: UnsafeMutablePointer<UInt32>?) -> Int32 {
        guard let total, let stride = Self.arrayStride(out, capacity: capacity, header: { ($0.abi_version, $0.struct_size) }) else {
            return GH_ERR_INVALID_ARGUMENT
        }
        guard decisionID != 0, decisionID == instance.lastTraceDecisionID else { return GH_ERR_NOT_FOUND }
        for index in 0..<min(instance.lastTraceCount, Int(capacity)) {
            let note = (instance.lastTrace + index).pointee
            var c = gh_stage_note()
            c.abi_version = GH_ABI_VERSION
            c.struct_size = UInt32(MemoryLayout<gh_stage_note>.size)
            c.stage = UInt32(note.stage.rawValue)
            c.reason_code = note.code.rawValue
            c.quantity_in = note.quantityIn
            c.quantity_out = note.quantityOut
            c.factor = note.factor
            c.details = note.details
            c.reason = UnsafeRawPointer(note.code.name.utf8Start).assumingMemoryBound(to: CChar.self)
            if let out { (UnsafeMutableRawPointer(out) + index * stride).storeBytes(of: c, as: gh_stage_note.self) }
        }
        total.pointee = UInt32(instance.lastTraceCount)
        return GH_OK
    }

    /// `cancel_intent`: `GH_ERR_NOT_FOUND` if nothing of the strategy's is open under that id.
    func cancel(from instance: StrategyInstance, clientID: UInt64) -> Int32 {
        guard phase == .running else { return GH_ERR_NOT_PERMITTED }
        return engine.cancel(clientID: clientID, from: instance.strategy) ? GH_OK : GH_ERR_NOT_FOUND
    }

    /// `get_position`: the strategy's filled position from the book.
    func position(for instance: StrategyInstance, symbolID: UInt32, out: UnsafeMutablePointer<gh_position>?) -> Int32 {
        guard let out, out.pointee.abi_version == GH_ABI_VERSION,
              out.pointee.struct_size >= UInt32(MemoryLayout<gh_position>.size)
        else { return GH_ERR_INVALID_ARGUMENT }
        guard let position = engine.position(of: instance.strategy, symbol: symbolID) else { return GH_ERR_NOT_FOUND }
        out.pointee = gh_position(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_position>.size),
            symbol_id: symbolID, reserved: 0, quantity: position.quantity, avg_price: position.averagePrice,
            realized_pnl: position.realizedUSD, unrealized_pnl: position.unrealizedUSD, mark_price: position.markPrice)
        return GH_OK
    }

    /// `get_strategy_view`: the strategy's figures from the engine.
    func strategyView(for instance: StrategyInstance, out: UnsafeMutablePointer<gh_strategy_view>?) -> Int32 {
        guard let out, out.pointee.abi_version == GH_ABI_VERSION,
              out.pointee.struct_size >= UInt32(MemoryLayout<gh_strategy_view>.size)
        else { return GH_ERR_INVALID_ARGUMENT }
        let view = engine.view(of: instance.strategy)
        var c = gh_strategy_view()
        c.abi_version = GH_ABI_VERSION
        c.struct_size = UInt32(MemoryLayout<gh_strategy_view>.size)
        c.mode = view.mode == .live ? GH_MODE_LIVE : GH_MODE_SHADOW
        c.paused_by = view.pausedBy.rawValue
        c.allocated_capital_usd = view.allocatedCapitalUSD
        c.equity_usd = view.equityUSD
        c.realized_pnl_usd = view.realizedUSD
        c.unrealized_pnl_usd = view.unrealizedUSD
        c.peak_equity_usd = view.peakEquityUSD
        c.drawdown_pct = view.drawdownPct
        c.drawdown_limit_pct = view.drawdownLimitPct
        c.daily_loss_pct = view.dailyLossPct
        c.daily_loss_limit_pct = view.dailyLossLimitPct
        c.gross_exposure_usd = view.grossExposureUSD
        c.cooldown_factor = view.cooldownFactor
        c.open_positions = UInt32(clamping: view.openPositions)
        c.max_open_positions = UInt32(clamping: view.maxOpenPositions)
        c.trades_today = UInt32(clamping: view.tradesToday)
        c.max_trades_per_day = UInt32(clamping: view.maxTradesPerDay)
        c.consecutive_losses = UInt32(clamping: view.consecutiveLosses)
        c.daily_loss_blocked = view.dailyLossBlocked ? 1 : 0
        out.pointee = c
        return GH_OK
    }

    /// The stride of an array a plugin hands in for the host to fill, from its first element's
    /// header (`struct_size`, at least the host's size), or nil when it is unusable. 0 when
    /// `capacity` is 0 (nothing is written; `out` may be NULL).
    static func arrayStride<T>(_ out: UnsafeMutablePointer<T>?, capacity: UInt32, header: (T) -> (UInt32, UInt32)) -> Int? {
        guard capacity > 0 else { return 0 }
        guard let out else { return nil }
        let (version, size) = header(out.pointee)
        guard version == GH_ABI_VERSION, size >= UInt32(MemoryLayout<T>.size) else { return nil }
        return Int(size)
    }

    /// `get_open_orders`: up to `capacity` of the strategy's open orders, strided by out[0]'s
    /// struct_size; `total` gets how many there are.
    func openOrders(for instance: StrategyInstance, out: UnsafeMutablePointer<gh_order_info>?, capacity: UInt32,
                    total: UnsafeMutablePointer<UInt32>?) -> Int32 {
        guard let total, let stride = Self.arrayStride(out, capacity: capacity, header: { ($0.abi_version, $0.struct_size) }) else {
            return GH_ERR_INVALID_ARGUMENT
        }
        var count: UInt32 = 0
        engine.forEachOpenOrder(of: instance.strategy) { order, remaining, state in
            if count < capacity, let out {
                (UnsafeMutableRawPointer(out) + Int(count) * stride).storeBytes(
                    of: Self.cOrder(order, remaining: remaining, state: state), as: gh_order_info.self)
            }
            count &+= 1
        }
        total.pointee = count
        return GH_OK
    }

    /// `get_order`: the strategy's open order under `clientID`.
    func order(for instance: StrategyInstance, clientID: UInt64, out: UnsafeMutablePointer<gh_order_info>?) -> Int32 {
        guard let out, out.pointee.abi_version == GH_ABI_VERSION,
              out.pointee.struct_size >= UInt32(MemoryLayout<gh_order_info>.size) else { return GH_ERR_INVALID_ARGUMENT }
        var found = false
        engine.forEachOpenOrder(of: instance.strategy) { order, remaining, state in
            guard !found, order.clientID == clientID else { return }
            out.pointee = Self.cOrder(order, remaining: remaining, state: state)
            found = true
        }
        return found ? GH_OK : GH_ERR_NOT_FOUND
    }

    /// The C view of an open order.
    static func cOrder(_ order: Order, remaining: Double, state: OpenOrderState) -> gh_order_info {
        var c = gh_order_info()
        c.abi_version = GH_ABI_VERSION
        c.struct_size = UInt32(MemoryLayout<gh_order_info>.size)
        c.client_id = order.clientID
        c.decision_id = order.orderID
        c.symbol_id = order.symbolID
        c.side = order.side.rawValue
        c.order_type = order.orderType.rawValue
        c.state = state.rawValue
        c.quantity = order.quantity
        c.remaining = remaining
        c.limit_price = order.limitPrice
        c.stop_loss_price = order.stopLossPrice
        c.ts_ns = order.timestampNs
        c.reduce_only = order.reduceOnly ? 1 : 0
        return c
    }

    /// `set_timer`: `intervalNs` >= 1 ms, or 0 to stop.
    func setTimer(for instance: StrategyInstance, intervalNs: Int64) -> Int32 {
        engine.setTimer(for: instance.strategy, intervalNs: intervalNs) ? GH_OK : GH_ERR_INVALID_ARGUMENT
    }

    // MARK: Out of the engine (StrategyPort)

    func marketData(_ event: MarketEvent, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state else { return }
        // Filled once per event, whatever the number of subscribers (the engine numbers events).
        if filledEvent != engine.eventsRouted {
            filledEvent = engine.eventsRouted
            fill(marketEvent, from: event)
            // Limits change between events only: once an event is enough.
            applyChangedLimits()
        }
        let start = enter(index, .onMarketData)
        instance.api.pointee.on_market_data(state, UnsafePointer(marketEvent))
        leave(index, .onMarketData, startedAt: start)
    }

    func decision(_ decision: Decision, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state, let onDecision = instance.api.pointee.on_decision else { return }
        let start = enter(index, .onDecision)
        withUnsafePointer(to: Self.cDecision(decision)) { onDecision(state, $0) }
        leave(index, .onDecision, startedAt: start)
    }

    func fill(_ fill: FillFact, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state, let onFill = instance.api.pointee.on_fill else { return }
        let order = fill.order
        fillEvent.pointee = gh_fill(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_fill>.size),
            client_id: order.clientID, fill_id: fill.fillID, symbol_id: order.symbolID, side: order.side.rawValue,
            quantity: fill.quantity, price: fill.price, fee_usd: fill.feeUSD, ts_ns: fill.eventTimeNs)
        let start = enter(index, .onFill)
        onFill(state, UnsafePointer(fillEvent))
        leave(index, .onFill, startedAt: start)
    }

    func orderUpdate(_ update: OrderUpdate, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state, let onOrderUpdate = instance.api.pointee.on_order_update else { return }
        let status = switch update.status {
        case .cancelled: GH_ORDER_UPDATE_CANCELLED
        case .rejected: GH_ORDER_UPDATE_REJECTED
        }
        withUnsafePointer(to: gh_order_update(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_order_update>.size),
            client_id: update.clientID, symbol_id: update.symbolID, status: status,
            remaining_quantity: update.remainingQuantity, reason: update.reason?.rawValue ?? 0, reserved: 0,
            ts_ns: update.eventTimeNs)) {
            let start = enter(index, .onOrderUpdate)
            onOrderUpdate(state, $0)
            leave(index, .onOrderUpdate, startedAt: start)
        }
    }

    func start(strategy index: Int) { callHook(\.on_start, .onStart, strategy: index) }

    func stop(strategy index: Int) { callHook(\.on_stop, .onStop, strategy: index) }

    /// Calls a hook that takes only the state (`on_start`, `on_stop`), if the plugin has it.
    private func callHook(_ hook: KeyPath<gh_strategy_api, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?>,
                          _ callback: CrashReport.Callback, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state, let function = instance.api.pointee[keyPath: hook] else { return }
        let begin = enter(index, callback)
        function(state)
        leave(index, callback, startedAt: begin)
    }

    func timer(at eventTimeNs: Int64, strategy index: Int) {
        let instance = instances[index]
        guard let state = instance.state, let onTimer = instance.api.pointee.on_timer else { return }
        let start = enter(index, .onTimer)
        onTimer(state, eventTimeNs)
        leave(index, .onTimer, startedAt: start)
    }

    /// Gives the watchdog the limits in force when they changed (`gatehouse ctl limits`).
    private func applyChangedLimits() {
        guard engine.limitsGeneration != watchdogLimits else { return }
        watchdogLimits = engine.limitsGeneration
        watchdog.apply(engine.risk.limits)
    }

    /// Marks the start of a call into strategy `index`'s plugin (for the crash report and the
    /// watchdog); returns its start, monotonic ns. (Market data checks for changed limits once
    /// an event, before its first callback; the others, rarer, at each call.)
    @inline(__always)
    private func enter(_ index: Int, _ callback: CrashReport.Callback) -> Int64 {
        if callback != .onMarketData { applyChangedLimits() }
        CrashReport.enter(index, callback)
        return watchdog.begin()
    }

    /// Marks the end of the call: charges the strategy its wall time, and reports an overrun.
    @inline(__always)
    private func leave(_ index: Int, _ callback: CrashReport.Callback, startedAt start: Int64) {
        CrashReport.leave()
        guard let overrun = watchdog.charge(index, startedAt: start) else { return }
        engine.reportCallbackOverrun(strategy: UInt32(index + 1), callback: callback.name, elapsedNs: overrun.elapsedNs,
                                     inWindow: overrun.inWindow, pause: overrun.pauses)
    }

    /// The C decision for `decision`; its `reason` is the code's static name.
    static func cDecision(_ decision: Decision) -> gh_decision {
        gh_decision(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_decision>.size),
            client_id: decision.clientID, decision_id: decision.decisionID,
            verdict: decision.verdict.rawValue, reason_code: decision.reason.rawValue,
            requested_quantity: decision.requestedQuantity, final_quantity: decision.finalQuantity,
            ts_ns: decision.timestampNs,
            reason: UnsafeRawPointer(decision.reason.name.utf8Start).assumingMemoryBound(to: CChar.self))
    }

    private func fill(_ target: UnsafeMutablePointer<gh_market_event>, from source: MarketEvent) {
        target.pointee = gh_market_event(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_market_event>.size),
            kind: UInt32(source.kind.rawValue), symbol_id: source.symbolID, ts_ns: source.timestampNs,
            symbol: engine.symbols.cString(of: source.symbolID), price: source.referencePrice,
            size: source.kind == .trade ? source.v1 : (source.kind == .bar ? source.v4 : 0),
            bid: source.kind == .quote ? source.v0 : 0, bid_size: source.kind == .quote ? source.v1 : 0,
            ask: source.kind == .quote ? source.v2 : 0, ask_size: source.kind == .quote ? source.v3 : 0,
            open: source.kind == .bar ? source.v0 : 0, high: source.kind == .bar ? source.v1 : 0,
            low: source.kind == .bar ? source.v2 : 0, close: source.kind == .bar ? source.v3 : 0)
    }

    // MARK: Shutdown

    /// Calls every created strategy's `destroy`, in reverse order of creation. Idempotent. (Not
    /// `on_stop`: that is `stop`, at an orderly stop only.)
    func destroyAll() {
        guard phase != .stopped && phase != .destroying else { return }
        phase = .destroying
        for instance in instances.reversed() {
            if let state = instance.state {
                CrashReport.enter(Int(instance.id) - 1, .destroy)
                instance.api.pointee.destroy(state)
                CrashReport.leave()
                instance.state = nil
                logger.info("destroyed strategy", metadata: ["strategy": "\(instance.name)"])
            }
        }
        phase = .stopped
    }
}
