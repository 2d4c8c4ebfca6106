import Engine
import Foundation
import Logging
import MarketData
import Risk
import Testing

/// The snapshot encoding: a state with positions, resting orders, orders in flight at a venue,
/// a dead man's switch and the values JSON cannot carry comes back equal from its bytes, and
/// bytes cut short or left over are refused, naming where.
@Suite("Engine state encoding")
struct EngineStateEncodingTests {
    /// A state after trading: fills, a resting limit order, correlation samples, decay trades.
    static func tradedState(watchdogPaused: Bool = false) -> EngineState {
        let engine = Engine(Engine.Setup(
            symbols: ["BTCUSD", "ETHUSD"],
            strategies: [.init(name: "a", mode: .live, allocatedCapitalUSD: 10_000, symbols: ["BTCUSD", "ETHUSD"]),
                         .init(name: "b", mode: .shadow, allocatedCapitalUSD: 5_000, symbols: ["ETHUSD"])],
            limits: RiskLimits(), startingEquityUSD: 10_000, paperSlippageBps: 1, paperFeeBps: 2, liveOnPaper: true,
            deadman: (periodNs: 86_400_000_000_000, warningPct: 83, criticalPct: 96)),
            logger: Logger(label: "state-tests"), wallNs: { 1_800_000_000_000_000_000 })
        var client: UInt64 = 0
        func intent(_ side: Side, _ symbol: UInt32, limit: Double = 0) -> IntentRequest {
            client += 1
            return IntentRequest(clientID: client, symbolID: symbol, side: side.rawValue, quantity: 0.5,
                                 orderType: limit > 0 ? OrderType.limit.rawValue : OrderType.market.rawValue,
                                 limitPrice: limit, stopLossPrice: side == .buy ? 90 : 0, reduceOnly: side == .sell ? 1 : 0)
        }
        for step in 0..<400 {
            let ts = Int64(step) * 61_000_000_000
            let btc = 100 + sin(Double(step) / 7) * 3, eth = 100 + cos(Double(step) / 5) * 2
            engine.deliver(.trade(symbolID: 1, timestampNs: ts, price: btc, size: 1))
            engine.deliver(.trade(symbolID: 2, timestampNs: ts + 1, price: eth, size: 1))
            if step % 10 == 0 { _ = engine.submit(intent(.buy, 1), from: engine.strategies[0]) }
            if step % 10 == 5, engine.risk.book.position(strategy: 1, symbol: 1) > 0 { _ = engine.submit(intent(.sell, 1), from: engine.strategies[0]) }
            if step % 25 == 0 { _ = engine.submit(intent(.buy, 2), from: engine.strategies[1]) }
        }
        let resting = engine.submit(intent(.buy, 2, limit: 96), from: engine.strategies[1])
        precondition(resting.verdict != .reject, "the resting order was refused: \(resting.reason)")
        if watchdogPaused { engine.reportCallbackOverrun(strategy: 1, callback: "on_timer", elapsedNs: 1, inWindow: 3, pause: true) }
        var state = engine.captureState()
        let order = state.paper.openOrders[2].last!
        var inFlight = GatewayOrder(order: order, clientOrderID: "a-\(order.orderID)", sentWallNs: 7, acked: true, filledQuantity: 0.25)
        inFlight.fillIDs = ["f-1"]
        state.gateway = [inFlight]
        return state
    }

    @Test func aTradedStateComesBackEqualFromItsBytesAndFromItsJSON() throws {
        let state = Self.tradedState()
        #expect(state.risk.book.strategies[0].realizedUSD != 0, "the state has no closed trades to carry")
        #expect(!state.paper.openOrders[2].isEmpty)
        let bytes = try state.encoded()
        #expect(try EngineState.decode(format: EngineState.format, text: "", bytes: bytes) == state)
        // Journals written before the binary encoding keep JSON snapshots, which still read.
        let json = try state.json()
        #expect(try EngineState.decode(format: EngineState.jsonFormat, text: json, bytes: []) == state)
        // Equal states encode to equal bytes (recovery tests compare them), and far smaller.
        #expect(try state.encoded() == bytes)
        #expect(bytes.count * 2 < json.utf8.count, "\(bytes.count) bytes against \(json.utf8.count) of JSON")
    }

    @Test func aV2SnapshotWithoutOrderFlowStillReadsAndAV3OneCarriesIt() throws {
        var state = Self.tradedState()
        let flow = try #require(state.orderFlow)
        #expect(try EngineState.decode(format: EngineState.format, text: "", bytes: state.encoded()).risk.orderFlow == flow)
        // A v2 snapshot is the same bytes without the last properties (their presence bytes:
        // the order flow, and v5's operator limits and order-rate clock).
        state.orderFlow = nil
        state.risk.orderFlow = nil
        state.orderRateClock = nil
        let v2 = Array(try state.encoded().dropLast(3))
        let back = try EngineState.decode(format: EngineState.formatV2, text: "", bytes: v2)
        #expect(back.orderFlow == nil && back == state)
    }

