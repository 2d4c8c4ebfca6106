import Logging
import Risk

/// One strategy as the engine keeps it: who it is, what it trades, its intent numbering, its
/// timer and its run counters. Its book (positions, PnL, limits) is the risk chain's; its plugin
/// (C callbacks and state) is the plugin host's. Touched only on the event-loop thread.
package final class EngineStrategy {
    /// Dense id (1-based) in config order.
    package let id: UInt32
    /// Instance name from the config.
    package let name: String
    /// Live or shadow; a running engine changes it only by promotion (`Engine.promote`).
    package internal(set) var mode: BookMode
    /// The strategy's symbol ids, in config order.
    package let symbolIDs: [UInt32]
    /// `subscribed[symbolID]` is true for the strategy's symbols (index 0 unused).
    private let subscribed: [Bool]
    /// Logger tagged with the strategy name.
    package let logger: Logger

    /// Last client id accepted; ids must increase.
    package internal(set) var lastClientID: UInt64 = 0
    /// Timer period in event-time ns (0: off) and the next deadline (negative: set before the
    /// first event, counted from it).
    var timerIntervalNs: Int64 = 0
    var nextTimerNs: Int64 = .max

    /// Run counters (the run summary and the metrics read them).
    package internal(set) var eventsDelivered: UInt64 = 0
    package internal(set) var fills: UInt64 = 0
    package internal(set) var cancels: UInt64 = 0
    package internal(set) var intents: UInt64 = 0
    /// Callbacks that ran past the watchdog's budget (`Engine.reportCallbackOverrun`).
    package internal(set) var callbackOverruns: UInt64 = 0
    /// Decisions by verdict raw value and reason raw value: `decisions[verdict * reasonCount + reason]`.
    package internal(set) var decisions: [UInt64]

    init(id: UInt32, name: String, mode: BookMode, symbolIDs: [UInt32], symbolCount: Int, logger: Logger) {
        self.id = id
        self.name = name
        self.mode = mode
        self.symbolIDs = symbolIDs
        var subscribed = [Bool](repeating: false, count: symbolCount + 1)
        for symbol in symbolIDs { subscribed[Int(symbol)] = true }
        self.subscribed = subscribed
        decisions = [UInt64](repeating: 0, count: (Verdict.allCases.count + 1) * ReasonCode.allCases.count)
        var logger = logger
        logger[metadataKey: "strategy"] = "\(name)"
        self.logger = logger
    }

    /// Whether the strategy subscribes to `symbolID`.
    package func isSubscribed(_ symbolID: UInt32) -> Bool {
        symbolID > 0 && Int(symbolID) < subscribed.count && subscribed[Int(symbolID)]
    }

    /// Decisions with `verdict`, any reason.
    package func decisions(_ verdict: Verdict) -> UInt64 {
        let row = Int(verdict.rawValue) * ReasonCode.allCases.count
        return decisions[row..<row + ReasonCode.allCases.count].reduce(0, &+)
    }

    /// Decisions with `verdict` and `reason`.
    package func decisions(_ verdict: Verdict, _ reason: ReasonCode) -> UInt64 {
        decisions[Int(verdict.rawValue) * ReasonCode.allCases.count + Int(reason.rawValue)]
    }

    /// Decisions for `reason`, any verdict.
    package func decisions(for reason: ReasonCode) -> UInt64 {
        Verdict.allCases.reduce(0) { $0 &+ decisions($1, reason) }
    }

    func count(_ decision: Decision) {
        decisions[Int(decision.verdict.rawValue) * ReasonCode.allCases.count + Int(decision.reason.rawValue)] &+= 1
    }
}
