import Foundation
import Testing

/// `gatehouse decide`, driven as an operator would: the bundled example in, JSON decisions out.
@Suite("gatehouse decide")
struct DecideCommandTests {
    struct Output: Decodable {
        struct Reason: Decodable { let code: String; let severity: String; let stage: String; let detail: String }
        struct Step: Decodable { let stage: String; let quantity_in: Double; let quantity_out: Double; let factor: Double; let code: String }
        struct Account: Decodable { let equity_usd: Double; let live_gross_usd: Double; let trading_state: String }
        struct Unchecked: Decodable { let check: String; let why: String }
        let index: Int
        let strategy: String
        let symbol: String
        let client_id: UInt64
        let verdict: String
        let requested_quantity: Double
        let final_quantity: Double
        let valuation_price: Double
        let final_notional_usd: Double
        let reason: String
        let reason_detail: String
        let reasons: [Reason]
        let trace: [Step]
        let account_after: Account
        let unchecked: [Unchecked]
    }

    static let example = ProcessDriver.repositoryRoot.appendingPathComponent("tools/examples/seed004-reshape.json").path
    static let config = ProcessDriver.repositoryRoot.appendingPathComponent("tools/examples/whatif.yaml").path

    @Test func theSeed004ExampleIsReshapedToTheTwelveThousandLeftUnderTheCap() throws {
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["decide", "--config", Self.config, "--input", Self.example])
        try #require(status == 0, "decide failed: \(stderr)")
        let outputs = try JSONDecoder().decode([Output].self, from: Data(stdout.utf8))
        try #require(outputs.count == 2)
        let first = outputs[0]
        #expect(first.verdict == "RESHAPE")
        #expect(first.reason == "AGGREGATE_NOTIONAL_RESHAPE")
        #expect(first.reason_detail == "AGGREGATE_NOTIONAL_RESHAPE: cap_usd=50000 used_usd=38000 requested_usd=14000 remaining_usd=12000")
        #expect(first.requested_quantity * first.valuation_price == 14_000)
        #expect(first.final_quantity * first.valuation_price == 12_000)
        #expect(first.final_notional_usd == 12_000)
        #expect(first.trace.map(\.stage) == ["PortfolioGuard", "CorrelationSizer", "Cooldown", "DecayDetector"])
        #expect(first.account_after.live_gross_usd == 50_000)
        // It let new risk through, so it names what the scenario could not check.
        #expect(first.unchecked.map(\.check) == ["ROLLING_DRAWDOWN_BREACHED", "ACCOUNT_DAILY_LOSS", "STRATEGY_DAILY_LOSS", "PENDING_ORDERS",
                                                 "SELF_TRADE_PREVENTED", "AUDIT_QUEUE_SHARE_EXCEEDED", "LOOP_TIME_SHARE_EXCEEDED",
                                                 "CALLBACK_OVERRUN"])
        // The second intent sees the budget the first one used up; refused, it has nothing unchecked.
        #expect(outputs[1].verdict == "REJECT")
        #expect(outputs[1].reason == "AGGREGATE_NOTIONAL_EXHAUSTED")
        #expect(outputs[1].unchecked.isEmpty)
        // Pretty-printed with sorted keys: the first key of each decision is account_after.
        #expect(stdout.hasPrefix("[\n  {\n    \"account_after\" : {"))
    }

    @Test func theFirewallsInstrumentRulesApplyToWhatIfDecisions() throws {
        // The example's config with lots of 0.7 on ETHUSD and at most 10 units per SOLUSD order.
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: Self.config, encoding: .utf8).replacingOccurrences(
            of: "risk:\n  account:\n",
            with: "risk:\n  instruments:\n    ETHUSD: {lot_size: 0.7, tick_size: 0.01}\n    SOLUSD: {max_quantity: 10}\n  account:\n")
        try #require(text.contains("lot_size: 0.7"))
        let config = folder.appendingPathComponent("whatif.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["decide", "--config", config, "--input", Self.example])
        try #require(status == 0, "decide failed: \(stderr)")
        let outputs = try JSONDecoder().decode([Output].self, from: Data(stdout.utf8))
        try #require(outputs.count == 2)
        // 7 ETH reshaped to the 6 the cap leaves (12,000 at 2,000), then down to 8 lots of 0.7.
        let first = outputs[0]
        #expect(first.verdict == "RESHAPE" && first.reason == "AGGREGATE_NOTIONAL_RESHAPE")
        #expect(abs(first.final_quantity - 5.6) < 1e-12)
        #expect(first.reasons.map(\.code).contains("LOT_SIZE_ROUNDED"))
        #expect(first.trace.last?.stage == "ExecutionAdapter" && first.trace.last?.code == "LOT_SIZE_ROUNDED")
        // 20 SOL against a maximum of 10: a typo, refused whole by the Firewall.
        let second = outputs[1]
        #expect(second.verdict == "REJECT" && second.reason == "ORDER_QUANTITY_ABOVE_MAX")
        #expect(second.reason_detail == "ORDER_QUANTITY_ABOVE_MAX: quantity=20 max_quantity=10")
        #expect(second.trace.map(\.stage) == ["Firewall"])
    }

    @Test func aMalformedInputExitsWithStatusTwoNamingTheFileAndPath() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let malformed = folder.appendingPathComponent("malformed.json").path
        try #"{"intents": [ {"strategy": "ema_majors""#.write(toFile: malformed, atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try ProcessDriver.run("gatehouse", ["decide", "--config", Self.config, "--input", malformed])
        #expect(status == 2)
        #expect(stdout.isEmpty)
        #expect(stderr.contains("gatehouse decide: input error: \(malformed): malformed JSON"))

        let badSymbol = folder.appendingPathComponent("bad-symbol.json").path
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: #""symbol": "SOLUSD", "side""#, with: #""symbol": "DOGE", "side""#)
        try text.write(toFile: badSymbol, atomically: true, encoding: .utf8)
        let (status2, _, stderr2) = try ProcessDriver.run("gatehouse", ["decide", "--config", Self.config, "--input", badSymbol])
        #expect(status2 == 2)
        #expect(stderr2.contains("\(badSymbol): intents[1].symbol: 'DOGE' is not a symbol of the config"))
    }
}
