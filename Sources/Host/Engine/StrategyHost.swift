import Engine
import Logging
import MarketData
import Risk
import StrategyABI

#if canImport(Glibc)
import Glibc
#endif

/// The engine between feeds and strategies: it owns every strategy instance, routes each market
/// event to the strategies that subscribe to its symbol, takes their intents through the risk chain
/// and hands decisions back.
///
/// Confined to the event-loop thread: it must be created, used and shut down on one thread, which
/// is the only thread that ever calls into a plugin. In steady state `deliver` allocates nothing:
/// symbol routing is an array indexed by symbol id, the event handed to plugins lives at a fixed
/// address, and decisions queue into a buffer that only grows.
final class StrategyHost {
    /// Interned symbols (ids are dense, 1-based, in config order).
    let symbols: SymbolTable
    /// Strategy instances, in config order (`strategies[i].id == i + 1`).
    private(set) var strategies: [StrategyInstance] = []
    /// Strategy names by id − 1 (kept once, so a state snapshot copies no strings).
    private(set) var strategyNames: [String] = []
    /// Event time: the latest event timestamp seen (ns since the Unix epoch; 0 before any). The
    /// risk book keeps it (every event moves the book's clock), so there is one clock, not two.
    var clockNs: Int64 { risk.book.clockNs }
    /// Counters for the run summary.
    private(set) var eventsRouted: UInt64 = 0
    private(set) var invalidSubmissions: UInt64 = 0
    /// FNV-1a over every decision in order: equal across runs exactly when the decisions are.
    private(set) var decisionDigest: UInt64 = 0xcbf2_9ce4_8422_2325

    let logger: Logger
    private let loopThread: pthread_t
    /// The risk chain and the books it keeps.
    var risk: RiskChain
    /// The execution stage for live strategies when `execution.live_adapter` is `record`:
    /// approved orders are recorded and nothing fills.
    var execution = RecordingExecutionAdapter()
    /// The paper venue: shadow strategies always, live strategies when `live_adapter` is `paper`.
    var paper: PaperVenue
    let liveOnPaper: Bool
    /// Live orders go to the order gateway (`execution.live_adapter: gateway`).
    let liveOnGateway: Bool
    /// The gateway adapter, attached by the event loop when `liveOnGateway`.
    var gateway: GatewayAdapter?
    /// What the gateway's answers and timeouts did, reused.
    private var gatewayEvents: [GatewayAdapter.Event] = []
    /// Fills of the current event, reused.
    private var fills: [PaperFill] = []
    /// Where the engine's events leave the loop for the journal and the stream (nil: neither is
    /// configured).
    var sink: EventSink?
    /// The fill struct handed to `on_fill`, reused.
    private let fillEvent: UnsafeMutablePointer<gh_fill>
    /// `routes[symbolID]`: indices into `strategies` of the subscribers, in config order.
    private var routes: [[Int]]
    /// The event struct passed to `on_market_data`, reused for every event.
    private let event: UnsafeMutablePointer<gh_market_event>
    private var pendingDecisions: [(strategy: Int, decision: gh_decision)] = []
    /// Order updates waiting for delivery (`on_order_update`), like decisions.
    private var pendingOrderUpdates: [(strategy: Int, update: gh_order_update)] = []
    /// Orders with a lower id were restored from an earlier run (0: nothing restored).
    private var firstOrderIDOfRun: UInt64 = 0
    var nextDecisionID: UInt64 = 1
    private var nextTimerNs: Int64 = .max
    private var phase = Phase.creating
    /// The host's configured id (`host.id`).
    let hostID: String
    /// The dead man's switch (nil: none configured).
    var deadman: DeadMansSwitch?
    /// Alert levels changed by the current event, reused.
    var alertCrossings: [AlertCrossing] = []
    /// A drawdown halt latched during this event: the unwind runs at its end.
    var unwindDue = false
    /// The next unwind's id (1, 2, … within a run).
    var nextUnwindID: UInt64 = 1
    /// The strategies' settings, in config order, for promotion's measure of a shadow record.
    let strategyConfigs: [StrategyConfig]
    /// What a shadow record must show before `promote` (the `promotion` section).
    let promotionCriteria: PromotionConfig
    /// The journal file (nil: none), read by `promote`.
    let journalPath: String?
    /// Prometheus metrics (nil: no `metrics` section).
    var metrics: HostMetrics?
    /// A `promote` request whose record is being measured off the loop (nil: none).
    var pendingPromotion: PromotionMeasurement?
    /// The event stream, for the heartbeat's state (nil: none).
    var publisher: RiskEventPublisher? { sink?.stream?.publisher }

    enum Phase { case creating, running, destroying, stopped }

