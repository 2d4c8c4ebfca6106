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
        let isShadow = book.strategy(work.intent.strategyID).mode == .shadow
        var weighted = 0.0, weights = 0.0
        for other in book.heldSymbols where other != symbol {
            var net = book.liveNetQuantity[Int(other) - 1]
            if isShadow {
                net += book.position(strategy: work.intent.strategyID, symbol: other)
                    + book.pending(strategy: work.intent.strategyID, symbol: other)
            }
            let exposure = net * book.mark(other)
            guard exposure != 0, let rho = correlations.correlation(symbol, other, minSamples: limits.correlationMinSamples) else { continue }
            let weight = abs(exposure)
            weighted += weight * (exposure > 0 ? 1 : -1) * work.direction * rho
            weights += weight
        }
        if isShadow {
            // The shadow strategy's own symbols outside the live book.
            for other in book.strategyHeldSymbols[Int(work.intent.strategyID) - 1]
            where other != symbol && book.liveGrossQuantity[Int(other) - 1] == 0 {
                let net = book.position(strategy: work.intent.strategyID, symbol: other)
                    + book.pending(strategy: work.intent.strategyID, symbol: other)
                let exposure = net * book.mark(other)
                guard exposure != 0, let rho = correlations.correlation(symbol, other, minSamples: limits.correlationMinSamples) else { continue }
                weighted += abs(exposure) * (exposure > 0 ? 1 : -1) * work.direction * rho
                weights += abs(exposure)
            }
        }
        guard weights > 0 else { return pass(work, stage: .correlationSizer) }
        let correlation = weighted / weights
        if let rejectAbove = limits.correlationRejectAbove, correlation > rejectAbove {
            block(&work, .correlationTooHigh, stage: .correlationSizer, details: (correlation, 0, 0, 0))
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

    /// 1 at or below `full_size_at`, `min_factor` at or above `min_size_at`, linear between.
    static func correlationFactor(_ correlation: Double, limits: RiskLimits) -> Double {
        if correlation <= limits.correlationFullSizeAt { return 1 }
        if correlation >= limits.correlationMinSizeAt { return limits.correlationMinFactor }
        let t = (correlation - limits.correlationFullSizeAt) / (limits.correlationMinSizeAt - limits.correlationFullSizeAt)
        return 1 - t * (1 - limits.correlationMinFactor)
    }
}
