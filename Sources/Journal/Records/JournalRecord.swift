/// One audit record, as the host hands it to the journal. Each kind is one table (see
/// docs/journal.md). Records are plain values with names *and* ids and codes as strings, so the
/// journal reads without the host's code; the host builds them off the decision path.
///
/// Every record carries two timestamps, both integer nanoseconds since the Unix epoch (UTC):
/// `eventTimeNs`, the host's event time (taken from market data, what the risk rules run on), and
/// `wallTimeNs`, the wall clock when the host made the record. The journal adds the third
/// coordinate, `seq`, when the record is appended.
public enum JournalRecord: Sendable, Equatable {
    case intent(IntentRecord)
    /// A decision, with its per-stage trace.
    case decision(DecisionRecord)
    case order(OrderRecord)
    case fill(FillRecord)
    /// A change of trading state, pause, kill switch or latch.
    case stateChange(StateChangeRecord)
    case operatorAction(OperatorActionRecord)
    case breach(BreachRecord)
    /// The host's recoverable state after an event (table `snapshots`).
    case snapshot(SnapshotRecord)
    /// The ticks the host applied since the previous block (table `market_ticks`, schema 4).
    case marketTicks(MarketTicksRecord)

    /// The kinds of record, one table each.
    public enum Kind: String, Sendable, CaseIterable {
        case intent, decision, order, fill, stateChange, operatorAction, breach, snapshot, marketTicks

        /// The table holding this kind.
        public var table: String {
            switch self {
            case .intent: "intents"
            case .decision: "decisions"
            case .order: "orders"
            case .fill: "fills"
            case .stateChange: "state_changes"
            case .operatorAction: "operator_actions"
            case .breach: "breaches"
            case .snapshot: "snapshots"
            case .marketTicks: "market_ticks"
            }
        }

        /// The schema version that created this kind's table: a file of an older version has no
        /// such table, and readers treat it as empty.
        public var sinceVersion: Int32 {
            switch self {
            case .snapshot: 2
            case .marketTicks: 4
            default: 1
            }
        }
    }

    /// The record's kind.
    public var kind: Kind {
        switch self {
        case .intent: .intent
        case .decision: .decision
        case .order: .order
        case .fill: .fill
        case .stateChange: .stateChange
        case .operatorAction: .operatorAction
        case .breach: .breach
        case .snapshot: .snapshot
        case .marketTicks: .marketTicks
        }
    }

    /// Event time, ns since the Unix epoch.
    public var eventTimeNs: Int64 {
        switch self {
        case .intent(let r): r.eventTimeNs
        case .decision(let r): r.eventTimeNs
        case .order(let r): r.eventTimeNs
        case .fill(let r): r.eventTimeNs
        case .stateChange(let r): r.eventTimeNs
        case .operatorAction(let r): r.eventTimeNs
        case .breach(let r): r.eventTimeNs
        case .snapshot(let r): r.eventTimeNs
        case .marketTicks(let r): r.eventTimeNs
        }
    }

    /// Wall time, ns since the Unix epoch.
    public var wallTimeNs: Int64 {
        switch self {
        case .intent(let r): r.wallTimeNs
        case .decision(let r): r.wallTimeNs
        case .order(let r): r.wallTimeNs
        case .fill(let r): r.wallTimeNs
        case .stateChange(let r): r.wallTimeNs
        case .operatorAction(let r): r.wallTimeNs
        case .breach(let r): r.wallTimeNs
        case .snapshot(let r): r.wallTimeNs
        case .marketTicks(let r): r.wallTimeNs
        }
    }
}

/// A record with the sequence number the journal gave it. `seq` is journal-wide (one counter for
/// every table), starts at 1, and has no gaps in the file: it is assigned in append order.
public struct JournalEntry: Sendable, Equatable {
    public var seq: Int64
    public var record: JournalRecord

    public init(seq: Int64, record: JournalRecord) {
        self.seq = seq
        self.record = record
    }
}

