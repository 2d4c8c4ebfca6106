// EMA crossover: an example Gatehouse strategy written in Swift.
//
// For each symbol it builds bars of `bar_seconds` from trades and keeps a fast and a slow
// exponential moving average of the closes plus Wilder's ATR. When the fast EMA crosses above
// the slow one it goes long; when it crosses below, short. Every risk-increasing intent carries
// an ATR stop (`atr_multiple` × ATR from the close), and the size risks about `risk_usd` if the
// stop is hit, capped at `max_notional_usd` of notional.
//
// Only C types cross the plugin boundary: this library exports one C function,
// `gatehouse_strategy_entry`, and keeps every Swift type internal. All callbacks arrive on the
// host's event-loop thread, so the state needs no locks.

import Foundation
import StrategyABI

/// Parameters from the strategy's `params` config (all optional).
struct EMAParameters {
    var fastPeriod = 12
    var slowPeriod = 26
    var barSeconds = 60.0
    var atrPeriod = 14
    var atrMultiple = 2.0
    var riskUSD = 100.0
    var maxNotionalUSD = 2_000.0

    struct Invalid: Error { let message: String }

    /// Reads `json`; a known key with a wrong value is an error naming it.
    init(json: String) throws(Invalid) {
        guard let data = json.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw Invalid(message: "config is not a JSON object") }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(Invalid) -> Double? {
            guard let raw = object[key] else { return nil }
            guard let value = (raw as? NSNumber)?.doubleValue, !(raw is Bool), range.contains(value) else {
                throw Invalid(message: "\(key) must be a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func integer(_ key: String, _ range: ClosedRange<Double>) throws(Invalid) -> Int? {
            guard let value = try number(key, range) else { return nil }
            guard value == value.rounded() else { throw Invalid(message: "\(key) must be a whole number") }
            return Int(value)
        }
        fastPeriod = try integer("fast_period", 1...1000) ?? fastPeriod
        slowPeriod = try integer("slow_period", 2...5000) ?? slowPeriod
        barSeconds = try number("bar_seconds", 0.001...86_400) ?? barSeconds
        atrPeriod = try integer("atr_period", 1...1000) ?? atrPeriod
        atrMultiple = try number("atr_multiple", 0.1...20) ?? atrMultiple
        riskUSD = try number("risk_usd", 0.01...1e9) ?? riskUSD
        maxNotionalUSD = try number("max_notional_usd", 0.01...1e12) ?? maxNotionalUSD
        guard fastPeriod < slowPeriod else { throw Invalid(message: "fast_period must be smaller than slow_period") }
    }
}

/// Per-symbol indicator state.
struct SymbolState {
    var barStartNs: Int64 = 0
    var open = 0.0, high = 0.0, low = 0.0, close = 0.0
    var hasBar = false
    var previousClose = 0.0
    var bars = 0
    var fastEMA = 0.0, slowEMA = 0.0
    var atr = 0.0
    var lastRelation = 0  // +1 fast above slow, -1 below, 0 unknown
}

/// One strategy instance.
final class EMACrossoverStrategy {
    let host: UnsafePointer<gh_host_api>
    let parameters: EMAParameters
    var symbols: [SymbolState] = []
    var nextClientID: UInt64 = 1

    init(host: UnsafePointer<gh_host_api>, parameters: EMAParameters) {
        self.host = host
        self.parameters = parameters
    }

    func log(_ level: UInt32, _ message: String) {
        message.withCString { host.pointee.log(host.pointee.host, level, $0) }
    }

    func onMarketData(_ event: UnsafePointer<gh_market_event>) {
        let event = event.pointee
        guard event.kind == GH_MD_TRADE, event.price.isFinite, event.price > 0 else { return }
        let index = Int(event.symbol_id)
        if index >= symbols.count { symbols += Array(repeating: SymbolState(), count: index + 1 - symbols.count) }
        let barNs = Int64(parameters.barSeconds * 1e9)
        let barStart = event.ts_ns - event.ts_ns % barNs
        if symbols[index].hasBar && barStart > symbols[index].barStartNs {
            closeBar(symbolID: event.symbol_id)
        }
        if !symbols[index].hasBar || barStart > symbols[index].barStartNs {
            symbols[index].barStartNs = barStart
            symbols[index].open = event.price
            symbols[index].high = event.price
            symbols[index].low = event.price
            symbols[index].hasBar = true
        }
        symbols[index].high = max(symbols[index].high, event.price)
        symbols[index].low = min(symbols[index].low, event.price)
        symbols[index].close = event.price
    }

