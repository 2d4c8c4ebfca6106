import Engine
import Risk

/// The names the projections render ids with: strategies, symbols and clusters by id − 1
/// (index for clusters), fixed for a run.
struct EventNames: Sendable {
    var strategies: [String]
    var symbols: [String]
    var clusters: [String] = []

    /// The strategy's name, `?` for an id outside the run's.
    func strategy(_ id: UInt32) -> String {
        id > 0 && Int(id) <= strategies.count ? strategies[Int(id) - 1] : "?"
    }

    /// The symbol's name, `?` for an id outside the run's.
    func symbol(_ id: UInt32) -> String {
        id > 0 && Int(id) <= symbols.count ? symbols[Int(id) - 1] : "?"
    }

    /// What an alert names the subject of a limit (`account`, a strategy, a symbol, a cluster).
    func subject(_ subject: WatchedLimit.Subject) -> String {
        switch subject {
        case .account: "account"
        case .strategy(let id): strategy(id)
        case .symbol(let id): symbol(id)
        case .cluster(let index): index >= 0 && index < clusters.count ? clusters[index] : "?"
        }
    }

    /// `buy`, `sell`, or `?` for none.
    static func side(_ side: Side?) -> String {
        switch side {
        case .buy: "buy"
        case .sell: "sell"
        case nil: "?"
        }
    }

    /// `market`, `limit`, or `?` for none.
    static func orderType(_ type: OrderType?) -> String {
        switch type {
        case .market: "market"
        case .limit: "limit"
        case nil: "?"
        }
    }

    /// `live` or `shadow`.
    static func mode(_ mode: BookMode) -> String { mode == .shadow ? "shadow" : "live" }
}