/// An order intent as a strategy submitted it (table `intents`).
public struct IntentRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// The id of the decision made on this intent.
    public var decisionID: UInt64
    public var strategy: String
    /// The host's interned id of the strategy (valid within one run).
    public var strategyID: UInt32
    /// The strategy's own id for the intent.
    public var clientID: UInt64
    public var symbol: String
    /// The host's interned id of the symbol (valid within one run).
    public var symbolID: UInt32
    /// `BUY` or `SELL`.
    public var side: String
    /// Units of the instrument.
    public var quantity: Double
    /// `MARKET` or `LIMIT`.
    public var orderType: String
    /// USD per unit; 0 for a market order.
    public var limitPrice: Double
    /// USD per unit; 0 when none was given.
    public var stopLossPrice: Double
    public var reduceOnly: Bool
    /// Who made it: `strategy` (the strategy's plugin) or `risk_unwind` (the host, flattening
    /// after a drawdown breach; client id 0).
    public var origin: String

    /// `origin` of an intent a strategy's plugin submitted.
    public static let strategyOrigin = "strategy"
    /// `origin` of an intent the host made during a breach unwind.
    public static let riskUnwindOrigin = "risk_unwind"

    public init(eventTimeNs: Int64, wallTimeNs: Int64, decisionID: UInt64, strategy: String, strategyID: UInt32,
                clientID: UInt64, symbol: String, symbolID: UInt32, side: String, quantity: Double, orderType: String,
                limitPrice: Double, stopLossPrice: Double, reduceOnly: Bool, origin: String = IntentRecord.strategyOrigin) {
        self.origin = origin
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.decisionID = decisionID
        self.strategy = strategy
        self.strategyID = strategyID
        self.clientID = clientID
        self.symbol = symbol
        self.symbolID = symbolID
        self.side = side
        self.quantity = quantity
        self.orderType = orderType
        self.limitPrice = limitPrice
        self.stopLossPrice = stopLossPrice
        self.reduceOnly = reduceOnly
    }
}

/// The risk chain's decision on an intent, with what each stage did (tables `decisions` and
/// `decision_stages`).
public struct DecisionRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    public var decisionID: UInt64
    public var strategy: String
    public var strategyID: UInt32
    public var clientID: UInt64
    public var symbol: String
    public var symbolID: UInt32
    /// `APPROVE`, `RESHAPE` or `REJECT`.
    public var verdict: String
    /// The primary reason code, e.g. `NONE`, `AGGREGATE_NOTIONAL_RESHAPE`.
    public var reason: String
    /// Units asked for.
    public var requestedQuantity: Double
    /// Units let through (0 on reject).
    public var finalQuantity: Double
    /// The per-stage trace, in chain order (stored with `position` 0, 1, …).
    public var stages: [StageRecord]

    public init(eventTimeNs: Int64, wallTimeNs: Int64, decisionID: UInt64, strategy: String, strategyID: UInt32,
                clientID: UInt64, symbol: String, symbolID: UInt32, verdict: String, reason: String,
                requestedQuantity: Double, finalQuantity: Double, stages: [StageRecord]) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.decisionID = decisionID
        self.strategy = strategy
        self.strategyID = strategyID
        self.clientID = clientID
        self.symbol = symbol
        self.symbolID = symbolID
        self.verdict = verdict
        self.reason = reason
        self.requestedQuantity = requestedQuantity
        self.finalQuantity = finalQuantity
        self.stages = stages
    }
}

/// What one stage of the chain did to an intent (one row of `decision_stages`).
public struct StageRecord: Sendable, Equatable {
    /// The stage's name, e.g. `PortfolioGuard`.
    public var stage: String
    /// Its reason code, `NONE` when it let the intent through unchanged.
    public var code: String
    /// `HARD_REJECT`, `RESHAPE`, `WARN` or `INFO`.
    public var severity: String
    /// Units the stage was given.
    public var quantityIn: Double
    /// Units the stage let through.
    public var quantityOut: Double
    /// Sizing factor applied (1 when the stage did not scale).
    public var factor: Double
    /// The rendered `key=value` details, e.g. `cap_usd=50000 used_usd=38000`; empty when none.
    public var detail: String