    @Test func aV3SnapshotWithoutTheWatchdogsPausesReadsAsNonePaused() throws {
        var state = Self.tradedState()
        state.orderRateClock = nil
        var flow = try #require(state.orderFlow)
        let strategies = flow.callbackPaused.count
        // v4 ends with the pauses: a presence byte and the array (v5 adds the absence bytes of
        // the operator limits and the order-rate clock after them). v3 is the same bytes without them.
        let pauses = try CompactCoder.encode(flow.callbackPaused)
        let v4 = Array(try state.encoded().dropLast(2))
        let v3 = Array(v4.dropLast(pauses.count + 1))
        let back = try EngineState.decode(format: EngineState.formatV3, text: "", bytes: v3)
        #expect(back == state && back.orderFlow?.callbackPaused == Array(repeating: false, count: strategies))
        // A pause written now comes back.
        flow = try #require(back.orderFlow)
        #expect(try EngineState.decode(format: EngineState.formatV4, text: "", bytes: v4).orderFlow == flow)
        let paused = Self.tradedState(watchdogPaused: true)
        #expect(try EngineState.decode(format: EngineState.format, text: "", bytes: paused.encoded()).orderFlow?.callbackPaused == [true, false])
    }

    @Test func aV4SnapshotReadsAsTheConfigsLimitsAndAV5OneCarriesAnOperatorsLimitsAndItsClock() throws {
        var state = Self.tradedState()
        #expect(state.orderRateClock == .event)
        state.orderRateClock = nil
        // v5 ends with the operator's limits and the order-rate clock: nil is one absence byte
        // each, and v4 is the bytes without them.
        let v5 = try state.encoded()
        let v4 = Array(v5.dropLast(2))
        #expect(v5.suffix(2) == [0, 0])
        #expect(try EngineState.decode(format: EngineState.formatV4, text: "", bytes: v4) == state)
        state.orderRateClock = .wall
        state.limits = OperatorLimits(configured: "risk:\n  strategy:\n    max_position_pct: 25\n",
                                      inForce: "risk:\n  strategy:\n    max_position_pct: 20\n")
        let back = try EngineState.decode(format: EngineState.format, text: "", bytes: state.encoded())
        #expect(back.limits == state.limits && back.orderRateClock == .wall && back == state)
        #expect(try EngineState.decode(format: EngineState.jsonFormat, text: state.json(), bytes: []).limits == state.limits)
    }

    @Test func valuesJSONCannotCarryComeBackBitForBit() throws {
        var state = Self.tradedState()
        state.risk.accountDailyLossDay = .min
        state.nextDecisionID = .max
        let bytes = try state.encoded()
        let back = try EngineState.decode(format: EngineState.format, text: "", bytes: bytes)
        #expect(back.risk.accountDailyLossDay == .min && back.nextDecisionID == .max)
        // The correlation window starts as NaN (no return yet): bit for bit, not just "a NaN".
        let before = state.risk.correlations, after = back.risk.correlations
        #expect(before == after)
    }

    @Test func bytesCutShortOrLeftOverAreRefusedNamingWhere() throws {
        let bytes = try Self.tradedState().encoded()
        // (Not one byte short: that is the last optional's presence byte, which bytes written
        // before it was appended end without.)
        for cut in [1, bytes.count / 3, bytes.count - 2] {
            #expect(throws: RecoveryError.self) { try EngineState.decode(format: EngineState.format, text: "", bytes: Array(bytes.prefix(cut))) }
        }
        do {
            _ = try EngineState.decode(format: EngineState.format, text: "", bytes: bytes + [0])
            Issue.record("a trailing byte was accepted")
        } catch {
            #expect(error.description.contains("1 bytes left over"), "\(error.description)")
        }
        do {
            _ = try EngineState.decode(format: "gatehouse-state-v9+xml", text: "", bytes: bytes)
            Issue.record("an unknown format was accepted")
        } catch {
            #expect(error.description.contains("gatehouse-state-v9+xml") && error.description.contains(EngineState.format))
        }
    }

    @Test func integersTakeTheirVarintLengthAndAVarintPast64BitsIsRefused() throws {
        #expect(try CompactCoder.encode(UInt64(5)) == [5])
        #expect(try CompactCoder.encode(Int64(-1)) == [1])
        #expect(try CompactCoder.decode(UInt64.self, from: CompactCoder.encode(UInt64.max)) == .max)
        #expect(try CompactCoder.decode(Int64.self, from: CompactCoder.encode(Int64.min)) == .min)
        #expect(throws: CompactCoder.Failure.self) {
            try CompactCoder.decode(UInt64.self, from: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
        }
        #expect(throws: CompactCoder.Failure.self) { try CompactCoder.decode(UInt8.self, from: [0x80, 0x02]) }
    }
}
