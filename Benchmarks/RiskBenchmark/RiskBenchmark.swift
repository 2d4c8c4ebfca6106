// gatehouse-bench-risk: decision latency of the whole risk chain (PortfolioGuard →
// CorrelationSizer → Cooldown → DecayDetector), per decision, as percentiles.
//
// Book: N strategies × 512 symbols, 32 open positions per strategy, a full correlation window,
// fresh marks. Each timed call is one `RiskChain.decide`; between calls (untimed) the approved
// quantity is released again, so the book stays in the same steady state for every sample.
// Baseline, same run: the cost of reading the clock twice around an empty call.
//
//   swift build -c release --product gatehouse-bench-risk && .build/release/gatehouse-bench-risk

import Foundation
import Risk

#if canImport(Glibc)
import Glibc
#endif

@inline(__always) func nowNs() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

/// SplitMix64: seedable, so every run measures the same book and the same intents.
struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Percentiles {
    let p50, p90, p99, p999, max: Int64
    init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        func at(_ q: Double) -> Int64 { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        p50 = at(0.50); p90 = at(0.90); p99 = at(0.99); p999 = at(0.999); max = sorted.last ?? 0
    }
    var row: String {
        [p50, p90, p99, p999, max].map { String($0).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined()
    }
}

let symbolCount = 512
let positionsPerStrategy = 32
let t0: Int64 = 1_772_409_600_000_000_000

/// `firewall`: every Firewall check on, none binding but the lot rounding (instrument rules for
/// every symbol, a price band, both order-rate buckets, a duplicate window and the
/// repeated-execution latch), to measure what the checks cost.
func buildChain(strategies: Int, symbols symbolCount: Int = symbolCount, firewall: Bool = false, random: inout Generator) -> RiskChain {
    let symbols = (1...symbolCount).map { "S\($0)" }
    var limits = RiskLimits()
    if firewall {
        let rules = InstrumentRules(tickSize: 0.01, lotSize: 0.001, minQuantity: 0.001, maxQuantity: 100_000, maxNotionalUSD: 100_000_000)
        limits.instruments = Dictionary(uniqueKeysWithValues: symbols.map { ($0, rules) })
        limits.priceBandPct = 10
        limits.maxIntentsPerSecond = 1_000_000
        limits.accountMaxIntentsPerSecond = 1_000_000
        limits.duplicateWindowSeconds = 1
        limits.repeatedFills = 1_000
        limits.repeatedFillsWindowSeconds = 1
    }
    limits.maxGrossPctOfEquity = 100
    limits.maxSymbolPctOfEquity = 100
    limits.strategyMaxOpenPositions = 64
    limits.strategyMaxTradesPerDay = 1_000_000_000
    limits.clusters = [RiskLimits.Cluster(name: "c1", symbols: Array(symbols.prefix(16)), maxPctOfEquity: 100)]
    let capital = 1_000_000.0
    var chain = RiskChain(
        limits: limits, symbols: symbols,
        strategies: Array(repeating: (mode: BookMode.live, allocatedCapitalUSD: capital), count: strategies),
        startingEquityUSD: capital * Double(strategies))
    // A full correlation window: one factor plus noise, so pairs are correlated and valid.
    for _ in 0..<limits.correlationWindowSamples {
        let factor = Double.random(in: -0.002...0.002, using: &random)
        chain.withCorrelations { $0.appendReturns((0..<symbolCount).map { _ in factor + Double.random(in: -0.001...0.001, using: &random) }) }
    }
    for symbol in 1...UInt32(symbolCount) { chain.updateMark(symbol: symbol, price: 100, at: t0) }
    chain.withBook { book in
        for strategy in 1...UInt32(strategies) {
            var chosen = Set<UInt32>()
            while chosen.count < min(positionsPerStrategy, symbolCount) { chosen.insert(UInt32.random(in: 1...UInt32(symbolCount), using: &random)) }
            for symbol in chosen.sorted() {
                let quantity = Double.random(in: 1...20, using: &random) * (Bool.random(using: &random) ? 1 : -1)
                book.restorePosition(strategy: strategy, symbol: symbol, quantity: quantity, averagePrice: 100)
            }
        }
    }
    return chain
}

func measure(strategies: Int, decisions: Int, firewall: Bool = false) -> (Percentiles, [String: Int]) {
    var random = Generator(state: 42)
    var chain = buildChain(strategies: strategies, firewall: firewall, random: &random)
    // Intents: buys and sells on random symbols (some add to held positions, some reduce them,
    // some open new ones), large enough that about a third hit the strategy position cap,
    // with stops; prepared before timing so the loop only decides.
    let intents: [OrderIntent] = (0..<decisions).map { index in
        let buy = Bool.random(using: &random)
        return OrderIntent(
            strategyID: UInt32.random(in: 1...UInt32(strategies), using: &random), clientID: UInt64(index + 1),
            symbolID: UInt32.random(in: 1...UInt32(symbolCount), using: &random), side: buy ? .buy : .sell,
            quantity: Double.random(in: 1...4_000, using: &random), orderType: .market, limitPrice: 0,
            stopLossPrice: buy ? 98 : 102, reduceOnly: false)
    }
    var samples = [Int64](repeating: 0, count: decisions)
    var counts = [Int](repeating: 0, count: 4)  // by Verdict raw value; no allocation in the loop
    for (index, intent) in intents.enumerated() {
        let start = nowNs()
        let decision = chain.decide(intent, decisionID: UInt64(index + 1), at: t0)
        samples[index] = nowNs() - start
        counts[Int(decision.verdict.rawValue)] += 1
        if decision.finalQuantity > 0 {
            chain.releasePending(strategy: intent.strategyID, symbol: intent.symbolID, quantity: intent.side.sign * decision.finalQuantity)
        }
    }
    var verdicts: [String: Int] = [:]
    for verdict in Verdict.allCases where counts[Int(verdict.rawValue)] > 0 { verdicts["\(verdict)"] = counts[Int(verdict.rawValue)] }
    return (Percentiles(samples), verdicts)
}

func timerBaseline(samples count: Int) -> Percentiles {
    var samples = [Int64](repeating: 0, count: count)
    for index in 0..<count {
        let start = nowNs()
        samples[index] = nowNs() - start
    }
    return Percentiles(samples)
}

// `--allocation-probe N`: only decide N intents at 64 strategies, every Firewall check on, and
// exit. Run under `valgrind --tool=memcheck` at two values of N: equal allocation counts mean a
// decision allocates nothing (BENCHMARKS.md shows the command).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--allocation-probe", let n = Int(CommandLine.arguments[2]) {
    let (result, _) = measure(strategies: 64, decisions: n, firewall: true)
    print("decided \(n); p50 \(result.p50) ns")
    exit(0)
}

