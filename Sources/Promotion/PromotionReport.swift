import Engine
import Foundation
import Journal
import Risk

/// A strategy's shadow record read from the journal, measured against the promotion criteria
/// (`gatehouse promote`).
///
/// - Decisions: every decision journaled for the strategy (verdicts and reasons).
/// - Trades: round trips rebuilt from its shadow fills, in journal order, through the same
///   `PortfolioBook` the risk chain uses (average price, fees, crossing through zero).
/// - Days in shadow: event time from its first to its last journaled decision or fill.
/// - Sharpe: per-trade PnL % (of the largest notional of the round trip), mean over sample
///   standard deviation, × √(trades per year) with trades per year scaled from the days in shadow.
/// - Max drawdown: of the strategy's realized equity (allocated capital + realized PnL after
///   fees) after each closed trade, percent of its running peak.
public struct PromotionReport: Codable, Sendable {
    /// One criterion measured (the same value the stream's `promotion` event carries).
    public typealias Criterion = PromotionCriterion

    public var strategy: String
    public var journal: String
    public var daysInShadow: Double
    public var decisions: Int
    public var trades: Int
    public var winRatePct: Double
    public var realizedPnLUSD: Double
    public var annualizedSharpe: Double?
    public var maxDrawdownPct: Double
    public var rejectRatePct: Double
    public var reshapeRatePct: Double
    /// Decisions by verdict and by reason (rates in percent of all the strategy's decisions).
    public var verdicts: [String: Int]
    public var rejectReasonsPct: [String: Double]
    public var reshapeReasonsPct: [String: Double]
    public var criteria: [Criterion]

    /// Whether every criterion passed.
    public var passed: Bool { criteria.allSatisfy(\.passed) }

    /// Why a report could not be made.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Reads the record of the strategy named `name`, allocated `allocatedCapitalUSD`, from the
    /// journal at `path` and checks it against `criteria`.
    public static func make(strategy name: String, allocatedCapitalUSD: Double, journal path: String,
                            criteria: PromotionConfig) throws -> PromotionReport {
        let reader: JournalReader
        do { reader = try JournalReader(path: path) } catch { throw Failure(description: "\(error)") }
        defer { reader.close() }
        let decisions: [DecisionRecord]
        let fills: [FillRecord]
        do {
            // Only this strategy's rows, through the journal's per-strategy indices.
            (decisions, fills) = try reader.record(ofStrategy: name, fillMode: "shadow")
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
        guard !decisions.isEmpty || !fills.isEmpty else {
            throw Failure(description: "\(path): no record of strategy '\(name)' in this journal")
        }

        // Round trips, through the risk chain's own book.
        var symbolIDs: [String: UInt32] = [:]
        for fill in fills where symbolIDs[fill.symbol] == nil { symbolIDs[fill.symbol] = UInt32(symbolIDs.count + 1) }
        var book = PortfolioBook(startingEquityUSD: allocatedCapitalUSD,
                                 strategies: [(mode: .shadow, allocatedCapitalUSD: allocatedCapitalUSD)],
                                 symbolCount: max(1, symbolIDs.count))
        var trades: [ClosedTrade] = []
        var peak = allocatedCapitalUSD, maxDrawdown = 0.0
        for fill in fills {
            let closed = book.applyFill(strategy: 1, symbol: symbolIDs[fill.symbol]!, side: fill.side == "buy" ? .buy : .sell,
                                        quantity: fill.quantity, price: fill.price, feeUSD: fill.feeUSD, at: fill.eventTimeNs)
            guard let closed else { continue }
            trades.append(closed)
            let equity = allocatedCapitalUSD + book.strategy(1).realizedUSD
            peak = max(peak, equity)
            maxDrawdown = max(maxDrawdown, peak > 0 ? (peak - equity) / peak * 100 : 0)
        }

        let times = decisions.map(\.eventTimeNs) + fills.map(\.eventTimeNs)
        let days = Double((times.max() ?? 0) - (times.min() ?? 0)) / 86_400e9
        let returns = trades.map(\.pnlPct)
        var sharpe: Double?
        if returns.count >= 2 {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
            let tradesPerYear = Double(returns.count) / max(days, 1.0 / 24) * 365
            sharpe = variance > 0 ? mean / variance.squareRoot() * tradesPerYear.squareRoot() : nil
        }
        var verdicts: [String: Int] = [:]
        var rejectReasons: [String: Int] = [:], reshapeReasons: [String: Int] = [:]
        for decision in decisions {
            verdicts[decision.verdict, default: 0] += 1
            if decision.verdict == "REJECT" { rejectReasons[decision.reason, default: 0] += 1 }
            if decision.verdict == "RESHAPE" { reshapeReasons[decision.reason, default: 0] += 1 }
        }
        let total = Double(max(decisions.count, 1))
        func pct(_ count: Int) -> Double { Double(count) / total * 100 }
        let rejectRate = pct(verdicts["REJECT"] ?? 0)
        let wins = trades.filter { $0.pnlUSD > 0 }.count

        var results: [Criterion] = [
            Criterion(name: "min_days", value: days, threshold: criteria.minDays, comparison: ">=", passed: days >= criteria.minDays),
            Criterion(name: "min_trades", value: Double(trades.count), threshold: Double(criteria.minTrades), comparison: ">=",
                      passed: trades.count >= criteria.minTrades),
            Criterion(name: "min_sharpe", value: sharpe ?? .nan, threshold: criteria.minSharpe, comparison: ">=",
                      passed: (sharpe ?? -.infinity) >= criteria.minSharpe),
            Criterion(name: "max_drawdown_pct", value: maxDrawdown, threshold: criteria.maxDrawdownPct, comparison: "<=",
                      passed: maxDrawdown <= criteria.maxDrawdownPct),
            Criterion(name: "max_reject_rate_pct", value: rejectRate, threshold: criteria.maxRejectRatePct, comparison: "<=",
                      passed: rejectRate <= criteria.maxRejectRatePct),
        ]
        // JSON cannot carry NaN: an undefined Sharpe is reported as failing with value 0.
        for index in results.indices where results[index].value.isNaN { results[index].value = 0 }
        return PromotionReport(
            strategy: name, journal: path, daysInShadow: days, decisions: decisions.count, trades: trades.count,
            winRatePct: trades.isEmpty ? 0 : Double(wins) / Double(trades.count) * 100,
            realizedPnLUSD: book.strategy(1).realizedUSD, annualizedSharpe: sharpe, maxDrawdownPct: maxDrawdown,
            rejectRatePct: rejectRate, reshapeRatePct: pct(verdicts["RESHAPE"] ?? 0), verdicts: verdicts,
            rejectReasonsPct: rejectReasons.mapValues(pct), reshapeReasonsPct: reshapeReasons.mapValues(pct),
            criteria: results)
    }
}