    /// Loads and creates every configured strategy. On any failure the strategies already created
    /// are destroyed and the error is thrown: the host never runs with a strategy missing.
    init(config loaded: LoadedConfig, logger: Logger) throws(PluginLoadError) {
        self.logger = logger
        self.loopThread = pthread_self()
        let config = loaded.config
        hostID = config.host.id
        strategyConfigs = config.strategies
        promotionCriteria = config.promotion
        journalPath = config.journal.map { loaded.resolvePath($0.path) }
        symbols = SymbolTable(config.allSymbols)
        routes = Array(repeating: [], count: symbols.count + 1)
        risk = RiskChain(
            limits: config.risk.limits, symbols: symbols.allNames,
            strategies: config.strategies.map { (mode: $0.mode == .live ? BookMode.live : .shadow, allocatedCapitalUSD: $0.allocatedCapitalUSD) },
            startingEquityUSD: config.startingEquityUSD)
        alertCrossings.reserveCapacity(16)
        if let settings = config.deadman {
            // A fresh host starts the period now; a restored one takes the journal's (`restore`).
            deadman = DeadMansSwitch(periodNs: Int64(settings.periodHours * 3_600_000_000_000), warningPct: settings.warningPct,
                                     criticalPct: settings.criticalPct, startedAtNs: EventSink.wallNs())
        }
        event = .allocate(capacity: 1)
        event.initialize(to: gh_market_event())
        fillEvent = .allocate(capacity: 1)
        fillEvent.initialize(to: gh_fill())
        paper = PaperVenue(symbolCount: symbols.count, slippageBps: config.execution.paperSlippageBps,
                           feeBps: config.execution.paperFeeBps)
        liveOnPaper = config.execution.liveAdapter == .paper
        liveOnGateway = config.execution.liveAdapter == .gateway
        fills.reserveCapacity(64)
        pendingDecisions.reserveCapacity(64)
        pendingOrderUpdates.reserveCapacity(64)

        let loader = PluginLoader(locator: PluginLocator(configFolder: loaded.folder, pluginDirs: config.host.pluginDirs))
        do throws(PluginLoadError) {
            for (index, strategyConfig) in config.strategies.enumerated() {
                let plugin = try loader.load(strategyConfig)
                let symbolIDs = strategyConfig.symbols.map { symbols.lookup($0)! }
                let instance = StrategyInstance(
                    id: UInt32(index + 1), config: strategyConfig, plugin: plugin, symbolIDs: symbolIDs,
                    symbolCount: symbols.count, reasonCount: ReasonCode.allCases.count, logger: logger)
                instance.host = self
                HostAPIThunks.install(into: instance.hostAPI, for: instance)
                strategies.append(instance)
                strategyNames.append(strategyConfig.name)
                try create(instance, config: strategyConfig)
                for symbol in symbolIDs { routes[Int(symbol)].append(index) }
                logger.info("loaded strategy", metadata: [
                    "strategy": "\(strategyConfig.name)", "plugin": "\(plugin.path)", "sha256": "\(plugin.sha256)",
                    "type": "\(plugin.api.pointee.name.map { String(cString: $0) } ?? "?")",
                    "mode": "\(strategyConfig.mode.rawValue)", "symbols": "\(strategyConfig.symbols.joined(separator: ","))",
                ])
            }
        } catch {
            // Every stored property is set, so deinit still runs and frees `event`.
            destroyAll()
            throw error
        }
        phase = .running
    }

    deinit {
        destroyAll()
        event.deallocate()
        fillEvent.deallocate()
    }

    private func create(_ instance: StrategyInstance, config: StrategyConfig) throws(PluginLoadError) {
        let json = config.params.jsonText
        let state = json.withCString { instance.api.pointee.create(UnsafePointer(instance.hostAPI), $0) }
        guard let state else {
            throw PluginLoadError(strategy: instance.name, path: instance.plugin.path, cause: .createFailed)
        }
        instance.state = state
    }

    /// Continues decision and fill ids after those a journal already holds, so a reopened journal
    /// never sees an id twice.
    func continueIDs(afterDecision decision: UInt64, afterFill fill: UInt64) {
        nextDecisionID = max(nextDecisionID, decision + 1)
        paper.continueFillIDs(after: fill)
    }

    /// The names the journal and the stream render this run's ids with (fixed once the
    /// strategies are loaded).
    private(set) lazy var eventNames = EventNames(
        strategies: strategyNames, symbols: symbols.allNames, clusters: risk.limits.clusters.map(\.name))

    /// Whether the caller is on the event-loop thread.
    var isOnLoopThread: Bool { pthread_equal(pthread_self(), loopThread) != 0 }

    // MARK: Market data

