import Host
import Foundation
import Risk

/// `gatehouse decide`: a what-if tool for operators. It builds the risk chain the host would build
/// from a config, restores a scenario described in a JSON input (account, marks, return history,
/// positions, strategy figures, clusters) and decides the input's intents in order, each seeing the
/// book as the earlier approvals left it. No plugin is loaded, no socket opened, nothing sent.
///
/// The scenario is restored in a fixed order (docs/what-if.md, "Order of restoration"): marks in
/// timestamp order, return history, positions, strategy figures, closed trades, the account last
/// (so its equity is exact), then the controls.
public enum WhatIf {
    /// Reads the input file at `path`.
    public static func readInput(path: String) throws(WhatIfError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw WhatIfError(file: path, message: reason)
        }
    }

    /// Decodes an input, refusing unknown keys; `inputName` names it in errors.
    public static func decodeInput(_ data: Data, inputName: String) throws(WhatIfError) -> Input {
        do {
            return try JSONDecoder().decode(Input.self, from: data)
        } catch let error as UnknownConfigKey {
            throw describe(error, file: inputName)
        } catch let error as DecodingError {
            throw describe(error, data: data, file: inputName)
        } catch {
            throw WhatIfError(file: inputName, message: "malformed JSON: \(error)")
        }
    }

    /// Decodes `input` and decides its intents against `config` (see `run(config:input:inputName:)`).
    public static func run(config: LoadedConfig, input: Data, inputName: String) throws(WhatIfError) -> [Output] {
        try run(config: config, input: try decodeInput(input, inputName: inputName), inputName: inputName)
    }

    /// Checks `input` against `config`, restores its scenario and decides its intents in order at
    /// `now_ns`, with decision ids 1…n. Every problem with the input is a `WhatIfError` naming
    /// `inputName` and the JSON path; nothing is decided unless the whole input is valid.
    public static func run(config loaded: LoadedConfig, input: Input, inputName: String) throws(WhatIfError) -> [Output] {
        let plan = try Plan(config: loaded.config, input: input, file: inputName)
        var chain = plan.restoredChain()
        var outputs: [Output] = []
        outputs.reserveCapacity(plan.intents.count)
        let unchecked = Self.unchecked(loaded.config.risk.limits)
        for (index, intent) in plan.intents.enumerated() {
            let reducing = chain.reducingPart(of: intent)
            let decision = chain.decide(intent, decisionID: UInt64(index + 1), at: plan.nowNs)
            var output = Output(
                index: index, decision: decision, intent: intent, strategy: plan.strategyNames[Int(intent.strategyID) - 1],
                symbol: plan.symbols[Int(intent.symbolID) - 1], chain: chain)
            // A check only ever refuses or cuts new risk: one the scenario could not run matters
            // only to a decision that let new risk through.
            if decision.finalQuantity > reducing * (1 + 1e-12) { output.unchecked = unchecked }
            outputs.append(output)
        }
        return outputs
    }

    /// The checks a scenario cannot evaluate, with why, under `limits` (docs/what-if.md,
    /// "Limits of the scenario"): the host might refuse or cut what the what-if lets through.
    static func unchecked(_ limits: RiskLimits) -> [Output.Unchecked] {
        var checks: [Output.Unchecked] = [
            .init(check: "ROLLING_DRAWDOWN_BREACHED", why: "the scenario has no hourly equity marks: the rolling 24 h drawdown starts at 0"),
            .init(check: "ACCOUNT_DAILY_LOSS", why: "the scenario cannot say the limit was hit earlier today: it holds only from an intent of the list that finds the loss"),
            .init(check: "STRATEGY_DAILY_LOSS", why: "as ACCOUNT_DAILY_LOSS, for the strategy"),
            .init(check: "PENDING_ORDERS", why: "orders resting before the scenario are not known: the budgets, open positions and reducing parts count only the list's own approvals"),
        ]
        if limits.maxIntentsPerSecond != nil {
            checks.append(.init(check: "ORDER_RATE_EXCEEDED", why: "the strategy's intents before the scenario are not known: its bucket starts full"))
        }
        if limits.accountMaxIntentsPerSecond != nil {
            checks.append(.init(check: "ACCOUNT_ORDER_RATE_EXCEEDED", why: "the account's intents before the scenario are not known: its bucket starts full"))
        }
        if limits.duplicateWindowSeconds != nil {
            checks.append(.init(check: "DUPLICATE_ORDER", why: "orders sent before the scenario are not known: only the list's own are compared"))
        }
        if limits.repeatedFills != nil {
            checks.append(.init(check: "REPEATED_EXECUTIONS", why: "fills before the scenario are not known, and the what-if makes none"))
        }
        if limits.selfTradePolicy != .off {
            checks.append(.init(check: "SELF_TRADE_PREVENTED", why: "the what-if keeps no resting orders: a live order of the host's the intent would trade against is not known"))
        }
        if limits.fairShare {
            checks.append(.init(check: "AUDIT_QUEUE_SHARE_EXCEEDED", why: "a live host's journal queue at the time is not known: strategy isolation is measured, not described"))
            checks.append(.init(check: "LOOP_TIME_SHARE_EXCEEDED", why: "the strategies' callback time at the time is not known: strategy isolation is measured, not described"))
        }
        checks.append(.init(check: "CALLBACK_OVERRUN", why: "the callback watchdog's pauses are not part of the scenario"))
        return checks
    }

    // MARK: Decoding errors

    static func describe(_ error: UnknownConfigKey, file: String) -> WhatIfError {
        WhatIfError(file: file, path: renderKeyPath(error.codingPath),
                    message: "unknown key (expected one of: \(error.allowed.joined(separator: ", ")))")
    }

    static func describe(_ error: DecodingError, data: Data, file: String) -> WhatIfError {
        switch error {
        case .keyNotFound(let key, let context):
            return WhatIfError(file: file, path: renderKeyPath(context.codingPath + [key]), message: "required key is missing")
        case .typeMismatch(let type, let context):
            let unrepresentable = context.debugDescription == WhatIf.unrepresentableNumber ? " (this number has a fraction or is out of range)" : ""
            return WhatIfError(file: file, path: renderKeyPath(context.codingPath), message: "wrong type: expected \(typeName(type))\(unrepresentable)")
        case .valueNotFound(let type, let context):
            return WhatIfError(file: file, path: renderKeyPath(context.codingPath), message: "null where \(typeName(type)) is required")
        case .dataCorrupted(let context):
            if let unknown = context.underlyingError as? UnknownConfigKey { return describe(unknown, file: file) }
            let path = renderKeyPath(context.codingPath)
            if path.isEmpty {
                return WhatIfError(file: file, message: "malformed JSON: \(syntaxProblem(data) ?? context.debugDescription)")
            }
            return WhatIfError(file: file, path: path, message: "invalid value: \(context.debugDescription)")
        @unknown default:
            return WhatIfError(file: file, message: "\(error)")
        }
    }

    /// Where the JSON syntax breaks, as JSONSerialization words it (JSONDecoder only says it is
    /// not valid JSON); nil if it parses.
    static func syntaxProblem(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Double?.Type: "a number"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension WhatIf {
    /// The largest price, quantity, amount of money or notional (units × price, USD) an input may
    /// hold: 1e15, far beyond any real book, and small enough that the chain's sums and products
    /// of such values stay finite, so every decision can be printed. (A position of 1e308 units
    /// made the account's equity NaN, and the JSON output could not be written.)
    public static let maxMagnitude = 1e15

    /// A checked input: every name resolved to its id, every value validated, ready to restore.
    struct Plan {
        let file: String
        var limits: RiskLimits
        let symbols: [String]
        let strategyNames: [String]
        let strategies: [(mode: BookMode, allocatedCapitalUSD: Double)]
        let startingEquityUSD: Double
        var nowNs: Int64 = 0
        var marks: [(symbol: UInt32, price: Double, tsNs: Int64)] = []
        var returnRows: [[Double]] = []
        var positions: [(strategy: UInt32, symbol: UInt32, quantity: Double, averagePrice: Double)] = []
        /// Per strategy (id − 1): its entry in `strategies`, if any.
        var stats: [Input.StrategyStats?]
        var account: (equity: Double, peak: Double?, dayStart: Double?)
        var controls = AccountControls()
        var intents: [OrderIntent] = []

        private let symbolIDs: [String: UInt32]
        private let strategyIDs: [String: UInt32]
        private let strategySymbols: [Set<String>]

        init(config: GatehouseConfig, input: Input, file: String) throws(WhatIfError) {
            self.file = file
            symbols = config.allSymbols
            strategyNames = config.strategies.map(\.name)
            strategies = config.strategies.map { (mode: $0.mode == .live ? .live : .shadow, allocatedCapitalUSD: $0.allocatedCapitalUSD) }
            strategySymbols = config.strategies.map { Set($0.symbols) }
            startingEquityUSD = config.startingEquityUSD
            var symbolIDs: [String: UInt32] = [:]
            for (index, name) in symbols.enumerated() { symbolIDs[name] = UInt32(index + 1) }
            self.symbolIDs = symbolIDs
            var strategyIDs: [String: UInt32] = [:]
            for (index, name) in strategyNames.enumerated() { strategyIDs[name] = UInt32(index + 1) }
            self.strategyIDs = strategyIDs
            stats = Array(repeating: nil, count: config.strategies.count)
            account = (startingEquityUSD, nil, nil)

            limits = config.risk.limits
            try checkAccount(input.account)
            try checkMarks(input.marks, nowNs: input.nowNs)
            try checkReturns(input.returns)
            try checkPositions(input.positions)
            try checkStrategies(input.strategies)
            if let clusters = input.clusters { try checkClusters(clusters) }
            try checkIntents(input.intents)
        }

        // MARK: Restoring

        /// The chain the host would build from the config, with the scenario restored in the
        /// documented order.
        func restoredChain() -> RiskChain {
            var chain = RiskChain(limits: limits, symbols: symbols, strategies: strategies, startingEquityUSD: startingEquityUSD)
            // 1. Marks, oldest first (the sort is stable: equal times keep their input order).
            for mark in marks { chain.updateMark(symbol: mark.symbol, price: mark.price, at: mark.tsNs) }
            // 2. Return history, one grid step per row.
            if !returnRows.isEmpty {
                chain.withCorrelations { correlations in
                    for row in returnRows { correlations.appendReturns(row) }
                }
            }
            // 3. Positions.
            chain.withBook { book in
                for p in positions {
                    book.restorePosition(strategy: p.strategy, symbol: p.symbol, quantity: p.quantity, averagePrice: p.averagePrice)
                }
            }
            // 4. Strategy figures, for every strategy of the config (defaults when not listed).
            for id in 1...UInt32(strategies.count) {
                let entry = stats[Int(id) - 1]
                let realized = entry?.realizedUSD ?? 0
                let equityNow = strategies[Int(id) - 1].allocatedCapitalUSD + realized + chain.book.unrealizedUSD(strategy: id)
                chain.withBook { book in
                    book.restoreStrategy(
                        id, realizedUSD: realized, peakEquityUSD: entry?.peakEquityUSD ?? equityNow,
                        dayStartEquityUSD: entry?.dayStartEquityUSD ?? equityNow,
                        consecutiveLosses: entry?.consecutiveLosses ?? 0, tradesToday: entry?.tradesToday ?? 0)
                }
            }
            // 5. Closed trades of the decay window, oldest first, and the forced pause.
            for id in 1...UInt32(strategies.count) {
                guard let entry = stats[Int(id) - 1], !entry.closedTrades.isEmpty || entry.paused != nil else { continue }
                let trades = entry.closedTrades.enumerated()
                    .sorted { ($0.element.closedAtNs, $0.offset) < ($1.element.closedAtNs, $1.offset) }
                    .map { (closedAtNs: $0.element.closedAtNs, pnlPct: $0.element.pnlPct) }
                chain.restoreDecay(strategy: id, trades: trades, paused: entry.paused)
            }
            // 6. The account, last, so its equity is exact with the positions and marks above.
            chain.withBook { book in
                book.restoreAccount(equityUSD: account.equity, peakEquityUSD: account.peak ?? account.equity,
                                    dayStartEquityUSD: account.dayStart ?? account.equity)
            }
            // 7. Controls.
            chain.restoreControls(controls)
            return chain
        }

        // MARK: Checks

        func fail(_ path: String, _ message: String) -> WhatIfError {
            WhatIfError(file: file, path: path, message: message)
        }

        func symbolID(_ name: String, at path: String) throws(WhatIfError) -> UInt32 {
            guard let id = symbolIDs[name] else {
                throw fail(path, "'\(name)' is not a symbol of the config (expected one of: \(symbols.joined(separator: ", ")))")
            }
            return id
        }

        func strategyID(_ name: String, at path: String) throws(WhatIfError) -> UInt32 {
            guard let id = strategyIDs[name] else {
                throw fail(path, "'\(name)' is not a strategy of the config (expected one of: \(strategyNames.joined(separator: ", ")))")
            }
            return id
        }

        /// The symbol's id, which must be one of the strategy's symbols.
        func tradedSymbolID(_ name: String, strategy: UInt32, at path: String) throws(WhatIfError) -> UInt32 {
            let id = try symbolID(name, at: path)
            let index = Int(strategy) - 1
            guard strategySymbols[index].contains(name) else {
                let own = symbols.filter { strategySymbols[index].contains($0) }
                throw fail(path, "'\(name)' is not a symbol of strategy '\(strategyNames[index])' (its symbols: \(own.joined(separator: ", ")))")
            }
            return id
        }

        func positive(_ value: Double, at path: String, _ what: String) throws(WhatIfError) {
            guard value.isFinite, value > 0, value <= WhatIf.maxMagnitude else {
                throw fail(path, "must be a positive \(what) of at most 1e15, not \(value)")
            }
        }

        func finite(_ value: Double, at path: String) throws(WhatIfError) {
            guard value.isFinite, abs(value) <= WhatIf.maxMagnitude else { throw fail(path, "must be a finite number between -1e15 and 1e15") }
        }

        /// `quantity` units at `price` are worth at most `maxMagnitude` USD.
        func notional(_ quantity: Double, at price: Double, _ priced: String, path: String) throws(WhatIfError) {
            let worth = abs(quantity) * price
            guard worth <= WhatIf.maxMagnitude else { throw fail(path, "is worth \(worth) USD at \(priced): at most 1e15") }
        }

        /// The latest mark of `symbol` (0 without one).
        func latestMark(_ symbol: UInt32) -> Double {
            marks.last { $0.symbol == symbol }?.price ?? 0
        }

        func positiveTime(_ value: Int64, at path: String) throws(WhatIfError) {
            guard value > 0 else { throw fail(path, "must be a positive time in ns since the Unix epoch, not \(value)") }
        }

        mutating func checkAccount(_ input: Input.Account?) throws(WhatIfError) {
            guard let input else { return }
            if let equity = input.equityUSD { try positive(equity, at: "account.equity_usd", "amount") }
            if let peak = input.peakEquityUSD { try positive(peak, at: "account.peak_equity_usd", "amount") }
            if let dayStart = input.dayStartEquityUSD { try positive(dayStart, at: "account.day_start_equity_usd", "amount") }
            account = (input.equityUSD ?? startingEquityUSD, input.peakEquityUSD, input.dayStartEquityUSD)
            if let text = input.tradingState {
                guard let state = TradingState(rawValue: text) else {
                    throw fail("account.trading_state", "'\(text)' is not a trading state (expected ACTIVE, REDUCING or HALTED)")
                }
                controls.operatorState = state
            }
            controls.killSwitch = input.killSwitch ?? false
            controls.haltLatch = input.haltLatched == true ? .accountDrawdownHalt : nil
        }

        mutating func checkMarks(_ input: [Input.Mark], nowNs: Int64?) throws(WhatIfError) {
            var checked: [(symbol: UInt32, price: Double, tsNs: Int64)] = []
            var latest: (ns: Int64, index: Int)?
            for (index, mark) in input.enumerated() {
                let path = "marks[\(index)]"
                let id = try symbolID(mark.symbol, at: "\(path).symbol")
                try positive(mark.price, at: "\(path).price", "price")
                try positiveTime(mark.tsNs, at: "\(path).ts_ns")
                checked.append((id, mark.price, mark.tsNs))
                if mark.tsNs > (latest?.ns ?? .min) { latest = (mark.tsNs, index) }
            }
            marks = checked.enumerated().sorted { ($0.element.tsNs, $0.offset) < ($1.element.tsNs, $1.offset) }.map(\.element)
            if let nowNs {
                try positiveTime(nowNs, at: "now_ns")
                if let latest, nowNs < latest.ns {
                    throw fail("now_ns", "\(nowNs) is before the latest mark (marks[\(latest.index)].ts_ns = \(latest.ns)); the event clock never goes back")
                }
                self.nowNs = nowNs
            } else if let latest {
                self.nowNs = latest.ns
            } else {
                throw fail("now_ns", "required when there are no marks")
            }
        }

        mutating func checkReturns(_ input: [String: [Double?]]) throws(WhatIfError) {
            let names = input.keys.sorted()
            guard let first = names.first else { return }
            let length = input[first]!.count
            var rows = Array(repeating: Array(repeating: Double.nan, count: symbols.count), count: length)
            for name in names {
                let path = "returns.\(name)"
                let id = try symbolID(name, at: path)
                let values = input[name]!
                if values.count != length {
                    throw fail(path, "has \(values.count) returns but returns.\(first) has \(length); every list must have the same length")
                }
                for (step, value) in values.enumerated() {
                    guard let value else { continue }
                    guard value.isFinite else { throw fail("\(path)[\(step)]", "must be a finite number or null") }
                    rows[step][Int(id) - 1] = value
                }
            }
            returnRows = rows
        }

        mutating func checkPositions(_ input: [Input.Position]) throws(WhatIfError) {
            var seen: [String: Int] = [:]
            let marked = Set(marks.map(\.symbol))
            for (index, position) in input.enumerated() {
                let path = "positions[\(index)]"
                let strategy = try strategyID(position.strategy, at: "\(path).strategy")
                let symbol = try tradedSymbolID(position.symbol, strategy: strategy, at: "\(path).symbol")
                guard marked.contains(symbol) else {
                    throw fail("\(path).symbol", "'\(position.symbol)' has no mark; add one to marks so the position can be valued")
                }
                guard position.quantity.isFinite, position.quantity != 0, abs(position.quantity) <= WhatIf.maxMagnitude else {
                    throw fail("\(path).quantity", "must be a non-zero number of units (> 0 long, < 0 short) of at most 1e15, not \(position.quantity)")
                }
                try positive(position.averagePrice, at: "\(path).average_price", "price")
                try notional(position.quantity, at: position.averagePrice, "its average price", path: "\(path).quantity")
                try notional(position.quantity, at: latestMark(symbol), "its mark", path: "\(path).quantity")
                let key = "\(position.strategy)\u{0}\(position.symbol)"
                if let earlier = seen[key] {
                    throw fail(path, "a second position of strategy '\(position.strategy)' in '\(position.symbol)' (first: positions[\(earlier)])")
                }
                seen[key] = index
                positions.append((strategy, symbol, position.quantity, position.averagePrice))
            }
        }

        mutating func checkStrategies(_ input: [Input.StrategyStats]) throws(WhatIfError) {
            var seen: [String: Int] = [:]
            for (index, entry) in input.enumerated() {
                let path = "strategies[\(index)]"
                let id = try strategyID(entry.name, at: "\(path).name")
                if let earlier = seen[entry.name] {
                    throw fail("\(path).name", "strategy '\(entry.name)' is listed twice (first: strategies[\(earlier)])")
                }
                seen[entry.name] = index
                if let value = entry.realizedUSD { try finite(value, at: "\(path).realized_usd") }
                if let value = entry.peakEquityUSD { try positive(value, at: "\(path).peak_equity_usd", "amount") }
                if let value = entry.dayStartEquityUSD { try positive(value, at: "\(path).day_start_equity_usd", "amount") }
                if let value = entry.consecutiveLosses, value < 0 { throw fail("\(path).consecutive_losses", "must be >= 0") }
                if let value = entry.tradesToday, value < 0 { throw fail("\(path).trades_today", "must be >= 0") }
                for (tradeIndex, trade) in entry.closedTrades.enumerated() {
                    try positiveTime(trade.closedAtNs, at: "\(path).closed_trades[\(tradeIndex)].closed_at_ns")
                    try finite(trade.pnlPct, at: "\(path).closed_trades[\(tradeIndex)].pnl_pct")
                }
                stats[Int(id) - 1] = entry
            }
        }

        mutating func checkClusters(_ input: [Input.Cluster]) throws(WhatIfError) {
            for (index, cluster) in input.enumerated() {
                var seen: Set<String> = []
                for (symbolIndex, symbol) in cluster.symbols.enumerated() {
                    _ = try symbolID(symbol, at: "clusters[\(index)].symbols[\(symbolIndex)]")
                    if !seen.insert(symbol).inserted {
                        throw fail("clusters[\(index)].symbols[\(symbolIndex)]", "'\(symbol)' is listed twice")
                    }
                }
            }
            limits.clusters = input.map { RiskLimits.Cluster(name: $0.name, symbols: $0.symbols, maxPctOfEquity: $0.maxPctOfEquity) }
            // The config's limits are valid, so a failure here is one of the clusters (keyed `clusters[i].…`).
            if let failure = limits.validationFailure() { throw fail(failure.key, failure.message) }
        }

        mutating func checkIntents(_ input: [Input.Intent]) throws(WhatIfError) {
            if input.isEmpty { throw fail("intents", "at least one intent is required") }
            var lastClientID: [UInt32: (id: Int64, index: Int)] = [:]
            for (index, raw) in input.enumerated() {
                let path = "intents[\(index)]"
                let strategy = try strategyID(raw.strategy, at: "\(path).strategy")
                let symbol = try tradedSymbolID(raw.symbol, strategy: strategy, at: "\(path).symbol")
                let side: Side
                switch raw.side {
                case "buy": side = .buy
                case "sell": side = .sell
                default: throw fail("\(path).side", "'\(raw.side)' is not a side (expected buy or sell)")
                }
                let type: OrderType
                switch raw.type {
                case "market": type = .market
                case "limit": type = .limit
                default: throw fail("\(path).type", "'\(raw.type)' is not an order type (expected market or limit)")
                }
                try positive(raw.quantity, at: "\(path).quantity", "quantity")
                switch type {
                case .limit: try positive(raw.limitPrice, at: "\(path).limit_price", "price for a limit intent")
                case .market:
                    guard raw.limitPrice == 0 else { throw fail("\(path).limit_price", "must be 0 (or left out) for a market intent") }
                }
                guard raw.stopLossPrice.isFinite, raw.stopLossPrice >= 0, raw.stopLossPrice <= WhatIf.maxMagnitude else {
                    throw fail("\(path).stop_loss_price", "must be 0 (no stop) or a positive price of at most 1e15, not \(raw.stopLossPrice)")
                }
                switch type {
                case .limit: try notional(raw.quantity, at: raw.limitPrice, "its limit price", path: "\(path).quantity")
                case .market: try notional(raw.quantity, at: latestMark(symbol), "its symbol's mark", path: "\(path).quantity")
                }
                let clientID = raw.clientID ?? Int64(index + 1)
                let shown = raw.clientID == nil ? "\(clientID) (the default, index + 1)" : "\(clientID)"
                if clientID < 1 { throw fail("\(path).client_id", "must be >= 1, not \(clientID)") }
                if let last = lastClientID[strategy], clientID <= last.id {
                    throw fail("\(path).client_id", "\(shown) is not greater than \(last.id), the client_id of strategy '\(raw.strategy)' in intents[\(last.index)]; client ids strictly increase per strategy")
                }
                lastClientID[strategy] = (clientID, index)
                intents.append(OrderIntent(
                    strategyID: strategy, clientID: UInt64(clientID), symbolID: symbol, side: side, quantity: raw.quantity,
                    orderType: type, limitPrice: raw.limitPrice, stopLossPrice: raw.stopLossPrice, reduceOnly: raw.reduceOnly))
            }
        }
    }
}
