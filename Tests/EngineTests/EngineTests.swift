import Engine
import Foundation
import Logging
import MarketData
import Risk
import Testing

/// A strategy port that records every notice in order and runs a script on each market event
/// (the engine's only way to strategies, so these tests need no plugin).
final class ScriptedPort: StrategyPort {
    var notices: [String] = []
    /// Called on each market event, with the engine, so the script may submit or cancel.
    var onMarketData: (Engine, MarketEvent, Int) -> Void = { _, _, _ in }
    weak var engine: Engine?

    func marketData(_ event: MarketEvent, strategy: Int) {
        notices.append("md \(strategy) \(event.timestampNs)")
        if let engine { onMarketData(engine, event, strategy) }
    }
    func decision(_ decision: Decision, strategy: Int) {
        notices.append("decision \(strategy) \(decision.clientID) \(decision.verdict) \(decision.reason)")
    }
    func fill(_ fill: FillFact, strategy: Int) {
        notices.append("fill \(strategy) \(fill.order.clientID) \(fill.quantity)@\(fill.price)")
    }
    func orderUpdate(_ update: OrderUpdate, strategy: Int) {
        notices.append("update \(strategy) \(update.clientID) \(update.status) \(update.reason.map { "\($0)" } ?? "-")")
    }
    func timer(at eventTimeNs: Int64, strategy: Int) {
        notices.append("timer \(strategy) \(eventTimeNs)")
    }
    /// Called on each start and stop hook, with the engine, so the script may submit or cancel.
    var onLifecycle: (Engine, String, Int) -> Void = { _, _, _ in }
    func start(strategy: Int) {
        notices.append("start \(strategy)")
        if let engine { onLifecycle(engine, "start", strategy) }
    }
    func stop(strategy: Int) {
        notices.append("stop \(strategy)")
        if let engine { onLifecycle(engine, "stop", strategy) }
    }
}

/// An output that keeps every fact and every end of event, as the journal and stream would get them.
final class CollectingOutput: EngineOutput {
    var events: [String] = []
    var snapshotsRequired = 0
    var refusesNewRisk = false
    var recordsTicks: Bool { true }

    func record(_ event: EngineEvent) {
        switch event {
        case .decision(let fact): events.append("decision \(fact.decision.decisionID) \(fact.decision.verdict) wall=\(fact.wallTimeNs)")
        case .order(let fact): events.append("order \(fact.order.orderID) \(fact.status)")
        case .fill(let fact): events.append("fill \(fact.order.orderID) \(fact.quantity)")
        case .operatorAction(let fact): events.append("operator \(fact.verb) \(fact.outcome)")
        case .transition(let fact): events.append("transition \(fact.kind.rawValue) \(fact.from)->\(fact.to)")
        default: events.append("other")
        }
    }
    func recordTick(symbolID: UInt32, price: Double, at eventTimeNs: Int64, state: () -> EngineState) {}
    func endEvent(state: () -> EngineState) { events.append("end") }
    func requireSnapshot() { snapshotsRequired += 1 }
    func updateAvailability() -> Bool { false }
    /// The block `auditShareExceeded` answers for each strategy id (none: within its share).
    var auditShareBlocks: [UInt32: IsolationBlock] = [:]
    func auditShareExceeded(strategy: UInt32) -> IsolationBlock? { auditShareBlocks[strategy] }
}

/// A venue outside the engine (as the order gateway is): it keeps what it is sent and reports later.
final class ExternalVenue: Venue {
    var sent: [Order] = []
    var cancelRequests: [UInt64] = []
    var title: String { "the test venue" }
    var isReplayable: Bool { false }
    func submit(_ order: Order, eventTimeNs: Int64) { sent.append(order) }
    func cancel(strategy: UInt32, clientID: UInt64, fromOrderID: UInt64) -> VenueCancel {
        guard let order = sent.first(where: { $0.strategyID == strategy && $0.clientID == clientID }) else { return .notFound }
        cancelRequests.append(order.orderID)
        return .requested
    }
    func cancelAll(where shouldCancel: (Order, Double) -> Bool, into cancelled: inout [Order]) {
        for order in sent where shouldCancel(order, order.quantity) { cancelRequests.append(order.orderID) }
    }
}

@Suite("Engine")
struct EngineTests {
    static let wall: Int64 = 1_800_000_000_000_000_000

