extension WhatIf {
    /// The input of `gatehouse decide`: a scenario (account, marks, return history, positions,
    /// strategy figures, clusters) and the intents to decide against it, in order. JSON with
    /// snake_case keys; every object refuses keys it does not define, naming the key's path.
    /// Field by field, with units and defaults: docs/what-if.md.
    ///
    /// Decoding checks only the JSON types; `WhatIf.run` checks the values (names, signs, spellings)
    /// against the config, each error naming its JSON path.
    public struct Input: Decodable, Sendable {
        /// Event time the intents are decided at, ns since the Unix epoch; nil = the latest mark's time.
        public var nowNs: Int64?
        /// Account equity, peaks and controls; nil = every default.
        public var account: Account?
        /// Last prices, applied in timestamp order.
        public var marks: [Mark]
        /// Return history per symbol (log returns, one entry per correlation grid step, oldest
        /// first; null = no return that step). Every list has the same length.
        public var returns: [String: [Double?]]
        /// Open positions per strategy.
        public var positions: [Position]
        /// Per-strategy running figures; strategies not listed get the defaults.
        public var strategies: [StrategyStats]
        /// Correlated clusters; when given (even empty) they replace the config's `risk.clusters`.
        public var clusters: [Cluster]?
        /// The intents to decide, in order.
        public var intents: [Intent]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case nowNs = "now_ns", account, marks, returns, positions, strategies, clusters, intents
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            nowNs = try c.decodeRepresentableNumberIfPresent(Int64.self, forKey: .nowNs)
            account = try c.decodeIfPresent(Account.self, forKey: .account)
            marks = try c.decodeIfPresent([Mark].self, forKey: .marks) ?? []
            returns = try c.decodeIfPresent([String: [WhatIf.OptionalNumber]].self, forKey: .returns)?.mapValues { $0.map(\.value) } ?? [:]
            positions = try c.decodeIfPresent([Position].self, forKey: .positions) ?? []
            strategies = try c.decodeIfPresent([StrategyStats].self, forKey: .strategies) ?? []
            clusters = try c.decodeIfPresent([Cluster].self, forKey: .clusters)
            intents = try c.decode([Intent].self, forKey: .intents)
        }
    }
}

