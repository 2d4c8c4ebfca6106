import Foundation

/// Rolling Pearson correlation of log returns between every pair of symbols, sampled on a fixed
/// event-time grid.
///
/// At each grid boundary the last mark of every symbol is sampled and its log return since the
/// previous boundary enters a window of `windowSamples`; the oldest leaves. Each pair keeps the
/// running sums (n, Σx, Σy, Σx², Σy², Σxy) over the steps where both symbols had a return, so
/// reading a correlation is O(1) whatever the window length. A grid step costs O(symbols²) and
/// happens once per `sampleSeconds` of event time, never per decision.
///
/// After each step the full correlation matrix is refreshed (`matrix`, row-major, 0 where a pair
/// has fewer than `minSamples` common samples or no variance, with `valid` 1/0 beside it), so the
/// CorrelationSizer's per-decision work is one pass over one row (two sums).
public struct RollingCorrelation: Sendable, Codable, Equatable {
    public let symbolCount: Int
    public let windowSamples: Int
    public let sampleNs: Int64
    /// Fewest common samples for a pair to count in `matrix`.
    public let minSamples: Int
    /// ρ(i, j) at `i * symbolCount + j` (0-based), 0 when not valid; the diagonal is 0.
    public private(set) var matrix: [Double]
    /// 1 where `matrix` holds a usable correlation, else 0.
    public private(set) var valid: [Double]
    /// Per row (symbol − 1): true when every pair of the row but the diagonal is valid, as in a
    /// full window. The CorrelationSizer then reads the row of `valid` only where the diagonal
    /// is (1 × x is x exactly, so its sums are bit for bit the same) and streams half the bytes.
    public private(set) var rowFullyValid: [Bool]

    /// Returns per step, `windowSamples × symbolCount`, NaN where a symbol had none.
    var returns: [Double]
    var head = 0            // slot of the next step
    var filled = 0          // steps in the window
    var lastSampledMark: [Double]
    /// Grid index of the last sample taken (.min before the first).
    var lastGrid: Int64 = .min

    // Pair sums over i < j, at `pairIndex(i, j)`.
    var n: [Int32]
    var sx: [Double], sy: [Double], sxx: [Double], syy: [Double], sxy: [Double]
    /// Common samples where x (the lower symbol's return) is not zero, and where y is. Exact,
    /// unlike the sums: once a window's moves have been evicted the sums keep rounding residue
    /// that can pass any variance threshold, so "no variance" (only flat steps) is decided here.
    var movesX: [Int32], movesY: [Int32]
    /// Steps in the window where the symbol had a return.
    var samples: [Int32]

    public init(symbolCount: Int, windowSamples: Int, sampleSeconds: Double, minSamples: Int) {
        self.symbolCount = symbolCount
        self.windowSamples = windowSamples
        self.sampleNs = Int64(sampleSeconds * 1e9)
        self.minSamples = minSamples
        matrix = Array(repeating: 0, count: symbolCount * symbolCount)
        valid = matrix
        rowFullyValid = Array(repeating: symbolCount <= 1, count: symbolCount)
        returns = Array(repeating: .nan, count: windowSamples * max(symbolCount, 1))
        lastSampledMark = Array(repeating: 0, count: symbolCount)
        let pairs = symbolCount * (symbolCount - 1) / 2
        n = Array(repeating: 0, count: pairs)
        sx = Array(repeating: 0, count: pairs)
        sy = sx; sxx = sx; syy = sx; sxy = sx
        movesX = n; movesY = n
        samples = Array(repeating: 0, count: symbolCount)
    }

    @inline(__always) func pairIndex(_ i: Int, _ j: Int) -> Int {
        // Row-major upper triangle without the diagonal, 0-based symbols, i < j.
        i * (2 * symbolCount - i - 1) / 2 + (j - i - 1)
    }

