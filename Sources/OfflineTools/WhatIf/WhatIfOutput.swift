import Host
import Risk

extension WhatIf {
    /// The decision on one intent of a `gatehouse decide` input, with what every stage did to it
    /// and the account right after it. Encodes to JSON with snake_case keys (docs/what-if.md).
    public struct Output: Encodable, Sendable, Equatable {
        /// Zero-based position of the intent in `intents`.
        public var index: Int
        /// The decision id: `index + 1`.
        public var decisionID: UInt64
        /// The intent's strategy, symbol, side (`buy`/`sell`) and client id.
        public var strategy: String
        public var symbol: String
        public var side: String
        public var clientID: UInt64
        /// `APPROVE`, `RESHAPE` or `REJECT`.
        public var verdict: String
        /// Units asked for and let through (0 on REJECT).
        public var requestedQuantity: Double
        public var finalQuantity: Double
        /// Price the intent was valued at, USD: its limit price for a limit intent, else the
        /// symbol's mark (0 when the symbol has no mark).
        public var valuationPrice: Double
        /// `final_quantity × valuation_price`, USD.
        public var finalNotionalUSD: Double
        /// The primary reason code (`NONE` on a clean approval).
        public var reason: String
        /// The primary reason with its details, as the trace renders it, e.g.
        /// `AGGREGATE_NOTIONAL_RESHAPE: cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000`;
        /// just the code when it has no details (`NONE` on a clean approval).
        public var reasonDetail: String
        /// Every trace note whose code is not `NONE`, in stage order.
        public var reasons: [Reason]
        /// What each stage did, in order.
        public var trace: [Step]
        /// The account after this decision (the approval is booked as pending).
        public var accountAfter: AccountAfter
        /// The checks the scenario could not evaluate, when the decision let new risk through
        /// (the host could refuse or cut it for them); empty otherwise.
        public var unchecked: [Unchecked] = []

        enum CodingKeys: String, CodingKey {
            case index, decisionID = "decision_id", strategy, symbol, side, clientID = "client_id", verdict
            case requestedQuantity = "requested_quantity", finalQuantity = "final_quantity"
            case valuationPrice = "valuation_price", finalNotionalUSD = "final_notional_usd"
            case reason, reasonDetail = "reason_detail", reasons, trace, accountAfter = "account_after", unchecked
        }

        /// A check the scenario could not evaluate.
        public struct Unchecked: Encodable, Sendable, Equatable {
            /// The reason code it would give (`PENDING_ORDERS`: the budgets' resting orders).
            public var check: String
            /// What the scenario lacks for it.
            public var why: String
        }

        /// A reason a stage gave.
        public struct Reason: Encodable, Sendable, Equatable {
            /// SCREAMING_SNAKE code name.
            public var code: String
            /// `HARD_REJECT`, `RESHAPE`, `WARN` or `INFO`.
            public var severity: String
            /// The stage that gave it, e.g. `PortfolioGuard`.
            public var stage: String
            /// Its details as `key=value` pairs (empty when the code has none).
            public var detail: String
        }

        /// One stage's note.
        public struct Step: Encodable, Sendable, Equatable {
            /// `Firewall`, `PortfolioGuard`, `CorrelationSizer`, `Cooldown`, `DecayDetector` or `ExecutionAdapter`.
            public var stage: String
            /// Units the stage was given and let through.
            public var quantityIn: Double
            public var quantityOut: Double
            /// Sizing factor applied to the risk-increasing part (1 when it did not scale).
            public var factor: Double
            /// Reason code (`NONE` when the stage let the intent through unchanged).
            public var code: String
            /// Details as `key=value` pairs (empty when the code has none).
            public var detail: String

            enum CodingKeys: String, CodingKey {
                case stage, quantityIn = "quantity_in", quantityOut = "quantity_out", factor, code, detail
            }
        }

        /// The account after the decision.
        public struct AccountAfter: Encodable, Sendable, Equatable {
            /// Account equity, USD.
            public var equityUSD: Double
            /// Live gross notional including approved-but-unfilled orders, USD.
            public var liveGrossUSD: Double
            /// The state in force: `ACTIVE`, `REDUCING` or `HALTED`.
            public var tradingState: String

            enum CodingKeys: String, CodingKey {
                case equityUSD = "equity_usd", liveGrossUSD = "live_gross_usd", tradingState = "trading_state"
            }
        }
    }
}

extension WhatIf.Output {
    /// The output for `decision` on `intent`, from the chain's state right after deciding it.
    init(index: Int, decision: Decision, intent: OrderIntent, strategy: String, symbol: String, chain: RiskChain) {
        let price = intent.orderType == .limit ? intent.limitPrice : chain.book.mark(intent.symbolID)
        self.index = index
        decisionID = decision.decisionID
        self.strategy = strategy
        self.symbol = symbol
        side = intent.side == .buy ? "buy" : "sell"
        clientID = decision.clientID
        verdict = decision.verdict.description
        requestedQuantity = decision.requestedQuantity
        finalQuantity = decision.finalQuantity
        valuationPrice = price
        finalNotionalUSD = decision.finalQuantity * price
        reason = decision.reason.description
        reasonDetail = chain.trace.first { $0.code == decision.reason }?.rendered ?? decision.reason.description
        reasons = chain.trace.filter { $0.code != .none }.map {
            Reason(code: $0.code.description, severity: $0.code.severity.rawValue, stage: $0.stage.description,
                   detail: $0.renderedDetail)
        }
        trace = chain.trace.map {
            Step(stage: $0.stage.description, quantityIn: $0.quantityIn, quantityOut: $0.quantityOut, factor: $0.factor,
                 code: $0.code.description, detail: $0.renderedDetail)
        }
        accountAfter = AccountAfter(equityUSD: chain.book.equityUSD, liveGrossUSD: chain.book.liveGrossUSD,
                                    tradingState: chain.controls.effectiveState.rawValue)
    }
}