    /// Routes one validated event to the strategies subscribed to its symbol, then delivers the
    /// decisions their intents produced and any timers now due.
    func deliver(_ marketEvent: MarketEvent) {
        guard phase == .running else { return }
        let symbol = Int(marketEvent.symbolID)
        // The journal keeps what the book is given, so recovery re-applies exactly this mark.
        sink?.recordTick(symbolID: marketEvent.symbolID, price: marketEvent.referencePrice, at: marketEvent.timestampNs,
                          state: captureState)
        risk.updateMark(symbol: marketEvent.symbolID, price: marketEvent.referencePrice, at: marketEvent.timestampNs)
        // A halt this mark caused cancels resting risk before it can fill at this very event.
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        // Orders waiting on this symbol fill at this event, before strategies see it.
        paper.match(marketEvent, into: &fills)
        if !fills.isEmpty { applyFills() }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        // Cancels a latch made are told before the strategies see the event.
        if !pendingOrderUpdates.isEmpty { flushDecisions() }
        fill(event, from: marketEvent)
        eventsRouted &+= 1
        for index in routes[symbol] {
            let instance = strategies[index]
            guard let state = instance.state else { continue }
            instance.eventsDelivered &+= 1
            instance.api.pointee.on_market_data(state, UnsafePointer(event))
            flushDecisions()
        }
        if clockNs >= nextTimerNs { fireTimers() }
        endEvent()
    }

    /// After a whole event: the breach unwind if one is due, the alerts, then the event's records
    /// are closed as one group in the journal (with the state after the event when a snapshot is
    /// due, `SnapshotCadence`).
    func endEvent() {
        if unwindDue { runUnwind() }
        evaluateAlerts()
        sink?.endEvent(state: captureState)
    }

    // MARK: Gateway

    /// Reads the gateway's answers (when `readable`), runs its timeouts and heartbeat, and applies
    /// what they did: fills to the book and `on_fill`, rejects and cancels released and told
    /// through `on_order_update`, overdue orders blocking new risk on their (strategy, symbol).
    func serviceGateway(readable: Bool) {
        guard phase == .running, let gateway else { return }
        let now = EventSink.wallNs()
        if gateway.hasHeld, let sink { gateway.releaseHeld(nowWallNs: now, isCommitted: sink.isCommitted) }
        gatewayEvents.removeAll(keepingCapacity: true)
        if readable {
            do {
                try gateway.receive(into: &gatewayEvents, nowWallNs: now)
            } catch {
                logger.error("gateway receive failed", metadata: ["endpoint": "\(gateway.endpoint)", "error": "\(error)"])
            }
        }
        gateway.tick(nowWallNs: now, into: &gatewayEvents)
        guard !gatewayEvents.isEmpty else { return }
        // Recovery does not re-apply gateway answers: the state after them is journaled at once.
        sink?.requireSnapshot()
        for event in gatewayEvents { apply(event) }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        flushDecisions()
        endEvent()
    }