    /// Samples the grid boundaries passed up to event time `ns`, using the marks as they are now
    /// (`marks[k]` for symbol k+1; 0 = no price yet). Call before applying a newer mark, so a
    /// boundary samples the last price before it.
    public mutating func advance(to ns: Int64, marks: [Double]) {
        guard sampleNs > 0 else { return }
        let grid = ns / sampleNs
        if lastGrid == .min {
            lastGrid = grid
            for k in 0..<symbolCount { lastSampledMark[k] = marks[k] }
            return
        }
        guard grid > lastGrid else { return }
        // After a gap only the first step sees a price change; the rest are flat steps. A gap of
        // more than a window has pushed that first step out too: the window is all flat steps, so
        // take the marks as sampled and add a window of flat steps.
        let gap = grid - lastGrid
        let beyondWindow = gap > Int64(windowSamples)
        if beyondWindow { for k in 0..<symbolCount where marks[k] > 0 { lastSampledMark[k] = marks[k] } }
        let steps = Int(min(gap, Int64(windowSamples)))
        for step in 0..<steps { addStep(marks: marks, flat: step > 0 || beyondWindow) }
        lastGrid = grid
        refreshMatrix()
    }

    /// Recomputes `matrix`, `valid` and `rowFullyValid` from the pair sums: O(symbols²), once per
    /// grid step.
    mutating func refreshMatrix() {
        let count = symbolCount
        var invalidPairs = 0
        for i in 0..<count {
            for j in (i + 1)..<max(count, i + 1) {
                let rho = pairCorrelation(pairIndex(i, j), minSamples: minSamples)
                matrix[i * count + j] = rho ?? 0
                matrix[j * count + i] = rho ?? 0
                valid[i * count + j] = rho == nil ? 0 : 1
                valid[j * count + i] = rho == nil ? 0 : 1
                if rho == nil { invalidPairs &+= 1 }
            }
        }
        // Kept out of the loop above (a third array written there slowed it by a fifth). With a
        // full window no pair is invalid and this is one pass over `count` flags.
        for i in 0..<count { rowFullyValid[i] = true }
        guard invalidPairs > 0 else { return }
        for i in 0..<count {
            for j in 0..<count where j != i && valid[i * count + j] == 0 {
                rowFullyValid[i] = false
                break
            }
        }
    }

    mutating func addStep(marks: [Double], flat: Bool) {
        let base = head * symbolCount
        if filled == windowSamples { evictStep(at: base) } else { filled += 1 }
        for k in 0..<symbolCount {
            let previous = lastSampledMark[k], current = marks[k]
            var value = Double.nan
            if previous > 0 && current > 0 { value = flat ? 0 : Foundation.log(current / previous) }
            returns[base + k] = value
            if current > 0 { lastSampledMark[k] = current }
            if !value.isNaN { samples[k] += 1 }
        }
        addPairs(at: base)
        head = (head + 1) % windowSamples
    }

    /// Adds the step stored at `base` to every pair's sums.
    mutating func addPairs(at base: Int) {
        for i in 0..<symbolCount {
            let x = returns[base + i]
            if x.isNaN { continue }
            for j in (i + 1)..<max(symbolCount, i + 1) {
                let y = returns[base + j]
                if y.isNaN { continue }
                let p = pairIndex(i, j)
                n[p] += 1; sx[p] += x; sy[p] += y; sxx[p] += x * x; syy[p] += y * y; sxy[p] += x * y
                if x != 0 { movesX[p] += 1 }
                if y != 0 { movesY[p] += 1 }
            }
        }
    }

    mutating func evictStep(at base: Int) {
        for i in 0..<symbolCount {
            let x = returns[base + i]
            if x.isNaN { continue }
            samples[i] -= 1
            for j in (i + 1)..<max(symbolCount, i + 1) {
                let y = returns[base + j]
                if y.isNaN { continue }
                let p = pairIndex(i, j)
                n[p] -= 1; sx[p] -= x; sy[p] -= y; sxx[p] -= x * x; syy[p] -= y * y; sxy[p] -= x * y
                if x != 0 { movesX[p] -= 1 }
                if y != 0 { movesY[p] -= 1 }
            }
        }
    }

    /// Return samples of the symbol in the window.
    public func sampleCount(symbol: UInt32) -> Int { Int(samples[Int(symbol) - 1]) }

    /// Correlation of two symbols' returns over their common samples, with the sample count;
    /// nil when they have fewer than `minSamples` in common or either has no variance.
    public func correlation(_ a: UInt32, _ b: UInt32, minSamples: Int) -> Double? {
        guard a != b else { return 1 }
        let i = Int(min(a, b)) - 1, j = Int(max(a, b)) - 1
        return pairCorrelation(pairIndex(i, j), minSamples: minSamples)
    }