extension WhatIf.Input {
    /// `account`: the account's money figures and controls. Every field is optional.
    public struct Account: Decodable, Sendable {
        /// Equity now (realized + unrealized included), USD; nil = the config's starting equity.
        public var equityUSD: Double?
        /// High-water mark of equity, USD (raised to the equity if below it); nil = the equity.
        public var peakEquityUSD: Double?
        /// Equity at the start of the current UTC day, USD; nil = the equity.
        public var dayStartEquityUSD: Double?
        /// The operator's state: `ACTIVE`, `REDUCING` or `HALTED`; nil = `ACTIVE`.
        public var tradingState: String?
        /// The kill switch; nil = off.
        public var killSwitch: Bool?
        /// A latched HALTED (as after ACCOUNT_DRAWDOWN_HALT); nil = not latched.
        public var haltLatched: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case equityUSD = "equity_usd", peakEquityUSD = "peak_equity_usd", dayStartEquityUSD = "day_start_equity_usd"
            case tradingState = "trading_state", killSwitch = "kill_switch", haltLatched = "halt_latched"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            equityUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .equityUSD)
            peakEquityUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .peakEquityUSD)
            dayStartEquityUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .dayStartEquityUSD)
            tradingState = try c.decodeIfPresent(String.self, forKey: .tradingState)
            killSwitch = try c.decodeIfPresent(Bool.self, forKey: .killSwitch)
            haltLatched = try c.decodeIfPresent(Bool.self, forKey: .haltLatched)
        }
    }

    /// One entry of `marks`: a symbol's price at an event time.
    public struct Mark: Decodable, Sendable {
        /// A symbol of the config.
        public var symbol: String
        /// Price, USD per unit (> 0).
        public var price: Double
        /// Event time of the price, ns since the Unix epoch (> 0).
        public var tsNs: Int64

        enum CodingKeys: String, CodingKey, CaseIterable {
            case symbol, price, tsNs = "ts_ns"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            symbol = try c.decode(String.self, forKey: .symbol)
            price = try c.decodeRepresentableNumber(Double.self, forKey: .price)
            tsNs = try c.decodeRepresentableNumber(Int64.self, forKey: .tsNs)
        }
    }

    /// One entry of `positions`: a strategy's filled position in a symbol.
    public struct Position: Decodable, Sendable {
        /// A strategy of the config.
        public var strategy: String
        /// One of that strategy's symbols.
        public var symbol: String
        /// Signed units: > 0 long, < 0 short (not 0).
        public var quantity: Double
        /// Average entry price, USD per unit (> 0).
        public var averagePrice: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case strategy, symbol, quantity, averagePrice = "average_price"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            strategy = try c.decode(String.self, forKey: .strategy)
            symbol = try c.decode(String.self, forKey: .symbol)
            quantity = try c.decodeRepresentableNumber(Double.self, forKey: .quantity)
            averagePrice = try c.decodeRepresentableNumber(Double.self, forKey: .averagePrice)
        }
    }

    /// One entry of `strategies`: a strategy's running figures.
    public struct StrategyStats: Decodable, Sendable {
        /// A strategy of the config.
        public var name: String
        /// Realized PnL after fees since start, USD; nil = 0.
        public var realizedUSD: Double?
        /// High-water mark of the strategy's equity, USD; nil = its equity now.
        public var peakEquityUSD: Double?
        /// The strategy's equity at the start of the UTC day, USD; nil = its equity now.
        public var dayStartEquityUSD: Double?
        /// Consecutive losing round trips (Cooldown); nil = 0.
        public var consecutiveLosses: Int?
        /// Risk-increasing intents approved today; nil = 0.
        public var tradesToday: Int?
        /// Round trips closed in the decay window.
        public var closedTrades: [ClosedTrade]
        /// Forces the decay detector's pause on or off; nil = as the closed trades imply.
        public var paused: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, realizedUSD = "realized_usd", peakEquityUSD = "peak_equity_usd"
            case dayStartEquityUSD = "day_start_equity_usd", consecutiveLosses = "consecutive_losses"
            case tradesToday = "trades_today", closedTrades = "closed_trades", paused
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            realizedUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .realizedUSD)
            peakEquityUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .peakEquityUSD)
            dayStartEquityUSD = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .dayStartEquityUSD)
            consecutiveLosses = try c.decodeRepresentableNumberIfPresent(Int.self, forKey: .consecutiveLosses)
            tradesToday = try c.decodeRepresentableNumberIfPresent(Int.self, forKey: .tradesToday)
            closedTrades = try c.decodeIfPresent([ClosedTrade].self, forKey: .closedTrades) ?? []
            paused = try c.decodeIfPresent(Bool.self, forKey: .paused)
        }
    }

    /// One entry of `strategies[].closed_trades`.
    public struct ClosedTrade: Decodable, Sendable {
        /// Event time the round trip closed, ns since the Unix epoch.
        public var closedAtNs: Int64
        /// Its PnL after fees as a percentage of its largest notional (−1.2 = −1.2 %).
        public var pnlPct: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case closedAtNs = "closed_at_ns", pnlPct = "pnl_pct"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            closedAtNs = try c.decodeRepresentableNumber(Int64.self, forKey: .closedAtNs)
            pnlPct = try c.decodeRepresentableNumber(Double.self, forKey: .pnlPct)
        }
    }

    /// One entry of `clusters`: symbols whose summed live gross is capped together.
    public struct Cluster: Decodable, Sendable {
        /// Name (not empty).
        public var name: String
        /// At least two symbols of the config.
        public var symbols: [String]
        /// Cap on the members' summed live gross, percent of equity, in (0, 100].
        public var maxPctOfEquity: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, symbols, maxPctOfEquity = "max_pct_of_equity"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            symbols = try c.decode([String].self, forKey: .symbols)
            maxPctOfEquity = try c.decodeRepresentableNumber(Double.self, forKey: .maxPctOfEquity)
        }
    }

    /// One entry of `intents`: an order intent as a strategy would submit it.
    public struct Intent: Decodable, Sendable {
        /// A strategy of the config.
        public var strategy: String
        /// One of that strategy's symbols.
        public var symbol: String
        /// `buy` or `sell`.
        public var side: String
        /// Units (> 0).
        public var quantity: Double
        /// `market` or `limit`; default `market`.
        public var type: String
        /// Limit price, USD (> 0 for `limit`; 0 or absent for `market`).
        public var limitPrice: Double
        /// Protective stop, USD; 0 or absent = none (a risk-increasing intent then REJECTs STOP_LOSS_REQUIRED).
        public var stopLossPrice: Double
        /// The intent may only shrink the position; default false.
        public var reduceOnly: Bool
        /// The strategy's client id (>= 1, strictly increasing per strategy); nil = index + 1.
        public var clientID: Int64?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case strategy, symbol, side, quantity, type, limitPrice = "limit_price"
            case stopLossPrice = "stop_loss_price", reduceOnly = "reduce_only", clientID = "client_id"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            strategy = try c.decode(String.self, forKey: .strategy)
            symbol = try c.decode(String.self, forKey: .symbol)
            side = try c.decode(String.self, forKey: .side)
            quantity = try c.decodeRepresentableNumber(Double.self, forKey: .quantity)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "market"
            limitPrice = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .limitPrice) ?? 0
            stopLossPrice = try c.decodeRepresentableNumberIfPresent(Double.self, forKey: .stopLossPrice) ?? 0
            reduceOnly = try c.decodeIfPresent(Bool.self, forKey: .reduceOnly) ?? false
            clientID = try c.decodeRepresentableNumberIfPresent(Int64.self, forKey: .clientID)
        }
    }
}

extension WhatIf {
    /// The debug description of a type mismatch for a number JSONDecoder could not represent.
    static let unrepresentableNumber = "number not representable"

    /// A number or null, for `returns`: decoded so a number Foundation cannot represent is reported at its path.
    struct OptionalNumber: Decodable {
        var value: Double?

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { value = nil; return }
            do {
                value = try single.decode(Double.self)
            } catch let error as DecodingError {
                throw error
            } catch {
                throw DecodingError.typeMismatch(
                    Double.self, .init(codingPath: decoder.codingPath, debugDescription: WhatIf.unrepresentableNumber, underlyingError: error))
            }
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a number. JSONDecoder reports a number it cannot represent as the type asked for
    /// (`1.5` or `1e20` for an integer, `1e400`) as malformed JSON without a path; this reports it
    /// as a type mismatch at its key instead.
    func decodeRepresentableNumber<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        do {
            return try decode(T.self, forKey: key)
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath + [key], debugDescription: WhatIf.unrepresentableNumber, underlyingError: error))
        }
    }

    /// `decodeRepresentableNumber` for an optional key.
    func decodeRepresentableNumberIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeRepresentableNumber(T.self, forKey: key)
    }
}