    /// Updates the indicators with the finished bar and trades a crossover.
    func closeBar(symbolID: UInt32) {
        var state = symbols[Int(symbolID)]
        defer { symbols[Int(symbolID)] = state }
        let close = state.close
        let trueRange = state.bars == 0
            ? state.high - state.low
            : max(state.high, state.previousClose) - min(state.low, state.previousClose)
        state.bars += 1
        if state.bars == 1 {
            state.fastEMA = close
            state.slowEMA = close
            state.atr = trueRange
        } else {
            state.fastEMA += (close - state.fastEMA) * 2 / Double(parameters.fastPeriod + 1)
            state.slowEMA += (close - state.slowEMA) * 2 / Double(parameters.slowPeriod + 1)
            // Wilder's smoothing: an ATR period of n weighs the new range by 1/n.
            state.atr += (trueRange - state.atr) / Double(min(state.bars, parameters.atrPeriod))
        }
        state.previousClose = close
        guard state.bars >= parameters.slowPeriod, state.atr > 0 else { return }
        let relation = state.fastEMA > state.slowEMA ? 1 : (state.fastEMA < state.slowEMA ? -1 : state.lastRelation)
        defer { state.lastRelation = relation }
        guard state.lastRelation != 0, relation != state.lastRelation else { return }
        trade(symbolID: symbolID, direction: relation, close: close, atr: state.atr)
    }

    func trade(symbolID: UInt32, direction: Int, close: Double, atr: Double) {
        var position = gh_position()
        position.abi_version = GH_ABI_VERSION
        position.struct_size = UInt32(MemoryLayout<gh_position>.size)
        guard host.pointee.get_position(host.pointee.host, symbolID, &position) == GH_OK else { return }
        let stopDistance = parameters.atrMultiple * atr
        let entry = min(parameters.riskUSD / stopDistance, parameters.maxNotionalUSD / close)
        // Reverse in one intent: close what is open against the signal, then open the new side.
        let againstSignal = direction > 0 ? max(0, -position.quantity) : max(0, position.quantity)
        if (direction > 0 && position.quantity > 0) || (direction < 0 && position.quantity < 0) { return }
        let quantity = againstSignal + entry
        guard quantity.isFinite, quantity > 0 else { return }
        let stop = direction > 0 ? close - stopDistance : close + stopDistance
        guard stop > 0 else { return }

        var intent = gh_intent()
        intent.abi_version = GH_ABI_VERSION
        intent.struct_size = UInt32(MemoryLayout<gh_intent>.size)
        intent.client_id = nextClientID
        nextClientID += 1
        intent.symbol_id = symbolID
        intent.side = direction > 0 ? GH_SIDE_BUY : GH_SIDE_SELL
        intent.quantity = quantity
        intent.order_type = GH_ORDER_MARKET
        intent.stop_loss_price = stop
        var decision = gh_decision()
        decision.abi_version = GH_ABI_VERSION
        decision.struct_size = UInt32(MemoryLayout<gh_decision>.size)
        guard host.pointee.submit_intent(host.pointee.host, &intent, &decision) == GH_OK else {
            log(GH_LOG_ERROR, "submit_intent refused the call")
            return
        }
        if decision.verdict == GH_VERDICT_REJECT {
            log(GH_LOG_DEBUG, "intent \(intent.client_id) rejected: \(decision.reason.map { String(cString: $0) } ?? "?")")
        }
    }
}

// MARK: - The C entry points

private func strategy(_ pointer: UnsafeMutableRawPointer?) -> EMACrossoverStrategy? {
    pointer.map { Unmanaged<EMACrossoverStrategy>.fromOpaque($0).takeUnretainedValue() }
}

private let create: @convention(c) (UnsafePointer<gh_host_api>?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? = { host, config in
    guard let host else { return nil }
    do throws(EMAParameters.Invalid) {
        let parameters = try EMAParameters(json: config.map { String(cString: $0) } ?? "{}")
        return Unmanaged.passRetained(EMACrossoverStrategy(host: host, parameters: parameters)).toOpaque()
    } catch {
        "ema_crossover: invalid params: \(error.message)".withCString { host.pointee.log(host.pointee.host, GH_LOG_ERROR, $0) }
        return nil
    }
}

private let onMarketData: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<gh_market_event>?) -> Void = { state, event in
    guard let event, event.pointee.struct_size >= UInt32(MemoryLayout<gh_market_event>.size) else { return }
    strategy(state)?.onMarketData(event)
}

private let destroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { state in
    guard let state else { return }
    Unmanaged<EMACrossoverStrategy>.fromOpaque(state).release()
}

/// The strategy table: built once, immutable, alive for the whole process as the contract asks.
nonisolated(unsafe) private let table: UnsafeMutablePointer<gh_strategy_api> = {
    let table = UnsafeMutablePointer<gh_strategy_api>.allocate(capacity: 1)
    let name: StaticString = "ema_crossover"
    // Zeroed, then set by name: callbacks a later header appends stay NULL, and this still
    // compiles (a memberwise initializer would need every one of them).
    var api = gh_strategy_api()
    api.abi_version = GH_ABI_VERSION
    api.struct_size = UInt32(MemoryLayout<gh_strategy_api>.size)
    api.name = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    api.create = create
    api.on_market_data = onMarketData
    api.destroy = destroy
    // No on_fill, on_decision, on_timer, on_start or on_stop; market orders only, so nothing
    // rests for the host to cancel (no on_order_update).
    table.initialize(to: api)
    return table
}()

/// The plugin's entry point, exported under the C name the host looks up.
@_cdecl("gatehouse_strategy_entry")
public func gatehouseStrategyEntry(_ hostABIVersion: UInt32) -> UnsafePointer<gh_strategy_api>? {
    guard hostABIVersion == GH_ABI_VERSION else { return nil }
    return UnsafePointer(table)
}
