/// PortfolioGuard (seeds 000–004): account-wide and per-strategy limits across every live strategy
/// at the same instant. It never changes a strategy's direction or symbol, only how much
/// risk-increasing quantity may pass. Checks, in order, on the risk-increasing part:
///
/// 1. the journal's availability; an order of the strategy in the symbol whose state the gateway
///    has not told in time (`ORDER_STATE_UNKNOWN`); account state: HALTED (latched or by an
///    operator), REDUCING (by an operator);
/// 2. a fresh mark (`STALE_MARKET_DATA`);
/// 3. a stop-loss on the protective side of both the entry price and the mark
///    (`STOP_LOSS_REQUIRED`, `STOP_LOSS_WRONG_SIDE`);
/// 4. account drawdown halt (latches HALTED), drawdown buffer, rolling 24 h drawdown, daily loss;
/// 5. the strategy's drawdown breaker, daily loss, open positions and trades per day;
/// 6. budgets, reshaping to the smallest remaining one: the strategy's position and risk per
///    trade, then aggregate, per-symbol and cluster live gross (`PortfolioGuard+Budgets.swift`).
extension RiskChain {
    mutating func portfolioGuard(_ work: inout Work, at ns: Int64) {
        guard work.increasing > 0 else { return pass(work, stage: .portfolioGuard) }
        if accountBlocks(&work, at: ns) { return }
        if strategyBlocks(&work) { return }
        applyBudgets(&work)
    }

    /// Account state, data freshness, stop-loss and account loss limits. True if it blocked.
    mutating func accountBlocks(_ work: inout Work, at ns: Int64) -> Bool {
        let intent = work.intent
        if controls.journalUnavailable {
            block(&work, .journalUnavailable, stage: .portfolioGuard)
            return true
        }
        let unknown = unknownOrders[book.index(intent.strategyID, intent.symbolID)]
        if unknown > 0 {
            block(&work, .orderStateUnknown, stage: .portfolioGuard, details: (Double(unknown), 0, 0, 0))
            return true
        }
        switch controls.effectiveState {
        case .halted:
            block(&work, .accountHalted, stage: .portfolioGuard)
            return true
        case .reducing:
            block(&work, .accountReducing, stage: .portfolioGuard)
            return true
        case .active:
            break
        }
        let age = Double(ns - book.markTime(intent.symbolID)) / 1e9
        if age > limits.staleAfterSeconds {
            block(&work, .staleMarketData, stage: .portfolioGuard, details: (age, limits.staleAfterSeconds, 0, 0))
            return true
        }
        if intent.stopLossPrice == 0 {
            block(&work, .stopLossRequired, stage: .portfolioGuard)
            return true
        }
        // Against the entry price and the market both: a buy limit at 10 with the market at 8
        // and its stop at 9 would be stopped out as soon as it fills below 9.
        let protected = work.direction > 0 ? min(work.price, work.mark) : max(work.price, work.mark)
        if (work.direction > 0 && intent.stopLossPrice >= protected) || (work.direction < 0 && intent.stopLossPrice <= protected) {
            block(&work, .stopLossWrongSide, stage: .portfolioGuard, details: (protected, intent.stopLossPrice, 0, 0))
            return true
        }
        let drawdown = book.drawdownPct
        if drawdown >= limits.drawdownHaltPct {
            checkDrawdownLatch(at: ns)
            block(&work, .accountDrawdownHalt, stage: .portfolioGuard, details: (drawdown, limits.drawdownHaltPct, 0, 0))
            return true
        }
        let bufferStart = limits.drawdownHaltPct - limits.drawdownBufferPct
        if limits.drawdownBufferPct > 0 && drawdown >= bufferStart {
            block(&work, .drawdownBuffer, stage: .portfolioGuard, details: (drawdown, bufferStart, 0, 0))
            return true
        }
        let rolling = book.rolling24hDrawdownPct
        if rolling >= limits.rolling24hDrawdownPct {
            block(&work, .rollingDrawdownBreached, stage: .portfolioGuard, details: (rolling, limits.rolling24hDrawdownPct, 0, 0))
            return true
        }
        // Once hit, the daily loss limit holds for the rest of the UTC day even if equity recovers.
        let dailyLoss = book.dailyLossPct
        if accountDailyLossDay == book.dayIndex || dailyLoss >= limits.accountDailyLossPct {
            if accountDailyLossDay != book.dayIndex {
                stateChanges.append(StateChange(kind: .accountDailyLossHit, reason: .accountDailyLoss, atNs: ns,
                                                value: dailyLoss, limit: limits.accountDailyLossPct))
            }
            accountDailyLossDay = book.dayIndex
            block(&work, .accountDailyLoss, stage: .portfolioGuard, details: (dailyLoss, limits.accountDailyLossPct, 0, 0))
            return true
        }
        return false
    }

    /// The strategy's own breakers and counts. True if it blocked.
    mutating func strategyBlocks(_ work: inout Work) -> Bool {
        let id = work.intent.strategyID
        if operatorPaused[Int(id) - 1] {
            block(&work, .strategyPaused, stage: .portfolioGuard)
            return true
        }
        let entry = book.strategy(id)
        let equity = book.equityUSD(strategy: id)
        let drawdown = book.strategyDrawdownPct(id, equity: equity)
        if drawdown >= limits.strategyDrawdownPct {
            block(&work, .strategyDrawdownBreaker, stage: .portfolioGuard, details: (drawdown, limits.strategyDrawdownPct, 0, 0))
            return true
        }
        // Seed 001: the daily limit is a share of the strategy's allocated capital.
        let dailyLoss = book.strategyDailyLossPct(id, equity: equity)
        if strategyDailyLossDay[Int(id) - 1] == book.dayIndex || dailyLoss >= limits.strategyDailyLossPct {
            if strategyDailyLossDay[Int(id) - 1] != book.dayIndex {
                stateChanges.append(StateChange(kind: .strategyDailyLossHit(strategyID: id), reason: .strategyDailyLoss,
                                                atNs: book.clockNs, value: dailyLoss, limit: limits.strategyDailyLossPct))
            }
            strategyDailyLossDay[Int(id) - 1] = book.dayIndex
            block(&work, .strategyDailyLoss, stage: .portfolioGuard, details: (dailyLoss, limits.strategyDailyLossPct, 0, 0))
            return true
        }
        // Opening a symbol the strategy has neither a position nor a pending order in.
        let opensNew = !book.isOpen(strategy: id, symbol: work.intent.symbolID)
        if opensNew && entry.openPositions >= limits.strategyMaxOpenPositions {
            block(&work, .maxOpenPositions, stage: .portfolioGuard,
                  details: (Double(entry.openPositions), Double(limits.strategyMaxOpenPositions), 0, 0))
            return true
        }
        if entry.tradesToday >= limits.strategyMaxTradesPerDay {
            block(&work, .maxTradesPerDay, stage: .portfolioGuard,
                  details: (Double(entry.tradesToday), Double(limits.strategyMaxTradesPerDay), 0, 0))
            return true
        }
        return false
    }
}
