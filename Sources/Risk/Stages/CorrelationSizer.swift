/// CorrelationSizer (seeds 001, 002): scales a new risk-increasing intent by how correlated its
/// direction is with what the live book already holds.
///
/// The exposure-weighted correlation is Σ w·s·d·ρ / Σ w over the book's other held symbols with
/// enough common samples, where w is the symbol's |net live notional|, s the sign of that
/// exposure, d the intent's direction (+1 buy, −1 sell) and ρ the return correlation: a short
/// against a correlated long counts as a hedge (negative). The factor is 1 at or below
/// `full_size_at` (0.3), falls linearly to `min_factor` (0.25) at `min_size_at` (0.8) and stays
/// there; above `reject_above`, if set, the risk-increasing part is refused.
extension RiskChain {
    mutating func correlationSizer(_ work: inout Work) {
        guard work.increasing > 0 else { return pass(work, stage: .correlationSizer) }
        let symbol = work.intent.symbolID
        let samples = correlations.sampleCount(symbol: symbol)
        if samples < limits.correlationMinSamples {
            note(.correlationSizer, .correlationInsufficientData, quantityIn: work.quantity, quantityOut: work.quantity,
                 details: (Double(samples), Double(limits.correlationMinSamples), 0, 0))
            return
        }
        var (weighted, weights) = bookCorrelationSums(symbol: symbol)
        if book.strategy(work.intent.strategyID).mode == .shadow {
            // A shadow strategy's own exposure joins the live book's: adjust the symbols it holds.
            let row = (Int(symbol) - 1) * correlations.symbolCount
            for other in book.strategyHeldSymbols[Int(work.intent.strategyID) - 1] where other != symbol {
                let j = Int(other) - 1
                let live = book.liveNetQuantity[j] * book.marks[j]
                let own = (book.position(strategy: work.intent.strategyID, symbol: other)
                    + book.pending(strategy: work.intent.strategyID, symbol: other)) * book.marks[j]
                weighted += correlations.matrix[row + j] * own
                weights += correlations.valid[row + j] * (abs(live + own) - abs(live))
            }
        }
        weighted *= work.direction
        guard weights > 0 else { return pass(work, stage: .correlationSizer) }
        let correlation = weighted / weights
        if let rejectAbove = limits.correlationRejectAbove, correlation > rejectAbove {
            block(&work, .correlationTooHigh, stage: .correlationSizer, details: (correlation, rejectAbove, 0, 0))
            return
        }
        let factor = Self.correlationFactor(correlation, limits: limits)
        guard factor < 1 else { return pass(work, stage: .correlationSizer) }
        let before = work.quantity
        let removed = work.increasing * (1 - factor)
        work.increasing *= factor
        cut(&work, .correlationScaled, amount: removed, stage: .correlationSizer, quantityIn: before, factor: factor,
            details: (correlation, factor, 0, 0))
    }

    /// Σ ρ(k, j)·N_j and Σ valid(k, j)·|N_j| over the symbols j the live book holds, where N_j is
    /// its signed net notional in j (pending included): the row of the refreshed correlation matrix
    /// against the exposure vector. O(symbols held): a scan of the held list while few symbols are
    /// held, a dense SIMD pass over the whole row once many are (the same sums, cheaper per
    /// symbol). Independent of the window length and of the number of strategies. Inlined into
    /// the stage: called there as a method, the chain (about a kilobyte) was copied for the call.
    @inline(__always)
    func bookCorrelationSums(symbol: UInt32) -> (weighted: Double, weights: Double) {
        let count = correlations.symbolCount
        let row = (Int(symbol) - 1) * count
        if book.heldSymbols.count * 8 < count {
            var weighted = 0.0, weights = 0.0
            for held in book.heldSymbols {
                let j = Int(held) - 1
                weighted += correlations.matrix[row + j] * book.liveNetExposureUSD[j]
                weights += correlations.valid[row + j] * book.liveNetExposureMagnitudeUSD[j]
            }
            return (weighted, weights)
        }
        return Self.denseCorrelationSums(rho: correlations.matrix, valid: correlations.valid, exposure: book.liveNetExposureUSD,
                                         magnitude: book.liveNetExposureMagnitudeUSD, row: row, count: count,
                                         fullyValidExceptAt: correlations.rowFullyValid[Int(symbol) - 1] ? Int(symbol) - 1 : nil)
    }