    public init(stage: String, code: String, severity: String, quantityIn: Double, quantityOut: Double,
                factor: Double, detail: String) {
        self.stage = stage
        self.code = code
        self.severity = severity
        self.quantityIn = quantityIn
        self.quantityOut = quantityOut
        self.factor = factor
        self.detail = detail
    }
}

/// An order the host passed to execution, or a later change of its status (table `orders`).
public struct OrderRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    public var orderID: UInt64
    /// The decision that approved it.
    public var decisionID: UInt64
    public var strategy: String
    public var strategyID: UInt32
    /// The id the order carries to the venue (text: venues choose their own formats).
    public var clientOrderID: String
    public var symbol: String
    public var symbolID: UInt32
    /// `BUY` or `SELL`.
    public var side: String
    /// Units.
    public var quantity: Double
    /// `MARKET` or `LIMIT`.
    public var orderType: String
    /// USD per unit; 0 for a market order.
    public var limitPrice: Double
    /// USD per unit; 0 when none.
    public var stopLossPrice: Double
    public var reduceOnly: Bool
    /// `LIVE` or `SHADOW` (shadow orders are never sent).
    public var mode: String
    /// The order's status as of this record, e.g. `SUBMITTED`, `ACCEPTED`, `CANCELLED`, `FILLED`.
    public var status: String

    public init(eventTimeNs: Int64, wallTimeNs: Int64, orderID: UInt64, decisionID: UInt64, strategy: String,
                strategyID: UInt32, clientOrderID: String, symbol: String, symbolID: UInt32, side: String,
                quantity: Double, orderType: String, limitPrice: Double, stopLossPrice: Double, reduceOnly: Bool,
                mode: String, status: String) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.orderID = orderID
        self.decisionID = decisionID
        self.strategy = strategy
        self.strategyID = strategyID
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.symbolID = symbolID
        self.side = side
        self.quantity = quantity
        self.orderType = orderType
        self.limitPrice = limitPrice
        self.stopLossPrice = stopLossPrice
        self.reduceOnly = reduceOnly
        self.mode = mode
        self.status = status
    }
}

/// A fill of an order, real or (in shadow mode) hypothetical (table `fills`).
public struct FillRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    public var fillID: UInt64
    public var orderID: UInt64
    public var strategy: String
    public var strategyID: UInt32
    public var symbol: String
    public var symbolID: UInt32
    /// `BUY` or `SELL`.
    public var side: String
    /// Units filled.
    public var quantity: Double
    /// USD per unit.
    public var price: Double
    /// Fee in USD (negative for a rebate).
    public var feeUSD: Double
    /// `MAKER` or `TAKER`; nil when the venue did not say.
    public var liquidity: String?
    /// `LIVE` or `SHADOW`.
    public var mode: String

    public init(eventTimeNs: Int64, wallTimeNs: Int64, fillID: UInt64, orderID: UInt64, strategy: String,
                strategyID: UInt32, symbol: String, symbolID: UInt32, side: String, quantity: Double, price: Double,
                feeUSD: Double, liquidity: String?, mode: String) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.fillID = fillID
        self.orderID = orderID
        self.strategy = strategy
        self.strategyID = strategyID
        self.symbol = symbol
        self.symbolID = symbolID
        self.side = side
        self.quantity = quantity
        self.price = price
        self.feeUSD = feeUSD
        self.liquidity = liquidity
        self.mode = mode
    }
}

