import Host
import Engine
import Foundation
import Journal
import Risk

/// What a host restarted on a journal would resume from: the journal's last state snapshot, in
/// operator terms (`gatehouse state`). Read-only; safe beside a running host.
public struct JournalStateReport: Codable, Sendable {
    public struct Account: Codable, Sendable {
        /// USD. Equity includes unrealized PnL at the snapshot's marks.
        public var equityUSD, peakEquityUSD, dayStartEquityUSD, liveGrossUSD: Double
        /// % from peak, and % lost since the UTC day's start.
        public var drawdownPct, dailyLossPct: Double
        /// ACTIVE, REDUCING or HALTED; the halt latch's reason code when latched.
        public var tradingState: String
        public var killSwitch: Bool
        public var haltLatch: String?
    }

    public struct Strategy: Codable, Sendable {
        public var name: String
        public var mode: String
        /// USD, after fees.
        public var realizedUSD, unrealizedUSD: Double
        public var openPositions, tradesToday, consecutiveLosses: Int
        /// Paused by the DecayDetector (until an operator resumes it).
        public var decayPaused: Bool
    }

    public struct Position: Codable, Sendable {
        public var strategy, symbol: String
        /// Signed units; USD per unit.
        public var quantity, averagePrice, mark: Double
        /// Units approved and not yet filled, per side.
        public var pendingBuy, pendingSell: Double
    }

    public struct RestingOrder: Codable, Sendable {
        public var orderID: UInt64
        public var strategy, symbol, side, orderType: String
        public var quantity, limitPrice: Double
    }

    public var journal: String
    /// The snapshot's sequence number, why it was written (`start`, `recovered`, `periodic`,
    /// `event` or `stop`), its event time.
    public var snapshotSeq: Int64
    public var snapshotReason: String
    public var eventTimeNs: Int64
    /// The journal's last sequence number: equal to `snapshotSeq` unless a host is running on it
    /// or a run's start record follows.
    public var journalLastSeq: Int64
    public var nextDecisionID: UInt64
    public var account: Account
    public var strategies: [Strategy]
    public var positions: [Position]
    public var restingOrders: [RestingOrder]

    /// Reads the last snapshot of `journal`; an error names what is missing or unreadable.
    public static func make(journal: String) throws -> JournalStateReport {
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        guard let last = try reader.lastSnapshot() else {
            throw RecoveryError(description: "\(journal) holds no state snapshot: a host started on it begins from its configuration")
        }
        let state = try EngineState.decode(format: last.record.format, text: last.record.state, bytes: last.record.encoded)
        let book = state.risk.book
        let controls = state.risk.controls
        var strategies: [Strategy] = []
        var positions: [Position] = []
        for (index, name) in state.strategies.enumerated() {
            let id = UInt32(index + 1)
            let account = book.strategy(id)
            strategies.append(Strategy(
                name: name, mode: account.mode == .live ? "live" : "shadow", realizedUSD: account.realizedUSD,
                unrealizedUSD: book.unrealizedUSD(strategy: id), openPositions: account.openPositions,
                tradesToday: account.tradesToday, consecutiveLosses: account.consecutiveLosses,
                decayPaused: state.risk.decayPaused[index]))
            for (symbolIndex, symbol) in state.symbols.enumerated() {
                let symbolID = UInt32(symbolIndex + 1)
                guard book.isOpen(strategy: id, symbol: symbolID) else { continue }
                let pending = book.pendingOrders(strategy: id, symbol: symbolID)
                positions.append(Position(
                    strategy: name, symbol: symbol, quantity: book.position(strategy: id, symbol: symbolID),
                    averagePrice: book.averagePrice(strategy: id, symbol: symbolID), mark: book.mark(symbolID),
                    pendingBuy: pending.buy, pendingSell: pending.sell))
            }
        }
        var resting: [Order] = state.paper.openOrders.flatMap { $0 }
        resting.sort { $0.orderID < $1.orderID }
        var orders: [RestingOrder] = []
        for order in resting {
            let side = order.side == .buy ? "buy" : "sell"
            let type = order.orderType == .limit ? "limit" : "market"
            orders.append(RestingOrder(
                orderID: order.orderID, strategy: state.strategies[Int(order.strategyID) - 1],
                symbol: state.symbols[Int(order.symbolID) - 1], side: side, orderType: type,
                quantity: order.quantity, limitPrice: order.limitPrice))
        }
        return JournalStateReport(
            journal: journal, snapshotSeq: last.seq, snapshotReason: last.record.reason, eventTimeNs: book.clockNs,
            journalLastSeq: try reader.lastSeq(), nextDecisionID: state.nextDecisionID,
            account: Account(
                equityUSD: book.equityUSD, peakEquityUSD: book.peakEquityUSD, dayStartEquityUSD: book.dayStartEquityUSD,
                liveGrossUSD: book.liveGrossUSD, drawdownPct: book.drawdownPct, dailyLossPct: book.dailyLossPct,
                tradingState: controls.effectiveState.rawValue, killSwitch: controls.killSwitch,
                haltLatch: controls.haltLatch.map { "\($0)" }),
            strategies: strategies, positions: positions, restingOrders: orders)
    }
}
