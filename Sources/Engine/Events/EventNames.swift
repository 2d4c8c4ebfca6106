import Risk

/// The names the engine's logs and the projections render ids with: strategies, symbols and clusters by id − 1
/// (index for clusters), fixed for a run.
package struct EventNames: Sendable {
    package var strategies: [String]
    package var symbols: [String]
    package var clusters: [String] = []

    package init(strategies: [String], symbols: [String], clusters: [String] = []) {
        self.strategies = strategies
        self.symbols = symbols
        self.clusters = clusters
    }

    /// The strategy's name, `?` for an id outside the run's.
    package func strategy(_ id: UInt32) -> String {
        id > 0 && Int(id) <= strategies.count ? strategies[Int(id) - 1] : "?"
    }

    /// The symbol's name, `?` for an id outside the run's.
    package func symbol(_ id: UInt32) -> String {
        id > 0 && Int(id) <= symbols.count ? symbols[Int(id) - 1] : "?"
    }

    /// The id an order is known by outside the host: `<strategy>-<decision id>`, unique for ever
    /// within a journal. The gateway is sent it; the journal and the stream record it.
    package func clientOrderID(of order: Order) -> String {
        "\(strategy(order.strategyID))-\(order.orderID)"
    }

    /// What an alert names the subject of a limit (`account`, a strategy, a symbol, a cluster).
    package func subject(_ subject: WatchedLimit.Subject) -> String {
        switch subject {
        case .account: "account"
        case .strategy(let id): strategy(id)
        case .symbol(let id): symbol(id)
        case .cluster(let index): index >= 0 && index < clusters.count ? clusters[index] : "?"
        }
    }

    /// How a latch the chain set is named: the state it moved (`kind`, `subject`, `from` → `to`)
    /// and the breach behind it (`rule`, `detail`). The journal's rows and the stream's messages
    /// are both made of it.
    package struct Latch {
        package var kind: String
        package var subject: String
        package var from: String
        package var to: String
        package var rule: String
        package var detail: String
    }

    package func latch(_ change: StateChange) -> Latch {
        let rule = change.reason.description
        switch change.kind {
        case .accountHalted:
            return Latch(kind: TransitionFact.Kind.tradingState.rawValue, subject: "account", from: "ACTIVE", to: "HALTED", rule: rule,
                         detail: "drawdown_pct=\(change.value) halt_pct=\(change.limit) latched=HALTED")
        case .strategyPaused(let id):
            let keys = switch change.reason {
            case .repeatedExecutions: ("fills", "window_s")
            case .callbackOverrun: ("overruns", "budget_ms")
            default: ("sharpe", "min_sharpe")
            }
            return Latch(kind: "strategy_pause", subject: strategy(id), from: "RUNNING", to: "PAUSED", rule: rule,
                         detail: "\(keys.0)=\(change.value) \(keys.1)=\(change.limit) paused_until=operator_resume")
        case .accountDailyLossHit, .strategyDailyLossHit:
            let subject = if case .strategyDailyLossHit(let id) = change.kind { strategy(id) } else { "account" }
            return Latch(kind: "daily_loss", subject: subject, from: "ACTIVE", to: "NO_NEW_RISK_TODAY", rule: rule,
                         detail: "loss_pct=\(change.value) limit_pct=\(change.limit) until=next_utc_day")
        }
    }

    /// `buy`, `sell`, or `?` for none.
    package static func side(_ side: Side?) -> String {
        switch side {
        case .buy: "buy"
        case .sell: "sell"
        case nil: "?"
        }
    }

    /// `market`, `limit`, or `?` for none.
    package static func orderType(_ type: OrderType?) -> String {
        switch type {
        case .market: "market"
        case .limit: "limit"
        case nil: "?"
        }
    }

    /// `live` or `shadow`.
    package static func mode(_ mode: BookMode) -> String { mode == .shadow ? "shadow" : "live" }
}