// `--instruction-probe S N`: only decide N intents at S strategies (the timed rows' book and
// intents, no Firewall checks) and exit. Under `valgrind --tool=callgrind`, the difference of two
// runs (N = 2000 and 12000) divided by 10,000 is one decision's instructions and cache misses,
// which a shared machine's timings cannot resolve (BENCHMARKS.md shows the command).
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "--instruction-probe",
   let strategies = Int(CommandLine.arguments[2]), let n = Int(CommandLine.arguments[3]) {
    let (result, _) = measure(strategies: strategies, decisions: n)
    print("decided \(n) at \(strategies) strategies; p50 \(result.p50) ns")
    exit(0)
}

// `--state-size`: what the host's recovery snapshot costs (docs/journal.md, "Recovery"): the size
// of the chain's state as the journal's canonical JSON, the time to encode it (done on the
// journal's feeder thread), and the time the event loop pays: taking the copy, then the first
// change to the book after it (which copies the arrays the copy shares).
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "--state-size" {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print("gatehouse-bench-risk --state-size: RiskState as canonical JSON, 20 samples per row")
    print("strategies × symbols     bytes        encode p50 µs   encode max µs   loop copy p50 µs   loop copy max µs")
    for (strategies, symbols) in [(2, 4), (8, 16), (8, 64), (64, 128), (64, 512)] {
        var random = Generator(state: 42)
        var chain = buildChain(strategies: strategies, symbols: symbols, random: &random)
        var encodeNs: [Int64] = [], copyNs: [Int64] = [], bytes = 0
        for step in 0..<20 {
            let start = nowNs()
            let state = chain.state
            // The loop's next change after handing the state over: a mark, which writes the book's arrays.
            chain.updateMark(symbol: 1, price: 100 + Double(step % 2), at: t0)
            copyNs.append(nowNs() - start)
            let encodeStart = nowNs()
            bytes = (try? encoder.encode(state))?.count ?? 0
            encodeNs.append(nowNs() - encodeStart)
        }
        let e = Percentiles(encodeNs), c = Percentiles(copyNs)
        print("\(strategies) × \(symbols)".padding(toLength: 25, withPad: " ", startingAt: 0)
              + String(bytes).padding(toLength: 13, withPad: " ", startingAt: 0)
              + String(format: "%-16.1f%-16.1f%-19.1f%.1f", Double(e.p50) / 1e3, Double(e.max) / 1e3, Double(c.p50) / 1e3, Double(c.max) / 1e3))
    }
    exit(0)
}

let decisions = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200_000
let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
print("gatehouse-bench-risk: whole-chain decision latency, ns per decide()")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)")
print("book: \(symbolCount) symbols, \(positionsPerStrategy) open positions per strategy, full correlation window; \(decisions) decisions per row")
print("")
print("case".padding(toLength: 26, withPad: " ", startingAt: 0) + "p50      p90      p99      p99.9    max      verdicts")
print("timer baseline (empty)".padding(toLength: 26, withPad: " ", startingAt: 0) + timerBaseline(samples: decisions).row)
var p50s: [Int: Int64] = [:]
for strategies in [8, 64, 256] {
    // Warm-up pass (page faults, caches), then the measured pass.
    _ = measure(strategies: strategies, decisions: min(decisions, 20_000))
    let (result, verdicts) = measure(strategies: strategies, decisions: decisions)
    p50s[strategies] = result.p50
    let label = "\(strategies) strategies"
    print(label.padding(toLength: 26, withPad: " ", startingAt: 0) + result.row
          + verdicts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
}
// The same 256-strategy book and intents with every Firewall check on (`buildChain`).
_ = measure(strategies: 256, decisions: min(decisions, 20_000), firewall: true)
let (withFirewall, firewallVerdicts) = measure(strategies: 256, decisions: decisions, firewall: true)
print("256, every Firewall check".padding(toLength: 26, withPad: " ", startingAt: 0) + withFirewall.row
      + firewallVerdicts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
if let small = p50s[8], let large = p50s[256], small > 0 {
    print("")
    print(String(format: "p50 at 256 strategies / p50 at 8: %.2f", Double(large) / Double(small)))
}
