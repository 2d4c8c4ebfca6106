import Foundation
import Host
import OfflineTools

/// `gatehouse decide` on an input file (the input is the file's bytes): `WhatIf.decodeInput`, then
/// `WhatIf.run` against a fixed config (`config`, the limits and strategies of
/// tools/examples/whatif.yaml), so inputs that pass the checks reach the risk chain.
///
/// Invariants beyond "no trap":
/// - every intent gets one decision, in order, with decision ids 1…n;
/// - a decision keeps the verdict's promise: REJECT lets nothing through, APPROVE exactly the
///   quantity asked for, RESHAPE less than that but more than nothing; no quantity is ever
///   negative, above the request or not finite, and no stage lets through more than it was given;
/// - the output encodes as the JSON `gatehouse decide` prints (which refuses a NaN or infinity);
/// - a refusal names the input and says what is wrong, at a path that starts with a key of the
///   input (or at no path, for the file as a whole; an unknown key is named by its own path).
enum WhatIfTarget {
    /// The name the input is decided under (it never touches the file system).
    static let inputName = "fuzz/input.json"

    /// The top-level keys of an input (`WhatIf.Input`).
    static let inputKeys: Set<String> = ["now_ns", "account", "marks", "returns", "positions", "strategies", "clusters", "intents"]

    /// tools/examples/whatif.yaml without its comments: two live strategies on four symbols.
    static let configText = """
        host: {id: gatehouse-whatif, log_level: warning}
        feeds:
          - {name: sim, endpoint: "tcp://127.0.0.1:5556", topics: ["md.sim."]}
        strategies:
          - name: ema_majors
            plugin: libEMACrossover.so
            symbols: [BTCUSD, ETHUSD, SOLUSD]
            mode: live
            allocated_capital_usd: 60000
          - name: breakout_all
            plugin: libBreakout.so
            symbols: [BTCUSD, ETHUSD, SOLUSD, XAUUSD]
            mode: live
            allocated_capital_usd: 40000
        risk:
          account:
            starting_equity_usd: 100000
            max_gross_pct_of_equity: 50
            max_symbol_pct_of_equity: 25
            stale_after_seconds: 30
            drawdown_halt_pct: 15
            drawdown_buffer_pct: 3
            rolling_24h_drawdown_pct: 10
            daily_loss_pct: 3
            min_order_notional_usd: 10
          strategy:
            max_position_pct: 25
            max_risk_per_trade_pct: 2
            drawdown_pct: 20
            daily_loss_pct: 5
            max_open_positions: 10
            max_trades_per_day: 20
          clusters:
            - {name: crypto_majors, symbols: [BTCUSD, ETHUSD, SOLUSD], max_pct_of_equity: 40}
          correlation: {sample_seconds: 60, window_samples: 120, min_samples: 30}
          cooldown: {losses_before_scaling: 3, step_factor: 0.5, floor_factor: 0.10}
          decay: {window_days: 30, min_trades: 10, min_sharpe: 0.5}
        """

    /// The config every input is decided against, parsed once.
    static let config: LoadedConfig = {
        do {
            return try ConfigLoader.parse(configText, file: "fuzz/whatif.yaml")
        } catch {
            fatalError("the what-if fuzz target's own config is refused: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        let intents: Int
        let outputs: [WhatIf.Output]
        do {
            let input = try WhatIf.decodeInput(Data(bytes), inputName: inputName)
            intents = input.intents.count
            outputs = try WhatIf.run(config: config, input: input, inputName: inputName)
        } catch {
            try require(error.file == inputName, "a refusal naming the input '\(error.file)': \(error)")
            try require(!error.message.isEmpty, "a refusal without words: \(error)")
            if error.message.hasPrefix("unknown key") {
                // The path is the unknown key itself.
                try require(!error.path.isEmpty, "an unknown key refused without naming it: \(error)")
            } else {
                let head = error.path.prefix { $0 != "." && $0 != "[" }
                try require(error.path.isEmpty || inputKeys.contains(String(head)), "a refusal at a path the input does not have: \(error)")
            }
            return .refused
        }
        try require(outputs.count == intents, "\(intents) intents got \(outputs.count) decisions")
        for (index, output) in outputs.enumerated() {
            try check(output, index: index)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            _ = try encoder.encode(outputs)
        } catch {
            throw FuzzFinding("the decisions cannot be printed as JSON (\(error)): \(outputs)")
        }
        return .accepted
    }

    static func check(_ output: WhatIf.Output, index: Int) throws(FuzzFinding) {
        let requested = output.requestedQuantity, final = output.finalQuantity
        let shown = "decision \(index) (\(output.verdict) \(final) of \(requested), \(output.reasonDetail))"
        try require(output.index == index && output.decisionID == UInt64(index + 1), "\(shown) has index \(output.index) and id \(output.decisionID)")
        try require(requested.isFinite && requested > 0, "\(shown): the requested quantity is not a finite positive number")
        try require(final.isFinite && final >= 0 && final <= requested, "\(shown): the final quantity is outside [0, requested]")
        switch output.verdict {
        case "REJECT": try require(final == 0, "\(shown): a rejection lets something through")
        case "APPROVE": try require(final == requested, "\(shown): an approval changes the quantity")
        case "RESHAPE": try require(final > 0 && final < requested, "\(shown): a reshape that does not shrink the order")
        default: throw FuzzFinding("\(shown): the verdict is not APPROVE, RESHAPE or REJECT")
        }
        for step in output.trace {
            try require(step.quantityOut.isFinite && step.quantityOut >= 0, "\(shown): \(step.stage) let through \(step.quantityOut)")
            try require(step.quantityOut <= step.quantityIn, "\(shown): \(step.stage) let through \(step.quantityOut) of \(step.quantityIn)")
        }
        try require(output.accountAfter.liveGrossUSD >= 0, "\(shown): live gross \(output.accountAfter.liveGrossUSD) USD after it")
    }
}