    private func apply(_ event: GatewayAdapter.Event) {
        func orderRow(_ order: Order, status: OrderFact.Status, quantity: Double? = nil) {
            sink?.record(.order(OrderFact(order: order, status: status, quantity: quantity, eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs())))
        }
        func update(_ order: Order, status: UInt32, remaining: Double) {
            guard order.orderID >= firstOrderIDOfRun else { return }
            pendingOrderUpdates.append((Int(order.strategyID) - 1, gh_order_update(
                abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_order_update>.size),
                client_id: order.clientID, symbol_id: order.symbolID, status: status,
                remaining_quantity: remaining, reason: 0, reserved: 0, ts_ns: clockNs)))
        }
        switch event {
        case .acknowledged(let order):
            orderRow(order, status: .acknowledged)
        case .filled(let order, let quantity, let price, let fee, _):
            deliverFill(order: order, quantity: quantity, price: price, feeUSD: fee, fillID: paper.takeFillID(), at: clockNs)
        case .rejected(let order, let reason, let remaining):
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * remaining)
            orderRow(order, status: .rejected)
            strategies[Int(order.strategyID) - 1].logger.warning("gateway rejected an order", metadata: [
                "client_id": "\(order.clientID)", "order_id": "\(order.orderID)", "reason": "\(reason)",
            ])
            update(order, status: GH_ORDER_UPDATE_REJECTED, remaining: remaining)
        case .cancelled(let order, let remaining):
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * remaining)
            strategies[Int(order.strategyID) - 1].cancels &+= 1
            orderRow(order, status: .cancelled, quantity: remaining)
            update(order, status: GH_ORDER_UPDATE_CANCELLED, remaining: remaining)
        case .becameUnknown(let order):
            risk.adjustUnknownOrders(strategy: order.strategyID, symbol: order.symbolID, by: 1)
            orderRow(order, status: .unknown)
            strategies[Int(order.strategyID) - 1].logger.error("gateway did not acknowledge an order in time: its state is unknown, new risk in its symbol is refused until the gateway answers", metadata: [
                "client_id": "\(order.clientID)", "order_id": "\(order.orderID)",
            ])
        case .reconciled(let order):
            risk.adjustUnknownOrders(strategy: order.strategyID, symbol: order.symbolID, by: -1)
            orderRow(order, status: .reconciled)
        }
    }

    // MARK: Recovery

    /// The recoverable state now (copies share their arrays until either side changes them).
    func captureState() -> EngineState {
        EngineState(strategies: strategyNames, symbols: symbols.allNames, nextDecisionID: nextDecisionID,
                  risk: risk.state, paper: paper.state, gateway: gateway.map(\.state), deadman: deadman)
    }

    /// Rebuilds the host from a journaled state, before any event. The state must have been made
    /// for the same symbols (in order), and the same correlation grid and decay window. Strategies
    /// are matched by name: one the configuration adds starts flat; one it leaves out must be flat,
    /// with no resting order and nothing at the gateway (else the start is refused, naming it);
    /// one whose allocation changed takes the new allocation, its drawdown and daily loss kept.
    /// A strategy may not change mode across a restart (promotion is an operator action). Returns
    /// what changed, for the journal.
    @discardableResult
    func restore(_ journaled: EngineState) throws(RecoveryError) -> [TransitionFact] {
        guard journaled.symbols == symbols.allNames else {
            throw RecoveryError(description: "the journal's state is for symbols \(journaled.symbols) and the configuration has \(symbols.allNames): symbols cannot change across a restart on the same journal (stop cleanly, then start the new book on a new journal)")
        }
        var saved = journaled
        var changes: [TransitionFact] = []
        func change(_ kind: TransitionFact.Kind, _ subject: String, _ from: String, _ to: String, value: Double? = nil) {
            changes.append(TransitionFact(kind: kind, subject: subject, from: from, to: to, reason: "CONFIG_CHANGE",
                                          value: value, eventTimeNs: saved.risk.book.clockNs, wallTimeNs: EventSink.wallNs()))
        }
        // Strategies the configuration leaves out must hold nothing.
        for (index, name) in saved.strategies.enumerated() where !strategyNames.contains(name) {
            let id = UInt32(index + 1)
            let open = saved.risk.book.strategies[index].openPositions
            let resting = saved.paper.openOrders.reduce(0) { $0 + $1.filter { $0.strategyID == id }.count }
            let inFlight = saved.gateway?.filter { $0.order.strategyID == id }.count ?? 0
            guard open == 0 && resting == 0 && inFlight == 0 else {
                throw RecoveryError(description: "strategy '\(name)' is in the journal's state and not in the configuration, and it still holds a position or an order in \(open) symbol\(open == 1 ? "" : "s") (\(resting) resting paper order\(resting == 1 ? "" : "s"), \(inFlight) at the order gateway): keep it in the config until it is flat (pause it and let its exits fill, or flatten it), then remove it")
            }
            change(.strategy, name, "CONFIGURED", "REMOVED")
        }
        let sources = strategyNames.map { saved.strategies.firstIndex(of: $0) }
        for (index, name) in strategyNames.enumerated() {
            guard let source = sources[index] else {
                change(.strategy, name, "ABSENT", "ADDED", value: strategyConfigs[index].allocatedCapitalUSD)
                continue
            }
            let savedLive = saved.risk.book.strategies[source].mode == .live, configuredLive = strategies[index].mode == .live
            if savedLive && !configuredLive {
                throw RecoveryError(description: "strategy '\(name)' is live in the journal's state (it was promoted while the host ran) and shadow in the configuration: set `mode: live` for \(name) (strategies[\(index)]) in the config, then start again")
            }
            if !savedLive && configuredLive {
                throw RecoveryError(description: "strategy '\(name)' is shadow in the journal's state and live in the configuration: a shadow strategy goes live only through `gatehouse ctl promote \(name)` on the running host, which checks that it is flat and that its shadow record passes; set `mode: shadow` for \(name) (strategies[\(index)]) back")
            }
            let was = saved.risk.book.strategies[source].allocatedCapitalUSD, now = strategyConfigs[index].allocatedCapitalUSD
            if was != now { change(.allocation, name, Self.usd(was), Self.usd(now), value: now) }
        }
        if !changes.isEmpty || sources != saved.strategies.indices.map(Optional.some) {
            // Carry every strategy over to its place in this configuration (ids follow the config).
            var newID = Array(repeating: UInt32(0), count: saved.strategies.count)
            for (index, source) in sources.enumerated() { if let source { newID[source] = UInt32(index + 1) } }
            saved.risk = risk.reshaping(saved.risk, from: sources)
            saved.paper.openOrders = saved.paper.openOrders.map { orders in
                orders.map { var order = $0; order.strategyID = newID[Int(order.strategyID) - 1]; return order }
            }
            saved.gateway = saved.gateway?.map { var entry = $0; entry.order.strategyID = newID[Int(entry.order.strategyID) - 1]; return entry }
            saved.strategies = strategyNames
            for record in changes {
                logger.notice("strategy set changed since the journal's state", metadata: [
                    "kind": "\(record.kind.rawValue)", "strategy": "\(record.subject)", "from": "\(record.from)", "to": "\(record.to)",
                ])
            }
        }
        do throws(RiskStateMismatch) {
            try risk.restore(saved.risk)
        } catch {
            throw RecoveryError(description: error.description)
        }
        nextDecisionID = max(nextDecisionID, saved.nextDecisionID)
        firstOrderIDOfRun = nextDecisionID
        if let saved = saved.deadman, deadman != nil { deadman!.adopt(saved) }
        guard paper.restore(saved.paper) else {
            throw RecoveryError(description: "the journal's paper orders are for another number of symbols")
        }
        if let inFlight = saved.gateway, !inFlight.isEmpty {
            guard let gateway else {
                throw RecoveryError(description: "the journal's state has \(inFlight.count) orders in flight at an order gateway and the configuration has none (execution.live_adapter: gateway)")
            }
            // Their fate is unknown until the gateway answers the status requests sent now.
            for entry in inFlight where !entry.unknown {
                risk.adjustUnknownOrders(strategy: entry.order.strategyID, symbol: entry.order.symbolID, by: 1)
            }
            gateway.restore(inFlight, nowWallNs: EventSink.wallNs())
        }
        return changes
    }

    /// A USD amount as a state change names it (`20000`, `12500.5`).
    static func usd(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func fill(_ target: UnsafeMutablePointer<gh_market_event>, from source: MarketEvent) {
        target.pointee = gh_market_event(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_market_event>.size),
            kind: UInt32(source.kind.rawValue), symbol_id: source.symbolID, ts_ns: source.timestampNs,
            symbol: symbols.cString(of: source.symbolID), price: source.referencePrice,
            size: source.kind == .trade ? source.v1 : (source.kind == .bar ? source.v4 : 0),
            bid: source.kind == .quote ? source.v0 : 0, bid_size: source.kind == .quote ? source.v1 : 0,
            ask: source.kind == .quote ? source.v2 : 0, ask_size: source.kind == .quote ? source.v3 : 0,
            open: source.kind == .bar ? source.v0 : 0, high: source.kind == .bar ? source.v1 : 0,
            low: source.kind == .bar ? source.v2 : 0, close: source.kind == .bar ? source.v3 : 0)
    }

    // MARK: Intents

    /// Sends an approved order to its venue: shadow orders and live ones on paper to the paper
    /// venue, live ones to the gateway or the recording adapter.
    func route(_ approved: Order, instance: StrategyInstance) {
        if approved.mode == .shadow || liveOnPaper {
            paper.submit(approved)
        } else if let gateway {
            // A gateway order is part of the state recovery cannot re-derive: keep it at once.
            sink?.requireSnapshot()
            // With a journal the order leaves once the event that made it is committed, so no
            // restart can send its client order id again (`serviceGateway` releases it).
            gateway.send(approved, clientOrderID: "\(instance.name)-\(approved.orderID)",
                         symbol: symbols.allNames[Int(approved.symbolID) - 1], eventTimeNs: clockNs, nowWallNs: EventSink.wallNs(),
                         afterCommitOf: sink.flatMap { $0.keepsJournal ? $0.currentEventTicket : nil })
        } else {
            execution.submit(approved)
        }
    }

    /// `submit_intent` from `instance`'s plugin.
    func submit(from instance: StrategyInstance, intent: UnsafePointer<gh_intent>?, out: UnsafeMutablePointer<gh_decision>?) -> Int32 {
        guard phase == .running else { return GH_ERR_NOT_PERMITTED }
        let v1Decision = UInt32(MemoryLayout<gh_decision>.size)
        guard let intent, let out,
              intent.pointee.abi_version == GH_ABI_VERSION,
              intent.pointee.struct_size >= UInt32(MemoryLayout<gh_intent>.size),
              out.pointee.abi_version == GH_ABI_VERSION, out.pointee.struct_size >= v1Decision
        else {
            invalidSubmissions &+= 1
            instance.logger.warning("submit_intent refused: NULL pointer or bad abi_version/struct_size (use GH_INIT_INTENT / GH_INIT_DECISION)")
            return GH_ERR_INVALID_ARGUMENT
        }
        let raw = intent.pointee
        let decisionID = nextDecisionID
        nextDecisionID += 1
        instance.intents &+= 1
        let hasMark = instance.isSubscribed(raw.symbol_id) && risk.book.mark(raw.symbol_id) > 0
        if let sink, sink.updateAvailability() { risk.setJournalUnavailable(sink.refusesNewRisk) }
        var order: Order?
        var traced = false
        let decision: Decision
        switch IntentValidator.validate(raw, strategy: instance, hasMark: hasMark) {
        case .valid(let valid):
            instance.lastClientID = valid.clientID
            decision = decide(valid, decisionID: decisionID)
            traced = true
            if decision.verdict != .reject {
                let approved = Order(decision: decision, intent: valid, mode: instance.mode == .live ? .live : .shadow)
                route(approved, instance: instance)
                order = approved
            }
            if !risk.stateChanges.isEmpty { reportStateChanges() }
        case .refused(let reason):
            if reason != .duplicateClientID && raw.client_id > instance.lastClientID { instance.lastClientID = raw.client_id }
            decision = Decision(
                decisionID: decisionID, strategyID: instance.id, clientID: raw.client_id, symbolID: raw.symbol_id,
                verdict: .reject, reason: reason, requestedQuantity: raw.quantity, finalQuantity: 0, timestampNs: clockNs)
        }
        record(decision, for: instance)
        if let sink {
            sink.record(.decision(Self.decisionFact(decision, intent: raw, traced: traced ? risk.trace : nil, origin: .strategy,
                                                    mode: instance.mode == .live ? .live : .shadow)))
            if let order { sink.record(.order(OrderFact(order: order, status: .submitted, wallTimeNs: EventSink.wallNs()))) }
        }
        let answer = Self.cDecision(decision)
        out.pointee = answer
        pendingDecisions.append((Int(instance.id) - 1, answer))
        return GH_OK
    }

    /// Counts a decision (run summary, metrics) and mixes it into the decision digest.
    func record(_ decision: Decision, for instance: StrategyInstance) {
        instance.decisionsByVerdict[Int(decision.verdict.rawValue)] &+= 1
        instance.decisionsByReason[Int(decision.reason.rawValue)] &+= 1
        metrics?.countDecision(strategyIndex: Int(instance.id) - 1, verdict: decision.verdict, reason: decision.reason)
        // Word by word rather than over an array literal, which would allocate per decision.
        mixIntoDigest(UInt64(decision.strategyID))
        mixIntoDigest(decision.clientID)
        mixIntoDigest(UInt64(decision.symbolID))
        mixIntoDigest(UInt64(decision.verdict.rawValue))
        mixIntoDigest(UInt64(decision.reason.rawValue))
        mixIntoDigest(decision.finalQuantity.bitPattern)
        mixIntoDigest(UInt64(bitPattern: decision.timestampNs))
        if decision.verdict == .reject {
            instance.logger.debug("intent rejected", metadata: [
                "client_id": "\(decision.clientID)", "reason": "\(decision.reason)",
            ])
        }
    }

    private func mixIntoDigest(_ word: UInt64) {
        decisionDigest = (decisionDigest ^ word) &* 0x0000_0100_0000_01b3
    }

    /// The fact of a decision (with the chain's trace when the intent reached the chain, else the
    /// validation's one note). A refused intent's non-finite prices and quantity are kept as 0
    /// (`DecisionFact`); the reason (INVALID_INTENT) says they were unusable.
    static func decisionFact(_ decision: Decision, intent raw: gh_intent, traced: [StageNote]?, origin: IntentOrigin,
                             mode: BookMode) -> DecisionFact {
        let trace = traced.map(StageTrace.init) ?? StageTrace(single: StageNote(
            stage: .validation, code: decision.reason, quantityIn: DecisionFact.finiteOrZero(decision.requestedQuantity), quantityOut: 0))
        return DecisionFact(
            decision: decision, side: Side(rawValue: raw.side), orderType: OrderType(rawValue: raw.order_type),
            limitPrice: raw.limit_price, stopLossPrice: raw.stop_loss_price, reduceOnly: raw.reduce_only == 1,
            origin: origin, mode: mode, trace: trace, wallTimeNs: EventSink.wallNs())
    }

    static func cDecision(_ decision: Decision) -> gh_decision {
        gh_decision(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_decision>.size),
            client_id: decision.clientID, decision_id: decision.decisionID,
            verdict: decision.verdict.rawValue, reason_code: decision.reason.rawValue,
            requested_quantity: decision.requestedQuantity, final_quantity: decision.finalQuantity,
            ts_ns: decision.timestampNs,
            reason: UnsafeRawPointer(decision.reason.name.utf8Start).assumingMemoryBound(to: CChar.self))
    }

    /// Delivers the queued decisions (`on_decision`), then the queued order updates
    /// (`on_order_update`), in order, including any queued meanwhile.
    func flushDecisions() {
        flushDecisionsOnly()
        var index = 0
        while index < pendingOrderUpdates.count {
            let (strategyIndex, update) = pendingOrderUpdates[index]
            index += 1
            let instance = strategies[strategyIndex]
            guard let state = instance.state, let onOrderUpdate = instance.api.pointee.on_order_update else { continue }
            withUnsafePointer(to: update) { onOrderUpdate(state, $0) }
            // An update may lead the strategy to submit: its decisions are delivered in turn.
            flushDecisionsOnly()
        }
        pendingOrderUpdates.removeAll(keepingCapacity: true)
    }

    /// Calls `on_decision` for each queued decision, in order, including any queued meanwhile.
    private func flushDecisionsOnly() {
        var index = 0
        while index < pendingDecisions.count {
            let (strategyIndex, decision) = pendingDecisions[index]
            index += 1
            let instance = strategies[strategyIndex]
            guard let state = instance.state, let onDecision = instance.api.pointee.on_decision else { continue }
            withUnsafePointer(to: decision) { onDecision(state, $0) }
        }
        pendingDecisions.removeAll(keepingCapacity: true)
    }

    /// `cancel_intent`: cancels the strategy's open paper order with that client id and releases
    /// its pending exposure. `GH_ERR_NOT_FOUND` if nothing is open under it (already filled,
    /// never approved, or recorded by the `record` adapter, which keeps no open orders).
    func cancel(from instance: StrategyInstance, clientID: UInt64) -> Int32 {
        guard phase == .running else { return GH_ERR_NOT_PERMITTED }
        // A gateway order: the request goes out now; the gateway's `cancelled` finishes it
        // (pending released, on_order_update).
        if let gateway, let entry = gateway.order(strategy: instance.id, clientID: clientID, fromOrderID: firstOrderIDOfRun) {
            gateway.cancel(clientOrderID: entry.clientOrderID)
            return GH_OK
        }
        guard let order = paper.cancel(strategy: instance.id, clientID: clientID, fromOrderID: firstOrderIDOfRun) else {
            return GH_ERR_NOT_FOUND
        }
        risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
        instance.cancels &+= 1
        sink?.record(.order(OrderFact(order: order, status: .cancelled, eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs())))
        return GH_OK
    }

    /// Books this event's fills and tells each strategy through `on_fill`, in fill order.
    private func applyFills() {
        for fill in fills {
            deliverFill(order: fill.order, quantity: fill.order.quantity, price: fill.price, feeUSD: fill.feeUSD,
                        fillID: fill.fillID, at: fill.timestampNs)
        }
        fills.removeAll(keepingCapacity: true)
    }

    /// Books one fill, journals it and tells the strategy through `on_fill`.
    private func deliverFill(order: Order, quantity: Double, price: Double, feeUSD: Double, fillID: UInt64, at ts: Int64) {
        risk.applyFill(strategy: order.strategyID, symbol: order.symbolID, side: order.side, quantity: quantity,
                       price: price, feeUSD: feeUSD, at: ts)
        let instance = strategies[Int(order.strategyID) - 1]
        instance.fills &+= 1
        sink?.record(.fill(FillFact(order: order, fillID: fillID, quantity: quantity, price: price, feeUSD: feeUSD,
                                    eventTimeNs: ts, wallTimeNs: EventSink.wallNs())))
        guard let state = instance.state, let onFill = instance.api.pointee.on_fill else { return }
        fillEvent.pointee = gh_fill(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_fill>.size),
            client_id: order.clientID, fill_id: fillID, symbol_id: order.symbolID, side: order.side.rawValue,
            quantity: quantity, price: price, fee_usd: feeUSD, ts_ns: ts)
        onFill(state, UnsafePointer(fillEvent))
        flushDecisions()
    }

    /// `get_position`: the strategy's filled position from the book (approved orders that have not
    /// filled are not in it); the mark is the last reference price seen.
    func position(for instance: StrategyInstance, symbolID: UInt32, out: UnsafeMutablePointer<gh_position>?) -> Int32 {
        guard let out, out.pointee.abi_version == GH_ABI_VERSION,
              out.pointee.struct_size >= UInt32(MemoryLayout<gh_position>.size)
        else { return GH_ERR_INVALID_ARGUMENT }
        guard instance.isSubscribed(symbolID) else { return GH_ERR_NOT_FOUND }
        let book = risk.book
        let quantity = book.position(strategy: instance.id, symbol: symbolID)
        let average = book.averagePrice(strategy: instance.id, symbol: symbolID)
        let mark = book.mark(symbolID)
        out.pointee = gh_position(
            abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_position>.size),
            symbol_id: symbolID, reserved: 0, quantity: quantity, avg_price: average,
            realized_pnl: book.realizedUSD(strategy: instance.id, symbol: symbolID),
            unrealized_pnl: quantity == 0 ? 0 : quantity * (mark - average), mark_price: mark)
        return GH_OK
    }

    /// Logs the state changes the chain made (latched halts, paused strategies) and clears them.
    func reportStateChanges() {
        for change in risk.stateChanges {
            sink?.record(.latch(LatchFact(change: change, wallTimeNs: EventSink.wallNs())))
            switch change.kind {
            case .accountHalted:
                if change.reason == .accountDrawdownHalt { unwindDue = true }
                logger.critical("account HALTED (latched until an explicit reset)", metadata: [
                    "reason": "\(change.reason)", "value_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: nil, because: "account halted", code: change.reason)
            case .strategyPaused(let id):
                logger.error("strategy PAUSED by the decay detector until an operator resumes it", metadata: [
                    "strategy": "\(strategies[Int(id) - 1].name)", "sharpe": "\(change.value)", "min_sharpe": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: id, because: "strategy paused", code: change.reason)
            case .accountDailyLossHit:
                logger.error("account daily loss limit hit: no new risk until the next UTC day", metadata: [
                    "loss_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: nil, because: "account daily loss limit", code: change.reason)
            case .strategyDailyLossHit(let id):
                logger.error("strategy daily loss limit hit: no new risk for it until the next UTC day", metadata: [
                    "strategy": "\(strategies[Int(id) - 1].name)", "loss_pct": "\(change.value)", "limit_pct": "\(change.limit)",
                ])
                cancelRiskIncreasingOrders(of: id, because: "strategy daily loss limit", code: change.reason)
            }
        }
        risk.clearStateChanges()
    }

    /// Cancels resting orders that could add risk (of one strategy, or of all when nil): an order
    /// that only shrinks its strategy's filled position stays, so exits still fill. A halted account
    /// or a paused strategy must not keep taking on risk through orders approved before.
    /// `everything`: the kill switch; every resting order is cancelled, exits included.
    func cancelRiskIncreasingOrders(of strategy: UInt32?, because reason: String, code: ReasonCode, everything: Bool = false) {
        let book = risk.book
        /// Whether `quantity` left of `order` could add risk: anything but a part that only
        /// shrinks its strategy's filled position.
        func addsRisk(_ order: Order, quantity: Double) -> Bool {
            if everything { return true }
            let filled = book.position(strategy: order.strategyID, symbol: order.symbolID)
            let reducesOnly = filled != 0 && (filled > 0) != (order.side == .buy) && quantity <= abs(filled)
            return !reducesOnly
        }
        let cancelled = paper.cancelAll { order in
            (strategy == nil || order.strategyID == strategy) && addsRisk(order, quantity: order.quantity)
        }
        // Gateway orders that could add risk: cancel requests; each `cancelled` answer releases it.
        if let gateway {
            for entry in gateway.state where (strategy == nil || entry.order.strategyID == strategy)
                && addsRisk(entry.order, quantity: entry.remaining) {
                gateway.cancel(clientOrderID: entry.clientOrderID)
            }
        }
        for order in cancelled {
            risk.releasePending(strategy: order.strategyID, symbol: order.symbolID, quantity: order.side.sign * order.quantity)
            strategies[Int(order.strategyID) - 1].cancels &+= 1
            sink?.record(.order(OrderFact(order: order, status: .cancelled, eventTimeNs: clockNs, wallTimeNs: EventSink.wallNs())))
            strategies[Int(order.strategyID) - 1].logger.warning("open order cancelled", metadata: [
                "client_id": "\(order.clientID)", "reason": "\(reason)", "quantity": "\(order.quantity)",
            ])
            // The strategy is told (after the callback it may be in returns). An order restored
            // from an earlier run carries a client id this strategy instance never gave.
            if order.orderID >= firstOrderIDOfRun {
                pendingOrderUpdates.append((Int(order.strategyID) - 1, gh_order_update(
                    abi_version: GH_ABI_VERSION, struct_size: UInt32(MemoryLayout<gh_order_update>.size),
                    client_id: order.clientID, symbol_id: order.symbolID, status: GH_ORDER_UPDATE_CANCELLED,
                    remaining_quantity: order.quantity, reason: code.rawValue, reserved: 0, ts_ns: clockNs)))
            }
        }
    }

    // MARK: Timers

    /// `set_timer`: `intervalNs` >= 1 ms, or 0 to stop.
    func setTimer(for instance: StrategyInstance, intervalNs: Int64) -> Int32 {
        if intervalNs == 0 {
            instance.timerIntervalNs = 0
            instance.nextTimerNs = .max
        } else {
            guard intervalNs >= 1_000_000 else { return GH_ERR_INVALID_ARGUMENT }
            instance.timerIntervalNs = intervalNs
            // Before the first event there is no clock yet: the first deadline counts from it.
            instance.nextTimerNs = clockNs == 0 ? -intervalNs : clockNs &+ intervalNs
        }
        recomputeNextTimer()
        return GH_OK
    }

    private func recomputeNextTimer() {
        nextTimerNs = strategies.reduce(Int64.max) { min($0, $1.nextTimerNs) }
    }

    private func fireTimers() {
        for instance in strategies where instance.timerIntervalNs > 0 && clockNs >= instance.nextTimerNs {
            if instance.nextTimerNs < 0 {
                // Timer set before the first event: start counting now.
                instance.nextTimerNs = clockNs &+ instance.timerIntervalNs
                continue
            }
            // Fire once even if several periods passed (a quiet market), then re-arm ahead of now.
            let missed = (clockNs - instance.nextTimerNs) / instance.timerIntervalNs
            instance.nextTimerNs &+= (missed + 1) &* instance.timerIntervalNs
            if let state = instance.state, let onTimer = instance.api.pointee.on_timer {
                onTimer(state, clockNs)
                flushDecisions()
            }
        }
        recomputeNextTimer()
    }

    // MARK: Shutdown

    /// Calls every created strategy's `destroy`, in reverse order of creation. Idempotent.
    func destroyAll() {
        guard phase != .stopped && phase != .destroying else { return }
        phase = .destroying
        for instance in strategies.reversed() {
            if let state = instance.state {
                instance.api.pointee.destroy(state)
                instance.state = nil
                logger.info("destroyed strategy", metadata: ["strategy": "\(instance.name)"])
            }
        }
        phase = .stopped
    }
}