/// A change of the account's trading state, a strategy pause, the kill switch or a latch
/// (table `state_changes`).
public struct StateChangeRecord: Sendable, Equatable {
    /// `kind` of a trading state change (ACTIVE / REDUCING / HALTED), whatever caused it: one
    /// spelling, so a reader finds the dead man's halt with the drawdown latch's.
    public static let tradingState = "trading_state"
    /// `kind` of a strategy paused or resumed.
    public static let pause = "PAUSE"
    /// `kind` of the kill switch turned on or off.
    public static let killSwitch = "KILL_SWITCH"
    /// `kind` of a latch set or reset (e.g. the drawdown halt).
    public static let latch = "LATCH"
    /// `kind` of a strategy's mode changed (SHADOW → LIVE: promoted by an operator).
    public static let mode = "MODE"

    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// `trading_state`, `PAUSE`, `KILL_SWITCH`, `LATCH`, `MODE`, or what the host itself writes
    /// (`strategy_pause`, `daily_loss`, `deadman`, `alert`, `unwind`, `host`; docs/journal.md).
    public var kind: String
    /// What changed: `account`, or a strategy's name.
    public var subject: String
    /// State before, e.g. `ACTIVE`, `OFF`, `RUNNING`.
    public var fromState: String
    /// State after, e.g. `HALTED`, `ON`, `PAUSED`.
    public var toState: String
    /// Why: a reason code (`ACCOUNT_DRAWDOWN_HALT`) or `OPERATOR`.
    public var reason: String
    /// The measured value that caused it (e.g. drawdown %), nil when none.
    public var value: Double?
    /// The limit it was compared with (e.g. halt %), nil when none.
    public var limitValue: Double?

    public init(eventTimeNs: Int64, wallTimeNs: Int64, kind: String, subject: String, fromState: String,
                toState: String, reason: String, value: Double?, limitValue: Double?) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.kind = kind
        self.subject = subject
        self.fromState = fromState
        self.toState = toState
        self.reason = reason
        self.value = value
        self.limitValue = limitValue
    }
}

/// Something an operator did, with their reason (table `operator_actions`).
public struct OperatorActionRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// E.g. `KILL_SWITCH_ON`, `RESET_HALT`, `RESUME_STRATEGY`, `SET_TRADING_STATE`.
    public var action: String
    /// What it acted on: `account`, or a strategy's name.
    public var subject: String
    /// Who: the operator's name or the control client's identity.
    public var actor: String
    /// The reason the operator gave.
    public var reason: String
    /// Anything else, as `key=value` text; empty when none.
    public var detail: String

    public init(eventTimeNs: Int64, wallTimeNs: Int64, action: String, subject: String, actor: String,
                reason: String, detail: String) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.action = action
        self.subject = subject
        self.actor = actor
        self.reason = reason
        self.detail = detail
    }
}

/// A limit found breached (table `breaches`).
public struct BreachRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// The rule's reason code, e.g. `ACCOUNT_DAILY_LOSS`.
    public var rule: String
    /// `account`, or a strategy's name.
    public var subject: String
    /// The measured value (unit as the rule's, e.g. %).
    public var value: Double
    /// The limit it reached.
    public var limitValue: Double
    /// The rendered `key=value` details.
    public var detail: String

    public init(eventTimeNs: Int64, wallTimeNs: Int64, rule: String, subject: String, value: Double,
                limitValue: Double, detail: String) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.rule = rule
        self.subject = subject
        self.value = value
        self.limitValue = limitValue
        self.detail = detail
    }
}

/// The host's recoverable state after one event (table `snapshots`): what a restarted host
/// rebuilds itself from. Written in the same transaction as the records of the event it follows,
/// so the last committed snapshot always describes a whole event.
public struct SnapshotRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// The encoding of the state: `gatehouse-state-v5+bin` (in `encoded`; `-v4+bin` before the operator's limits, `-v3+bin`
    /// before the watchdog's pauses, `-v2+bin`
    /// before the Firewall's order flow) or, in journals
    /// written before it, `gatehouse-state-v1+json` (in `state`).
    public var format: String
    /// Why it was written (docs/journal.md, `snapshots`): `start`, `recovered`, `periodic`,
    /// `event` or `stop`.
    public var reason: String
    /// The state as text, for a text format (JSON); empty for a binary one.
    public var state: String
    /// The state as bytes, for a binary format (column `state_bin`); empty for a text one.
    public var encoded: [UInt8]

    public init(eventTimeNs: Int64, wallTimeNs: Int64, format: String, reason: String, state: String = "", encoded: [UInt8] = []) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.format = format
        self.reason = reason
        self.state = state
        self.encoded = encoded
    }
}