    /// The dense pass of `bookCorrelationSums` over row `row` (of `count` symbols) of the matrix
    /// `rho` and its validity `valid`, against the book's signed and absolute net exposures. A
    /// static function of the arrays it reads, not a method: a method's closures made the chain
    /// be copied for the call.
    ///
    /// `fullyValidExceptAt`: the row's column where `valid` may be 0 (the diagonal) when every
    /// other entry of the row is 1 (`RollingCorrelation.rowFullyValid`). The row of `valid` is
    /// then read only in the four columns around it: elsewhere 1 × |N| is |N| exactly, so the
    /// sums are bit for bit those of the full pass, from half the memory.
    static func denseCorrelationSums(rho matrix: [Double], valid validity: [Double], exposure exposures: [Double],
                                     magnitude magnitudes: [Double], row: Int, count: Int,
                                     fullyValidExceptAt exception: Int? = nil) -> (weighted: Double, weights: Double) {
        // SIMD lanes are independent accumulators (a single chain of dependent additions would be
        // bound by add latency); the order is fixed, so the result is the same on every run.
        var weighted = SIMD4<Double>(), weights = SIMD4<Double>()
        var tailWeighted = 0.0, tailWeights = 0.0
        matrix.withUnsafeBufferPointer { rho in
            validity.withUnsafeBufferPointer { valid in
                exposures.withUnsafeBufferPointer { exposure in
                    magnitudes.withUnsafeBufferPointer { magnitude in
                        let rhoRow = UnsafeRawPointer(rho.baseAddress! + row)
                        let validRow = UnsafeRawPointer(valid.baseAddress! + row)
                        let exposureRow = UnsafeRawPointer(exposure.baseAddress!)
                        let magnitudeRow = UnsafeRawPointer(magnitude.baseAddress!)
                        // In a fully valid row every chunk but the exception's adds |N| as it is
                        // (1 × |N| = |N|); that chunk, the tail, and every chunk of any other row
                        // are weighted by `valid`.
                        let exceptionChunk = exception.map { $0 & ~3 } ?? 0
                        let fastEnd = exception == nil ? 0 : count
                        var j = 0
                        while j + 4 <= count {
                            let offset = j * MemoryLayout<Double>.stride
                            weighted += rhoRow.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                                * exposureRow.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                            let magnitude = magnitudeRow.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                            if j < fastEnd && j != exceptionChunk {
                                weights += magnitude
                            } else {
                                weights += validRow.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self) * magnitude
                            }
                            j += 4
                        }
                        while j < count {
                            tailWeighted += rho[row + j] * exposure[j]
                            tailWeights += valid[row + j] * magnitude[j]
                            j += 1
                        }
                    }
                }
            }
        }
        return ((weighted[0] + weighted[1]) + (weighted[2] + weighted[3]) + tailWeighted,
                (weights[0] + weights[1]) + (weights[2] + weights[3]) + tailWeights)
    }

    /// 1 at or below `full_size_at`, `min_factor` at or above `min_size_at`, linear between.
    static func correlationFactor(_ correlation: Double, limits: RiskLimits) -> Double {
        if correlation <= limits.correlationFullSizeAt { return 1 }
        if correlation >= limits.correlationMinSizeAt { return limits.correlationMinFactor }
        let t = (correlation - limits.correlationFullSizeAt) / (limits.correlationMinSizeAt - limits.correlationFullSizeAt)
        return 1 - t * (1 - limits.correlationMinFactor)
    }
}
