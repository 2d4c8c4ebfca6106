import Foundation

/// The soak's host config: 64 live strategies on 256 symbols, journal, event stream and control
/// channel on, ipc sockets in the soak's folder.
///
/// Strategy `i` trades 8 symbols, `S((8i + k) · 5 mod 256)` for k in 0…7, so every symbol has
/// exactly two strategies and every strategy a book of its own. Even `i` run the EMA crossover
/// (`libEMACrossover.so`), odd `i` the breakout (`libBreakout.so`), both on 4 s bars with ATR stops,
/// which gives tens of intents per 1,000 ticks. Limits are the defaults except where a soak needs a
/// book that keeps trading for hours of market time: trades per day, the decay detector's Sharpe
/// floor (−100: every window is still kept and checked), staleness (a symbol trades about once a
/// second, with gaps) and the paper venue's costs (1 bp). The account's gross cap (50 % of
/// 640,000 USD) is smaller than what the strategies would hold together, so it binds. The dead
/// man's switch has a 1.08 s period, so gaps between the operator's check-ins halt the account.
struct SoakConfig {
    static let strategyCount = 64
    static let symbolsPerStrategy = 8
    static let allocationUSD = 10_000.0
    static let startingEquityUSD = Double(strategyCount) * allocationUSD
    static let maxGrossPct = 50.0

    /// The strategy names, `ema_00`, `bo_01`, …, in config order.
    static let strategies: [String] = (0..<strategyCount).map { index in
        (index % 2 == 0 ? "ema_" : "bo_") + String(format: "%02d", index)
    }

    /// The symbol indices strategy `index` trades.
    static func symbols(of index: Int) -> [Int] {
        (0..<symbolsPerStrategy).map { ((index * symbolsPerStrategy + $0) * 5) % TickStream.symbolCount }
    }

    struct Endpoints {
        var feed: String
        var junkFeed: String
        var events: String
        var control: String
    }

    static func endpoints(in folder: String) -> Endpoints {
        Endpoints(feed: "ipc://\(folder)/md.sock", junkFeed: "ipc://\(folder)/junk.sock",
                  events: "ipc://\(folder)/events.sock", control: "ipc://\(folder)/control.sock")
    }

    static func write(to path: String, folder: String, pluginDir: String, journal: String) throws {
        let endpoints = endpoints(in: folder)
        var text = """
            host:
              id: soak
              log_level: warning
              plugin_dirs: ["\(pluginDir)"]
            feeds:
              - name: sim
                endpoint: \(endpoints.feed)
                topics: ["md.sim."]
                receive_hwm: 100000
              # The fault injector's feed: malformed frames only, then its end of stream.
              - name: junk
                endpoint: \(endpoints.junkFeed)
                topics: ["md.junk."]
            strategies:

            """
        for (index, name) in strategies.enumerated() {
            let symbols = Self.symbols(of: index).map { TickStream.symbols[$0] }.joined(separator: ", ")
            let params = index % 2 == 0
                ? "{fast_period: 3, slow_period: 8, bar_seconds: 4, atr_period: 14, atr_multiple: 2.0, risk_usd: 20, max_notional_usd: 1500}"
                : "{lookback: 10, atr_period: 14, atr_multiple: 1.5, bar_seconds: 4, risk_usd: 20, max_quantity_usd: 1500}"
            text += """
                  - name: \(name)
                    plugin: \(index % 2 == 0 ? "libEMACrossover.so" : "libBreakout.so")
                    symbols: [\(symbols)]
                    mode: live
                    allocated_capital_usd: \(Int(allocationUSD))
                    params: \(params)

                """
        }
        text += """
            risk:
              account:
                starting_equity_usd: \(Int(startingEquityUSD))
                max_gross_pct_of_equity: \(Int(maxGrossPct))
                stale_after_seconds: 120
              strategy:
                max_trades_per_day: 100000
              decay:
                min_sharpe: -100
            execution:
              live_adapter: paper
              paper:
                slippage_bps: 1
                fee_bps: 1
            journal:
              path: \(journal)
            events:
              endpoint: \(endpoints.events)
              heartbeat_interval_ms: 250
            control:
              endpoint: \(endpoints.control)
              timeout_ms: 5000
            # 1.08 s: the operator's script checks in at random, so now and then the switch fires
            # and the account is HALTED until the script's next reset.
            deadman:
              period_hours: 0.0003

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
