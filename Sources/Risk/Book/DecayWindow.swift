/// One strategy's closed trades of the last `windowNs` of event time, with running sums so the
/// Sharpe ratio is O(1) to read (eviction is amortised O(1) per trade).
public struct DecayWindow: Sendable, Codable, Equatable {
    public let windowNs: Int64
    var closedAt: [Int64] = []
    var pnlPct: [Double] = []
    var start = 0
    var sum = 0.0
    var sumOfSquares = 0.0

    public init(windowDays: Double) {
        windowNs = Int64(windowDays * 86_400 * 1e9)
    }

    /// Trades in the window.
    public var count: Int { closedAt.count - start }

    /// Adds a closed trade's PnL, percent of notional, closed at event time `ns`.
    public mutating func add(pnlPct value: Double, at ns: Int64) {
        closedAt.append(ns)
        pnlPct.append(value)
        sum += value
        sumOfSquares += value * value
        evict(before: ns)
    }

    /// Drops trades closed more than the window before `ns`.
    public mutating func evict(before ns: Int64) {
        while start < closedAt.count && closedAt[start] <= ns - windowNs {
            sum -= pnlPct[start]
            sumOfSquares -= pnlPct[start] * pnlPct[start]
            start += 1
        }
        // Compact now and then so the arrays do not grow without bound.
        if start > 1024 && start * 2 > closedAt.count {
            closedAt.removeFirst(start)
            pnlPct.removeFirst(start)
            start = 0
            sum = pnlPct.reduce(0, +)
            sumOfSquares = pnlPct.reduce(0) { $0 + $1 * $1 }
        }
    }

    /// Annualized Sharpe of per-trade PnL percentages: mean / sample standard deviation ×
    /// √(trades per year), where trades per year = trades in the window scaled from the window
    /// length to 365 days. nil with fewer than two trades. Zero spread gives ±infinity (or 0 for
    /// a zero mean).
    public var annualizedSharpe: Double? {
        let n = Double(count)
        guard n >= 2 else { return nil }
        let mean = sum / n
        let variance = max(0, (sumOfSquares - sum * sum / n) / (n - 1))
        let tradesPerYear = n * (365 * 86_400 * 1e9) / Double(windowNs)
        guard variance > 1e-18 else { return mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity) }
        return mean / variance.squareRoot() * tradesPerYear.squareRoot()
    }
}
