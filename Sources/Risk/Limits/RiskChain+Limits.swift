/// Limits that change while the host runs (`gatehouse ctl limits`, docs/control.md): the chain
/// takes a new set between two events, whole or not at all.
extension RiskChain {
    /// The first setting `new` changes that the running chain's state is built on, so that only
    /// a restart can change it, or nil. The rolling correlation's grid and window, the decay
    /// window and the clusters' names and members size or shape what the chain has accumulated
    /// (return samples, closed trades, the alert slots and the names events carry); every other
    /// limit, a cluster's cap included, is only read at each decision.
    public func restartNeeded(for new: RiskLimits) -> RiskLimits.Invalid? {
        let old = limits
        let fixed: [(key: String, changed: Bool, what: String)] = [
            ("correlation.sample_seconds", old.correlationSampleSeconds != new.correlationSampleSeconds, "the grid of the return samples the running host has taken"),
            ("correlation.window_samples", old.correlationWindowSamples != new.correlationWindowSamples, "the window of return samples the running host keeps"),
            ("correlation.min_samples", old.correlationMinSamples != new.correlationMinSamples, "the running correlation's sample count"),
            ("decay.window_days", old.decayWindowDays != new.decayWindowDays, "the window of closed trades the running host keeps"),
        ]
        for entry in fixed where entry.changed {
            return RiskLimits.Invalid(key: entry.key, message: "sizes \(entry.what): it changes only with a restart")
        }
        if old.clusters.count != new.clusters.count
            || zip(old.clusters, new.clusters).contains(where: { $0.name != $1.name || $0.symbols != $1.symbols }) {
            return RiskLimits.Invalid(key: "clusters", message: "the clusters' names and members shape the running host's alerts and events: they change only with a restart (a cluster's max_pct_of_equity may change)")
        }
        return nil
    }

    /// Replaces the limits (between two events): refused whole, naming the key, when `new` is
    /// invalid or changes what only a restart can (`restartNeeded`); the limits in force then
    /// stay. Positions, pending orders, latches, order-flow buckets and every window are kept;
    /// the new limits judge the next intent. A change of `firewall.repeated_fills` restarts the
    /// fill history the latch counts (its rings are sized by it).
    public mutating func replaceLimits(_ new: RiskLimits) -> RiskLimits.Invalid? {
        if let failure = new.validationFailure() ?? restartNeeded(for: new) { return failure }
        let fillsResized = new.repeatedFills != limits.repeatedFills
        limits = new
        deriveFromLimits()
        if fillsResized { orderFlow.resetFills(strategies: decayPaused.count, count: new.repeatedFills ?? 0) }
        alertLevels.hysteresisPct = new.alertHysteresisPct
        return nil
    }

    /// Fills the per-symbol arrays a decision reads from `limits` (at start and at each change).
    mutating func deriveFromLimits() {
        minOrderQuantity = symbolNames.map { limits.minOrderQuantity[$0] ?? limits.instruments[$0]?.minQuantity ?? 0 }
        tickSize = symbolNames.map { limits.instruments[$0]?.tickSize ?? 0 }
        lotSize = symbolNames.map { limits.instruments[$0]?.lotSize ?? 0 }
        maxOrderQuantity = symbolNames.map { limits.instruments[$0]?.maxQuantity ?? .infinity }
        maxOrderNotionalUSD = symbolNames.map { limits.instruments[$0]?.maxNotionalUSD ?? .infinity }
        let restrictedSet = Set(limits.restrictedSymbols)
        restricted = symbolNames.map { restrictedSet.contains($0) }
        stalePortfolioAfterNs = Int64(((limits.stalePortfolioAfterSeconds ?? limits.staleAfterSeconds) * 1e9).rounded())
        duplicateWindowNs = limits.duplicateWindowSeconds.map { Int64(($0 * 1e9).rounded()) }
        repeatedFillsWindowNs = limits.repeatedFillsWindowSeconds.map { Int64(($0 * 1e9).rounded()) }
        clusterCapsPct = limits.clusters.map(\.maxPctOfEquity)
        // A shorter stale-portfolio limit must be looked at again, not trusted to the floor.
        heldMarkFloorNs = .min
    }
}
