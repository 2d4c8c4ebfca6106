/// The guard's budgets: each gives the risk-increasing notional still allowed, and the intent is
/// reshaped to the smallest (seed 004: 38,000 used + 14,000 asked against 50,000 → 12,000).
extension RiskChain {
    /// One budget's numbers, USD.
    struct Budget {
        var cap: Double
        var used: Double
        var remaining: Double { max(0, cap - used) }
    }

    mutating func applyBudgets(_ work: inout Work) {
        let intent = work.intent
        let strategy = intent.strategyID, symbol = intent.symbolID
        let entry = book.strategy(strategy)
        let price = work.budgetPrice
        let equity = book.equityUSD
        let isShadow = entry.mode == .shadow
        // A shadow strategy is judged against the live book plus its own shadow book, so its
        // decision is the one it would have got live.
        let ownSymbolGross = isShadow ? book.grossQuantity(strategy: strategy, symbol: symbol) * book.mark(symbol) : 0
        let ownGross = isShadow ? book.grossUSD(strategy: strategy) : 0

        // Position the risk-increasing part builds on: the largest the strategy could hold in the
        // intent's direction (0 once the reducing part has taken it through zero).
        let base = work.sameSideBase
        // What the strategy's own caps are a share of: its allocation, or with
        // `strategy.caps_follow_equity` its equity when that is lower (a strategy 18 % down
        // risks 18 % less per trade; gains never raise the caps past the allocation).
        let capital = limits.strategyCapsFollowEquity
            ? min(entry.allocatedCapitalUSD, max(0, book.equityUSD(strategy: strategy))) : entry.allocatedCapitalUSD
        var bestQuantity = work.increasing
        var binding: (reshape: ReasonCode, exhausted: ReasonCode, budget: Budget)?
        func consider(_ reshape: ReasonCode, _ exhausted: ReasonCode, _ budget: Budget) {
            let allowed = budget.remaining / price
            if allowed < bestQuantity {
                bestQuantity = allowed
                binding = (reshape, exhausted, budget)
            }
        }
        consider(.strategyPositionReshape, .strategyPositionExhausted,
                 Budget(cap: limits.strategyMaxPositionPct / 100 * capital, used: base * price))
        var grossCap = limits.maxGrossPctOfEquity / 100 * equity
        if let absolute = limits.maxGrossUSD { grossCap = min(grossCap, absolute) }
        consider(.aggregateNotionalReshape, .aggregateNotionalExhausted, Budget(cap: grossCap, used: book.liveGrossUSD + ownGross))
        consider(.symbolNotionalReshape, .symbolNotionalExhausted,
                 Budget(cap: limits.maxSymbolPctOfEquity / 100 * equity, used: book.liveGrossUSD(symbol: symbol) + ownSymbolGross))
        for cluster in symbolClusters[Int(symbol) - 1] {
            var used = 0.0
            for member in clusterMembers[cluster] {
                used += book.liveGrossUSD(symbol: member)
                if isShadow { used += book.grossQuantity(strategy: strategy, symbol: member) * book.mark(member) }
            }
            consider(.clusterNotionalReshape, .clusterNotionalExhausted, Budget(cap: clusterCapsPct[cluster] / 100 * equity, used: used))
        }

        // Risk per trade: |entry − stop| × quantity within the strategy's share.
        let stopDistance = abs(work.price - intent.stopLossPrice)
        let riskCap = limits.strategyMaxRiskPerTradePct / 100 * capital
        let riskAllowed = stopDistance > 0 ? riskCap / stopDistance : .infinity

        let requestedUSD = work.increasing * price
        if riskAllowed < bestQuantity {
            let before = work.quantity
            let requestedRisk = stopDistance * work.increasing
            let removed = work.increasing - riskAllowed
            work.increasing = riskAllowed
            cut(&work, .riskPerTradeReshape, amount: removed, stage: .portfolioGuard, quantityIn: before,
                details: (riskCap, requestedRisk, stopDistance, 0))
            return
        }
        guard let binding else { return pass(work, stage: .portfolioGuard) }
        let details = (binding.budget.cap, binding.budget.used, requestedUSD, binding.budget.remaining)
        if bestQuantity <= 0 {
            block(&work, binding.exhausted, stage: .portfolioGuard, details: details)
            return
        }
        let before = work.quantity
        let removed = work.increasing - bestQuantity
        work.increasing = bestQuantity
        cut(&work, binding.reshape, amount: removed, stage: .portfolioGuard, quantityIn: before, details: details)
    }
}
