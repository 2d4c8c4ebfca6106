import Engine
import Risk

extension Engine.Setup {
    /// What the engine of a host started from `config` is built from: its symbols and strategies
    /// in config order, the risk limits, the account, the paper venue's costs, the live adapter
    /// and the dead man's switch.
    package init(_ config: GatehouseConfig) {
        self.init(
            symbols: config.allSymbols,
            strategies: config.strategies.map {
                .init(name: $0.name, mode: $0.mode == .live ? .live : .shadow, allocatedCapitalUSD: $0.allocatedCapitalUSD, symbols: $0.symbols)
            },
            limits: config.risk.limits, startingEquityUSD: config.startingEquityUSD,
            paperSlippageBps: config.execution.paperSlippageBps, paperFeeBps: config.execution.paperFeeBps,
            liveOnPaper: config.execution.liveAdapter == .paper,
            deadman: config.deadman.map { (Int64($0.periodHours * 3_600_000_000_000), $0.warningPct, $0.criticalPct) })
    }
}
