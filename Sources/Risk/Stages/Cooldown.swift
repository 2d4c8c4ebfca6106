/// Cooldown (seed 001, layer 5): after consecutive losing round trips the strategy's new risk is
/// scaled down: below 3 losses 1.0, then 0.5, 0.25, 0.125 …, never below the floor (0.10). One
/// winning (or break-even) trade resets the streak.
extension RiskChain {
    mutating func cooldown(_ work: inout Work) {
        guard work.increasing > 0 else { return pass(work, stage: .cooldown) }
        let losses = book.strategy(work.intent.strategyID).consecutiveLosses
        let factor = Self.cooldownFactor(losses: losses, limits: limits)
        guard factor < 1 else { return pass(work, stage: .cooldown) }
        let before = work.quantity
        let removed = work.increasing * (1 - factor)
        work.increasing *= factor
        cut(&work, .cooldownScaled, amount: removed, stage: .cooldown, quantityIn: before, factor: factor,
            details: (Double(losses), factor, 0, 0))
    }

    /// The sizing factor after `losses` consecutive losing trades.
    public static func cooldownFactor(losses: Int, limits: RiskLimits) -> Double {
        guard losses >= limits.cooldownLossesBeforeScaling else { return 1 }
        let steps = losses - limits.cooldownLossesBeforeScaling + 1
        var factor = 1.0
        for _ in 0..<min(steps, 64) { factor *= limits.cooldownStepFactor }
        return max(limits.cooldownFloorFactor, factor)
    }
}