    static func engine(live: Bool = true, liveOnPaper: Bool = true) -> (Engine, ScriptedPort, CollectingOutput) {
        let engine = Engine(Engine.Setup(
            symbols: ["BTCUSD"],
            strategies: [.init(name: "a", mode: live ? .live : .shadow, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD"])],
            limits: RiskLimits(), startingEquityUSD: 10_000, paperSlippageBps: 0, paperFeeBps: 0,
            liveOnPaper: liveOnPaper, deadman: nil),
            logger: Logger(label: "engine-tests"), wallNs: { Self.wall })
        return wired(engine)
    }

    /// `engine` with a scripted port and a collecting output attached.
    static func wired(_ engine: Engine) -> (Engine, ScriptedPort, CollectingOutput) {
        let port = ScriptedPort()
        port.engine = engine
        engine.port = port
        let output = CollectingOutput()
        engine.output = output
        return (engine, port, output)
    }

    /// Two strategies of 10,000 on BTCUSD ("a" live, "b" as `secondMode`), live orders on the
    /// paper venue at no cost, marked at 100 at event time 1,000.
    static func twoStrategies(_ limits: RiskLimits, secondMode: BookMode = .live) -> (Engine, ScriptedPort, CollectingOutput) {
        let engine = Engine(Engine.Setup(
            symbols: ["BTCUSD"],
            strategies: [.init(name: "a", mode: .live, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD"]),
                         .init(name: "b", mode: secondMode, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD"])],
            limits: limits, startingEquityUSD: 20_000, paperSlippageBps: 0, paperFeeBps: 0, liveOnPaper: true, deadman: nil),
            logger: Logger(label: "engine-tests"), wallNs: { Self.wall })
        let wiredEngine = wired(engine)
        trade(engine, at: 1_000, 100)
        return wiredEngine
    }

    static func buy(_ clientID: UInt64, limit: Double = 0, stop: Double = 95) -> IntentRequest {
        IntentRequest(clientID: clientID, symbolID: 1, side: Side.buy.rawValue, quantity: 1,
                      orderType: limit > 0 ? OrderType.limit.rawValue : OrderType.market.rawValue,
                      limitPrice: limit, stopLossPrice: stop, reduceOnly: 0)
    }

    /// Marks at 100 at event time 1,000 and rests client 3's limit buy of 1 at 90 (stop 85) on
    /// the paper venue, then clears what the port and the output saw of it.
    static func restLimitBuy(_ engine: Engine, _ port: ScriptedPort, _ output: CollectingOutput) {
        trade(engine, at: 1_000, 100)
        _ = engine.submit(buy(3, limit: 90, stop: 85), from: engine.strategies[0])
        engine.flushNotices()
        engine.endEvent()
        port.notices.removeAll()
        output.events.removeAll()
    }

    static func trade(_ engine: Engine, at ts: Int64, _ price: Double) {
        engine.deliver(.trade(symbolID: 1, timestampNs: ts, price: price, size: 1))
    }

    @Test func aDecisionReachesTheStrategyAfterItsCallbackAndItsFillOnTheNextTick() {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        port.onMarketData = { [unowned port] engine, event, strategy in  // the port keeps the closure
            if event.timestampNs == 1_000 {
                let decision = engine.submit(Self.buy(1), from: engine.strategies[strategy])
                // The answer comes back at once; the notice only after the callback returns.
                #expect(decision.verdict == .approve)
                port.notices.append("submitted")
            }
        }
        Self.trade(engine, at: 1_000, 100)
        Self.trade(engine, at: 2_000, 101)
        #expect(port.notices == ["md 0 1000", "submitted", "decision 0 1 APPROVE NONE", "fill 0 1 1.0@101.0", "md 0 2000"])
        #expect(output.events == ["decision 1 APPROVE wall=\(Self.wall)", "order 1 submitted", "end", "fill 1 1.0", "end"])
        #expect(engine.risk.book.position(strategy: 1, symbol: 1) == 1)
        #expect(engine.strategies[0].decisions(.approve) == 1 && engine.strategies[0].fills == 1)
    }

    @Test func anIntentBeforeAnyMarkIsRefusedWithoutReachingTheChain() {
        let (engine, port, _) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        let decision = engine.submit(Self.buy(1), from: engine.strategies[0])
        #expect(decision.verdict == .reject && decision.reason == .noMarketData)
        engine.flushNotices()
        #expect(port.notices == ["decision 0 1 REJECT NO_MARKET_DATA"])
    }

    @Test func aClientIDAboveTheRangeIsRefusedWithoutLockingTheStrategyOut() {
        let (engine, port, _) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        Self.trade(engine, at: 1_000, 100)
        let strategy = engine.strategies[0]
        // The top of uint64_t, then one past GH_CLIENT_ID_MAX: refused, and neither is used up …
        for id in [UInt64.max, IntentValidator.maxClientID + 1] {
            let refused = engine.submit(Self.buy(id), from: strategy)
            #expect(refused.verdict == .reject && refused.reason == .clientIDOutOfRange && refused.clientID == id)
        }
        // … so the strategy's ordinary ids still pass, and the top of the range itself is valid.
        #expect(engine.submit(Self.buy(1), from: strategy).verdict == .approve)
        #expect(engine.submit(Self.buy(IntentValidator.maxClientID), from: strategy).verdict == .approve)
        #expect(engine.submit(Self.buy(IntentValidator.maxClientID), from: strategy).reason == .duplicateClientID)
        // Another refusal still uses its id up: a bad quantity at 5 makes 5 a duplicate.
        let (other, otherPort, _) = Self.engine()
        defer { withExtendedLifetime(otherPort) {} }
        Self.trade(other, at: 1_000, 100)
        var bad = Self.buy(5)
        bad.quantity = -1
        #expect(other.submit(bad, from: other.strategies[0]).reason == .invalidIntent)
        #expect(other.submit(Self.buy(5), from: other.strategies[0]).reason == .duplicateClientID)
    }

    @Test func theStartAndStopHooksDecideTheirIntentsAndCloseOneEventEach() {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        port.onLifecycle = { engine, hook, strategy in
            let request = hook == "start" ? Self.buy(1) : IntentRequest(
                clientID: 3, symbolID: 1, side: Side.sell.rawValue, quantity: 1, orderType: OrderType.market.rawValue,
                limitPrice: 0, stopLossPrice: 0, reduceOnly: 1)
            _ = engine.submit(request, from: engine.strategies[strategy])
        }
        engine.startStrategies()
        #expect(port.notices == ["start 0", "decision 0 1 REJECT NO_MARKET_DATA"])
        Self.trade(engine, at: 1_000, 100)
        #expect(engine.submit(Self.buy(2), from: engine.strategies[0]).verdict == .approve)
        Self.trade(engine, at: 2_000, 100)
        port.notices.removeAll()
        output.events.removeAll()
        engine.stopStrategies()
        // The exit is decided and routed, its decision delivered after the hook, in one event.
        #expect(port.notices == ["stop 0", "decision 0 3 APPROVE NONE"])
        #expect(output.events == ["decision 3 APPROVE wall=\(Self.wall)", "order 3 submitted", "end"])
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == -1)
    }

    @Test func liveOrdersGoToAnAttachedVenueWhoseReportsAreBookedAndTold() {
        let (engine, port, output) = Self.engine(liveOnPaper: false)
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        let venue = ExternalVenue()
        engine.attachLiveVenue(venue)
        Self.trade(engine, at: 1_000, 100)
        _ = engine.submit(Self.buy(7), from: engine.strategies[0])
        _ = engine.submit(Self.buy(8), from: engine.strategies[0])
        engine.flushNotices()
        engine.endEvent()
        #expect(venue.sent.map(\.clientID) == [7, 8])
        // An order outside the engine cannot be re-derived by recovery: its event keeps the state.
        #expect(output.snapshotsRequired == 2)
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == 2)
        port.notices.removeAll()
        engine.apply([.filled(venue.sent[0], quantity: 1, price: 100.5, feeUSD: 0, complete: true),
                      .rejected(venue.sent[1], reason: "no liquidity", remaining: 1)])
        #expect(engine.risk.book.position(strategy: 1, symbol: 1) == 1)
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == 0)
        #expect(port.notices == ["fill 0 7 1.0@100.5", "update 0 8 rejected -"])
        // A cancel of a live order is asked of the venue, which answers later.
        #expect(engine.cancel(clientID: 8, from: engine.strategies[0]))
        #expect(venue.cancelRequests == [venue.sent[1].orderID])
        #expect(!engine.cancel(clientID: 99, from: engine.strategies[0]))
    }

    @Test func aStrategysOwnCancelOfAPaperOrderIsConfirmedByAnOrderUpdateAfterTheCallback() {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        Self.restLimitBuy(engine, port, output)
        port.onMarketData = { engine, _, strategy in
            #expect(engine.cancel(clientID: 3, from: engine.strategies[strategy]))
            #expect(!engine.cancel(clientID: 3, from: engine.strategies[strategy]), "cancelled once")
        }
        Self.trade(engine, at: 2_000, 100)
        // Done at once (pending released), told after the callback: the same callback a gateway's
        // confirmed cancel gives, with no reason (the strategy asked).
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == 0)
        #expect(port.notices == ["md 0 2000", "update 0 3 cancelled -"])
        #expect(output.events == ["order 1 cancelled", "end"])
    }

    @Test func theKillSwitchCancelsRestingOrdersAndTellsTheStrategyWhy() {
        let (engine, port, output) = Self.engine()
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        Self.restLimitBuy(engine, port, output)
        let outcome = engine.perform(OperatorRequest(verb: .kill, strategy: nil, operatorName: "alice", reason: "test", force: false),
                                     nowWallNs: Self.wall)
        #expect(outcome.kind == .done)
        #expect(engine.paper.openOrders[1].isEmpty)
        #expect(engine.risk.book.pending(strategy: 1, symbol: 1) == 0)
        #expect(port.notices == ["update 0 3 cancelled KILL_SWITCH_ACTIVE"])
        #expect(output.events == ["order 1 cancelled", "operator kill done", "transition KILL_SWITCH OFF->ON", "end"])
        // Refused afterwards, exits included.
        #expect(engine.submit(Self.buy(4), from: engine.strategies[0]).reason == .killSwitchActive)
    }

    @Test func theRecordingVenueKeepsTheMostRecentOrdersInARing() {
        let venue = RecordingVenue(capacity: 3)
        for id in 1...5 {
            let decision = Decision(decisionID: UInt64(id), strategyID: 1, clientID: UInt64(id), symbolID: 1, verdict: .approve,
                                    reason: .none, requestedQuantity: 1, finalQuantity: 1, timestampNs: Int64(id))
            let intent = OrderIntent(strategyID: 1, clientID: UInt64(id), symbolID: 1, side: .buy, quantity: 1, orderType: .market,
                                     limitPrice: 0, stopLossPrice: 0, reduceOnly: false)
            venue.submit(Order(decision: decision, intent: intent, mode: .live), eventTimeNs: Int64(id))
        }
        #expect(venue.orders.map(\.orderID) == [3, 4, 5])
        #expect(venue.submitted == 5)
        #expect(venue.cancel(strategy: 1, clientID: 5, fromOrderID: 0) == .notFound)
    }

    @Test func theSameTicksAndIntentsGiveTheSameDigestAndOtherPricesAnother() {
        func run(_ prices: [Double]) -> UInt64 {
            let (engine, port, _) = Self.engine()
            defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
            var next: UInt64 = 1
            port.onMarketData = { engine, event, strategy in
                // Buy on every fourth tick, sell what is held on every seventh.
                if event.timestampNs % 4 == 0 {
                    _ = engine.submit(Self.buy(next), from: engine.strategies[strategy])
                    next += 1
                } else if event.timestampNs % 7 == 0, engine.risk.book.position(strategy: 1, symbol: 1) > 0 {
                    let held = engine.risk.book.position(strategy: 1, symbol: 1)
                    _ = engine.submit(IntentRequest(clientID: next, symbolID: 1, side: Side.sell.rawValue, quantity: held,
                                                    orderType: OrderType.market.rawValue, limitPrice: 0, stopLossPrice: 0,
                                                    reduceOnly: 1), from: engine.strategies[strategy])
                    next += 1
                }
            }
            for (index, price) in prices.enumerated() { Self.trade(engine, at: Int64(index + 1), price) }
            return engine.decisionDigest
        }
        let prices = (0..<200).map { 100 + sin(Double($0) / 9) * 4 }
        #expect(run(prices) == run(prices))
        // At 30× the price one unit is past the position cap (25 % of 10,000 USD): reshaped.
        #expect(run(prices) != run(prices.map { $0 * 30 }))
    }

    @Test func aShadowStrategysOrdersStayOnThePaperVenueWhateverTheLiveVenue() {
        let (engine, port, _) = Self.engine(live: false, liveOnPaper: false)
        defer { withExtendedLifetime(port) {} }  // the engine does not retain its port
        let venue = ExternalVenue()
        engine.attachLiveVenue(venue)
        Self.trade(engine, at: 1_000, 100)
        _ = engine.submit(Self.buy(1), from: engine.strategies[0])
        Self.trade(engine, at: 2_000, 100)
        #expect(venue.sent.isEmpty)
        #expect(engine.risk.book.position(strategy: 1, symbol: 1) == 1)
        #expect(engine.risk.book.liveGrossUSD == 0)
    }
}
