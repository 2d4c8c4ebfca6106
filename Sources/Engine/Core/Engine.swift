import Logging
import MarketData
import Risk

/// The trading engine: the book, the risk chain, the venues, timers, operator verbs, the breach
/// unwind, alerts and the dead man's switch. It knows nothing of sockets, SQLite or plugins: the
/// strategies are reached through a `StrategyPort`, every fact leaves as one `EngineEvent`
/// through an `EngineOutput`, and wall time comes from an injected clock.
///
/// Confined to the event-loop thread. In steady state `deliver` allocates nothing: symbol routing
/// is an array indexed by symbol id and the queues of decisions and order updates only grow.
/// A strategy may call back into the engine (`submit`, `cancel`, queries) from any callback it
/// is given; its decisions are delivered after the callback returns, in order.
package final class Engine {
    /// What the engine is built from: plain values, from the host's config.
    package struct Setup {
        /// One strategy: its name, mode, allocation (USD) and symbols.
        package struct Strategy {
            package var name: String
            package var mode: BookMode
            package var allocatedCapitalUSD: Double
            package var symbols: [String]

            package init(name: String, mode: BookMode, allocatedCapitalUSD: Double, symbols: [String]) {
                self.name = name
                self.mode = mode
                self.allocatedCapitalUSD = allocatedCapitalUSD
                self.symbols = symbols
            }
        }

        /// Every symbol any strategy trades, in config order (ids follow it, from 1).
        package var symbols: [String]
        package var strategies: [Strategy]
        package var limits: RiskLimits
        package var startingEquityUSD: Double
        /// The paper venue's slippage and fee, basis points.
        package var paperSlippageBps: Double
        package var paperFeeBps: Double
        /// Whether live orders go to the paper venue (else to the recording venue, unless
        /// another live venue is attached: `attachLiveVenue`).
        package var liveOnPaper: Bool
        /// The dead man's switch's period (ns) and warning levels, percent of the period (nil: none).
        package var deadman: (periodNs: Int64, warningPct: Double, criticalPct: Double)?

        package init(symbols: [String], strategies: [Strategy], limits: RiskLimits, startingEquityUSD: Double,
                     paperSlippageBps: Double, paperFeeBps: Double, liveOnPaper: Bool,
                     deadman: (periodNs: Int64, warningPct: Double, criticalPct: Double)?) {
            self.symbols = symbols
            self.strategies = strategies
            self.limits = limits
            self.startingEquityUSD = startingEquityUSD
            self.paperSlippageBps = paperSlippageBps
            self.paperFeeBps = paperFeeBps
            self.liveOnPaper = liveOnPaper
            self.deadman = deadman
        }
    }

    /// Interned symbols (ids are dense, 1-based, in config order).
    package let symbols: SymbolTable
    /// Strategies in config order (`strategies[i].id == i + 1`).
    package let strategies: [EngineStrategy]
    /// Strategy names by id − 1 (kept once, so a state snapshot copies no strings).
    package let strategyNames: [String]
    /// The names events are rendered with, fixed for the run.
    package let names: EventNames
    /// The risk chain and the books it keeps.
    package internal(set) var risk: RiskChain
    /// The paper venue: shadow strategies always, live ones with `live_adapter: paper`.
    package let paper: PaperVenue
    /// Where live orders go (`Venue`): the paper venue, the recording venue or an attached one.
    package private(set) var live: any Venue
    /// The dead man's switch (nil: none configured).
    package internal(set) var deadman: DeadMansSwitch?
    /// Where facts leave the engine (nil: neither journal nor stream).
    package var output: (any EngineOutput)? {
        didSet { recordsTicks = output?.recordsTicks ?? false }
    }
    /// Whether the output keeps the applied ticks (read once: a tick costs no call without it).
    private var recordsTicks = false
    /// Whether facts were emitted since the last end of event (else the end is a no-op).
    private var emittedSinceEnd = false
    /// The strategies' callbacks (set by the plugin host before the first event). Not retained:
    /// the plugin host owns the engine and outlives every call it makes (a weak reference would
    /// cost an atomic load and a retain per callback on the hot path).
    package unowned(unsafe) var port: (any StrategyPort)?
    /// Times each chain decision, for the latency histogram (nil: not timed).
    package var stopwatch: (any DecisionStopwatch)?
    /// Wall-clock time, ns since the Unix epoch: stamps facts, runs staleness and the dead man's
    /// switch. Injected so tests can hold it still.
    package let wallNs: () -> Int64
    let logger: Logger

    /// Event time: the latest event timestamp seen (ns since the Unix epoch; 0 before any). The
    /// risk book keeps it (every event moves the book's clock), so there is one clock, not two.
    package var clockNs: Int64 { risk.book.clockNs }
    /// Market events routed (the run summary's ticks).
    package private(set) var eventsRouted: UInt64 = 0
    /// FNV-1a over every decision in order: equal across runs exactly when the decisions are.
    package private(set) var decisionDigest: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Counts the changes of the limits in force (`gatehouse ctl limits`), for those who keep
    /// figures derived from them (the plugin host's callback watchdog).
    package internal(set) var limitsGeneration: UInt64 = 0
    /// The limits an operator put in force and the config's they replaced (nil: the config's
    /// own are in force); part of the snapshot.
    package internal(set) var operatorLimits: OperatorLimits? {
        didSet { stateAnnex = StateAnnex(limits: operatorLimits, orderRateClock: orderRateClock) }
    }
    /// The clock the order-rate throttles count in: event time (a replay, the demo, what-if)
    /// unless a live host sets wall time before it restores a journal's state.
    package var orderRateClock: OrderRateClock = .event {
        didSet { stateAnnex = StateAnnex(limits: operatorLimits, orderRateClock: orderRateClock) }
    }
    /// Both, as every snapshot carries them (made again only when one changes).
    private(set) var stateAnnex = StateAnnex(limits: nil, orderRateClock: .event)
    /// The next decision id (ids continue across runs of one journal).
    package internal(set) var nextDecisionID: UInt64 = 1
    /// Orders with a lower id were restored from an earlier run (0: nothing restored): a
    /// restarted strategy's cancels and notices never reach them.
    package internal(set) var firstOrderIDOfRun: UInt64 = 0

    /// `routes[symbolID]`: indices into `strategies` of the subscribers, in config order.
    private let routes: [[Int]]
    /// Fills of the current event, reused.
    private var fills: [PaperFill] = []
    /// Decisions and order updates waiting for delivery to their strategy, reused.
    private var pendingDecisions: [(strategy: Int, decision: Decision)] = []
    var pendingOrderUpdates: [(strategy: Int, update: OrderUpdate)] = []
    /// The earliest timer deadline of any strategy.
    var nextTimerNs: Int64 = .max
    /// Alert levels changed by the current event, reused.
    var alertCrossings: [AlertCrossing] = []
    /// A drawdown halt latched during this event: the unwind runs at its end.
    var unwindDue = false
    /// The next unwind's id (1, 2, … within a run).
    var nextUnwindID: UInt64 = 1

    /// Builds the engine: the chain with every strategy's book, the paper venue, and the live
    /// venue the setup names. No strategy is called.
    package init(_ setup: Setup, logger: Logger, wallNs: @escaping () -> Int64) {
        self.logger = logger
        self.wallNs = wallNs
        let symbols = SymbolTable(setup.symbols)
        self.symbols = symbols
        var routes = [[Int]](repeating: [], count: symbols.count + 1)
        var strategies: [EngineStrategy] = []
        for (index, strategy) in setup.strategies.enumerated() {
            let ids = strategy.symbols.map { symbols.lookup($0)! }
            strategies.append(EngineStrategy(id: UInt32(index + 1), name: strategy.name, mode: strategy.mode, symbolIDs: ids,
                                             symbolCount: symbols.count, logger: logger))
            for symbol in ids { routes[Int(symbol)].append(index) }
        }
        self.routes = routes
        self.strategies = strategies
        strategyNames = setup.strategies.map(\.name)
        risk = RiskChain(limits: setup.limits, symbols: symbols.allNames,
                         strategies: setup.strategies.map { (mode: $0.mode, allocatedCapitalUSD: $0.allocatedCapitalUSD) },
                         startingEquityUSD: setup.startingEquityUSD)
        names = EventNames(strategies: strategyNames, symbols: symbols.allNames, clusters: setup.limits.clusters.map(\.name))
        paper = PaperVenue(symbolCount: symbols.count, slippageBps: setup.paperSlippageBps, feeBps: setup.paperFeeBps)
        live = setup.liveOnPaper ? paper : RecordingVenue()
        if let settings = setup.deadman {
            // A fresh engine starts the period now; a restored one takes the journal's (`restore`).
            deadman = DeadMansSwitch(periodNs: settings.periodNs, warningPct: settings.warningPct,
                                     criticalPct: settings.criticalPct, startedAtNs: wallNs())
        }
        fills.reserveCapacity(64)
        pendingDecisions.reserveCapacity(64)
        pendingOrderUpdates.reserveCapacity(64)
        alertCrossings.reserveCapacity(16)
    }

    /// Sends live orders to `venue` from now on (the order gateway). Before the first event and
    /// before `restore`, which hands the venue the orders an earlier run left in flight.
    package func attachLiveVenue(_ venue: any Venue) {
        live = venue
    }

    /// Continues decision and fill ids after those a journal already holds, so a reopened journal
    /// never sees an id twice.
    package func continueIDs(afterDecision decision: UInt64, afterFill fill: UInt64) {
        nextDecisionID = max(nextDecisionID, decision + 1)
        paper.continueFillIDs(after: fill)
    }

    /// Whether the last `submit` reached the chain (so `risk.trace` is its trace), or was
    /// refused by validation (its trace is that one Validation note).
    package internal(set) var lastSubmitReachedChain = false

    // MARK: Market data

    /// Applies one validated market event: the mark, the latches it sets, the resting orders it
    /// fills; then routes it to the strategies subscribed to its symbol, delivers the decisions
    /// their intents produced and any timers now due, and closes the event.
    package func deliver(_ event: MarketEvent) {
        // The journal keeps what the book is given, so recovery re-applies exactly this mark.
        if recordsTicks {
            output?.recordTick(symbolID: event.symbolID, price: event.referencePrice, at: event.timestampNs, state: captureState)
        }
        risk.updateMark(symbol: event.symbolID, price: event.referencePrice, at: event.timestampNs)
        // A halt this mark caused cancels resting risk before it can fill at this very event.
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        // Orders waiting on this symbol fill at this event, before strategies see it.
        paper.match(event, into: &fills)
        if live !== paper { live.match(event, into: &fills) }
        if !fills.isEmpty { applyFills() }
        if !risk.stateChanges.isEmpty { reportStateChanges() }
        // Cancels a latch made are told before the strategies see the event.
        if !pendingOrderUpdates.isEmpty { flushNotices() }
        eventsRouted &+= 1
        for index in routes[Int(event.symbolID)] {
            strategies[index].eventsDelivered &+= 1
            port?.marketData(event, strategy: index)
            flushNotices()
        }
        if clockNs >= nextTimerNs { fireTimers() }
        endEvent()
    }

    /// After a whole event: the breach unwind if one is due, the alerts, then the event's facts
    /// are closed as one group (with the state after the event when a snapshot is due).
    package func endEvent() {
        if unwindDue { runUnwind() }
        evaluateAlerts()
        closeEvent()
    }

    /// Hands one fact to the output (nothing without one).
    func emit(_ event: EngineEvent) {
        guard let output else { return }
        emittedSinceEnd = true
        output.record(event)
    }

    /// Closes the current event at the output, if it emitted facts: they become one group (with
    /// the state after the event when a snapshot is due).
    func closeEvent() {
        guard emittedSinceEnd else { return }
        emittedSinceEnd = false
        output?.endEvent(state: captureState)
    }

    // MARK: Notices to strategies

    /// Queues the decision for its strategy's `on_decision`.
    func queue(_ decision: Decision, for strategy: EngineStrategy) {
        pendingDecisions.append((Int(strategy.id) - 1, decision))
    }

    /// Delivers the queued decisions, then the queued order updates, in order, including any
    /// queued meanwhile (a strategy may submit from either).
    package func flushNotices() {
        if pendingDecisions.isEmpty && pendingOrderUpdates.isEmpty { return }
        flushDecisions()
        var index = 0
        while index < pendingOrderUpdates.count {
            let (strategy, update) = pendingOrderUpdates[index]
            index += 1
            port?.orderUpdate(update, strategy: strategy)
            flushDecisions()
        }
        pendingOrderUpdates.removeAll(keepingCapacity: true)
    }

    private func flushDecisions() {
        var index = 0
        while index < pendingDecisions.count {
            let (strategy, decision) = pendingDecisions[index]
            index += 1
            port?.decision(decision, strategy: strategy)
        }
        pendingDecisions.removeAll(keepingCapacity: true)
    }

    /// Queues an order update for the order's strategy, unless the order is of an earlier run
    /// (its client id is not one this strategy instance gave).
    func queueUpdate(_ order: Order, status: OrderUpdate.Status, remaining: Double, reason: ReasonCode?) {
        guard order.orderID >= firstOrderIDOfRun else { return }
        pendingOrderUpdates.append((Int(order.strategyID) - 1, OrderUpdate(
            clientID: order.clientID, symbolID: order.symbolID, status: status, remainingQuantity: remaining,
            reason: reason, eventTimeNs: clockNs)))
    }

    // MARK: Fills

    /// Books this event's fills and tells each strategy, in fill order.
    private func applyFills() {
        for fill in fills {
            book(FillFact(order: fill.order, fillID: fill.fillID, quantity: fill.order.quantity, price: fill.price,
                          feeUSD: fill.feeUSD, eventTimeNs: fill.timestampNs, wallTimeNs: wallNs()))
        }
        fills.removeAll(keepingCapacity: true)
    }

    /// Books one fill, records it and tells the strategy.
    func book(_ fill: FillFact) {
        let order = fill.order
        risk.applyFill(strategy: order.strategyID, symbol: order.symbolID, side: order.side, quantity: fill.quantity,
                       price: fill.price, feeUSD: fill.feeUSD, at: fill.eventTimeNs)
        strategies[Int(order.strategyID) - 1].fills &+= 1
        emit(.fill(fill))
        port?.fill(fill, strategy: Int(order.strategyID) - 1)
        flushNotices()
    }

    // MARK: Digest

    /// Counts a decision and mixes it into the decision digest.
    func count(_ decision: Decision, for strategy: EngineStrategy) {
        strategy.count(decision)
        // Word by word rather than over an array literal, which would allocate per decision.
        mixIntoDigest(UInt64(decision.strategyID))
        mixIntoDigest(decision.clientID)
        mixIntoDigest(UInt64(decision.symbolID))
        mixIntoDigest(UInt64(decision.verdict.rawValue))
        mixIntoDigest(UInt64(decision.reason.rawValue))
        mixIntoDigest(decision.finalQuantity.bitPattern)
        mixIntoDigest(UInt64(bitPattern: decision.timestampNs))
    }

    private func mixIntoDigest(_ word: UInt64) {
        decisionDigest = (decisionDigest ^ word) &* 0x0000_0100_0000_01b3
    }
}

/// Times chain decisions (the metrics' latency histogram): `start` before, `stop` after, with
/// the value `start` gave. Two clock reads and no allocation per decision.
package protocol DecisionStopwatch: AnyObject {
    func start() -> Int64
    func stop(startedAt: Int64)
}