    func pairCorrelation(_ p: Int, minSamples: Int) -> Double? {
        let count = Double(n[p])
        guard n[p] >= Int32(minSamples), movesX[p] > 0, movesY[p] > 0 else { return nil }
        let varX = sxx[p] - sx[p] * sx[p] / count
        let varY = syy[p] - sy[p] * sy[p] / count
        // Relative threshold: removing samples from running sums leaves rounding residue.
        guard varX > 1e-18 * max(1, sxx[p]), varY > 1e-18 * max(1, syy[p]) else { return nil }
        let cov = sxy[p] - sx[p] * sy[p] / count
        return max(-1, min(1, cov / (varX * varY).squareRoot()))
    }
}

extension RollingCorrelation {
    enum CodingKeys: String, CodingKey {
        case symbolCount, windowSamples, sampleNs, minSamples, returns, head, filled, lastSampledMark, lastGrid
        case n, sx, sy, sxx, syy, sxy, movesX, movesY, samples
    }

    /// Everything but `matrix`, `valid` and `rowFullyValid`, which are a function of the pair sums: they are
    /// recomputed on decoding (`refreshMatrix`, the same arithmetic the live chain ran), so a
    /// snapshot does not carry O(symbols²) values it can rebuild bit for bit.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbolCount, forKey: .symbolCount)
        try c.encode(windowSamples, forKey: .windowSamples)
        try c.encode(sampleNs, forKey: .sampleNs)
        try c.encode(minSamples, forKey: .minSamples)
        try c.encode(returns, forKey: .returns)
        try c.encode(head, forKey: .head)
        try c.encode(filled, forKey: .filled)
        try c.encode(lastSampledMark, forKey: .lastSampledMark)
        try c.encode(lastGrid, forKey: .lastGrid)
        try c.encode(n, forKey: .n)
        try c.encode(sx, forKey: .sx)
        try c.encode(sy, forKey: .sy)
        try c.encode(sxx, forKey: .sxx)
        try c.encode(syy, forKey: .syy)
        try c.encode(sxy, forKey: .sxy)
        try c.encode(movesX, forKey: .movesX)
        try c.encode(movesY, forKey: .movesY)
        try c.encode(samples, forKey: .samples)
    }

    /// Reads what `encode(to:)` writes, in the same order (older snapshots that also carry
    /// `matrix` and `valid` read the same: those keys are ignored and recomputed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbolCount = try c.decode(Int.self, forKey: .symbolCount)
        windowSamples = try c.decode(Int.self, forKey: .windowSamples)
        sampleNs = try c.decode(Int64.self, forKey: .sampleNs)
        minSamples = try c.decode(Int.self, forKey: .minSamples)
        returns = try c.decode([Double].self, forKey: .returns)
        head = try c.decode(Int.self, forKey: .head)
        filled = try c.decode(Int.self, forKey: .filled)
        lastSampledMark = try c.decode([Double].self, forKey: .lastSampledMark)
        lastGrid = try c.decode(Int64.self, forKey: .lastGrid)
        n = try c.decode([Int32].self, forKey: .n)
        sx = try c.decode([Double].self, forKey: .sx)
        sy = try c.decode([Double].self, forKey: .sy)
        sxx = try c.decode([Double].self, forKey: .sxx)
        syy = try c.decode([Double].self, forKey: .syy)
        sxy = try c.decode([Double].self, forKey: .sxy)
        movesX = try c.decode([Int32].self, forKey: .movesX)
        movesY = try c.decode([Int32].self, forKey: .movesY)
        samples = try c.decode([Int32].self, forKey: .samples)
        let pairs = symbolCount * (symbolCount - 1) / 2
        guard symbolCount >= 0, returns.count == windowSamples * max(symbolCount, 1), lastSampledMark.count == symbolCount,
              [n.count, sx.count, sy.count, sxx.count, syy.count, sxy.count, movesX.count, movesY.count].allSatisfy({ $0 == pairs }),
              samples.count == symbolCount else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "the correlation window's arrays do not fit its \(symbolCount) symbols and \(windowSamples) samples"))
        }
        matrix = Array(repeating: 0, count: symbolCount * symbolCount)
        valid = matrix
        rowFullyValid = Array(repeating: true, count: symbolCount)
        refreshMatrix()
    }
}
