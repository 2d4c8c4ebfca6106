import Engine
import Foundation
import Journal
import Risk
import Testing
import ZeroMQ
@testable import Host

/// The event path (docs/journal.md, "The event path"): the journal and the risk event stream
/// consume the same engine events, each from its own ring on its own thread. A journal that
/// falls behind never holds up the stream or its heartbeats; a stream that falls behind loses
/// messages to the stream alone, with the gap visible in `seq` and counted in the heartbeat,
/// while the journal keeps every row.
@Suite("Event path: journal and stream apart")
struct EventPathTests {
    static let book = "risk: {strategy: {max_trades_per_day: 1000}}"

    @Test func aJournalThatFallsBehindNeverStopsTheStreamOrItsHeartbeats() throws {
        let h = try JournaledHost(strategies: [("a", ["BTCUSD"], "")], config: Self.book, stream: true, pauseJournal: true)
        let trades = 20
        for trade in 1...trades { h.trade("BTCUSD", price: 100, at: Int64(1_000 * trade)) }
        // The journal has taken nothing: its writer is paused and its ring holds every event.
        #expect(h.sink.journal!.ring.count > trades)
        var decisions = 0, heartbeatsAfter = 0
        let deadline = Date().addingTimeInterval(30)
        while (decisions < trades || heartbeatsAfter < 2) && Date() < deadline {
            guard let event = try h.receive() else { continue }
            if event.kind == "decision" { decisions += 1 }
            if event.kind == "heartbeat" && decisions == trades { heartbeatsAfter += 1 }
        }
        #expect(decisions == trades, "the stream waited for the journal")
        #expect(heartbeatsAfter >= 2, "heartbeats stopped while the journal was behind")
        let reader = try JournalReader(path: h.journalPath)
        #expect(try reader.count(.decision) == 0, "the paused journal committed decisions")
        reader.close()
        h.resumeJournal()
        try h.finish()
        // Nothing was lost to the journal for the stream's sake, nor the other way round.
        #expect(try h.journal().filter { $0.record.kind == .decision }.count == trades)
    }

    @Test func aStalledStreamLosesMessagesToTheStreamAloneWithTheGapInSeqAndTheHeartbeat() throws {
        let h = try JournaledHost(strategies: [("a", ["BTCUSD"], "")], config: Self.book, stream: true, streamRingCapacity: 4)
        let stream = try #require(h.sink.stream)
        stream.pauseForTesting()
        let trades = 10
        for trade in 1...trades { h.trade("BTCUSD", price: 100, at: Int64(1_000 * trade)) }
        // Four events fit in the ring; the rest were lost to the stream, and the loop never waited.
        let lost = stream.lost
        #expect(lost > 0 && stream.ring.count == 4)
        #expect(!h.lines("a").contains { $0.contains("JOURNAL_UNAVAILABLE") }, "a full stream made the host refuse risk")
        stream.resumeForTesting()
        // The gap: seqs run on past the lost messages, and a heartbeat counts them.
        var seqs: [Int] = [], droppedInHeartbeat = 0
        let deadline = Date().addingTimeInterval(30)
        while droppedInHeartbeat < Int(lost) && Date() < deadline {
            guard let event = try h.receive() else { continue }
            seqs.append(event.seq)
            if event.kind == "heartbeat" { droppedInHeartbeat = Int(JournaledHost.number(event.data["dropped"]) ?? 0) }
        }
        #expect(droppedInHeartbeat == Int(lost))
        let gaps = zip(seqs, seqs.dropFirst()).reduce(0) { $0 + ($1.1 - $1.0 - 1) }
        #expect(gaps == Int(lost), "seqs \(seqs)")
        try h.finish()
        // The journal has every decision, the lost ones included.
        #expect(try h.journal().filter { $0.record.kind == .decision }.count == trades)
    }

    @Test func theJournalRowsAndTheStreamMessageOfADecisionComeFromOneFact() throws {
        let names = EventNames(strategies: ["ema"], symbols: ["BTCUSD", "ETHUSD"])
        let decision = Decision(decisionID: 7, strategyID: 1, clientID: 3, symbolID: 2, verdict: .reshape,
                                reason: .aggregateNotionalReshape, requestedQuantity: 2, finalQuantity: 1.5, timestampNs: 9_000)
        let note = StageNote(stage: .portfolioGuard, code: .aggregateNotionalReshape, quantityIn: 2, quantityOut: 1.5,
                             factor: 0.75, details: (50_000, 38_000, 16_000, 12_000))
        let fact = DecisionFact(decision: decision, side: .buy, orderType: .limit, limitPrice: 8_000, stopLossPrice: .nan,
                                reduceOnly: false, origin: .strategy, mode: .shadow, trace: StageTrace([note]), wallTimeNs: 10_000)
        let rows = JournalProjection(names: names).records(for: .decision(fact))
        guard rows.count == 2, case .intent(let intent) = rows[0], case .decision(let row) = rows[1] else {
            Issue.record("a decision is an intent row and a decision row: \(rows)")
            return
        }
        #expect(intent.symbol == "ETHUSD" && intent.side == "buy" && intent.orderType == "limit" && intent.stopLossPrice == 0)
        #expect(row.verdict == "RESHAPE" && row.reason == "AGGREGATE_NOTIONAL_RESHAPE" && row.stages.count == 1)
        let messages = StreamProjection(names: names, decisions: .all).messages(for: .decision(fact))
        let message = try #require(messages.first)
        #expect(messages.count == 1 && message.topic == "risk.decision.ema")
        let data = try #require(try JSONSerialization.jsonObject(with: Data(message.data.utf8)) as? [String: Any])
        #expect(data["symbol"] as? String == "ETHUSD" && data["mode"] as? String == "shadow" && data["verdict"] as? String == "RESHAPE")
        let stages = try #require(data["stages"] as? [[String: Any]])
        #expect(stages.first?["detail"] as? String == row.stages.first?.detail)
        // Only decisions that were not approved, when asked: this reshape is one of them.
        #expect(StreamProjection(names: names, decisions: .notApproved).messages(for: .decision(fact)).count == 1)
    }

    @Test func aRingSlotIsNoLargerThanADecisionWithItsTrace() {
        // Every event shares the slot size of the largest: a new fact carrying more than a
        // decision would make both rings larger (docs/configuration.md, `queue_capacity`).
        print("EngineEvent stride: \(MemoryLayout<EngineEvent>.stride) bytes; DecisionFact: \(MemoryLayout<DecisionFact>.stride)")
        #expect(MemoryLayout<EngineEvent>.stride <= MemoryLayout<DecisionFact>.stride + 8)
        #expect(TickBatch.capacity == 21)
    }
}

/// No subscriber can make the host hold a huge message: a subscription past 118 bytes (no topic
/// is longer than 78) gets its connection dropped by libzmq before it is read.
@Suite("Event stream: subscription size")
struct SubscriptionSizeTests {
    @Test func aSubscriberSendingAnOversizedSubscriptionIsCutOffAndTheOthersKeepTheirHeartbeats() throws {
        let h = try JournaledHost(strategies: [("a", ["BTCUSD"], "")], config: EventPathTests.book, stream: true)
        let context = try ZMQContext()
        let bad = try ZMQSocket(context: context, type: .sub)
        defer { bad.close() }
        try bad.setLinger(milliseconds: 0)
        try bad.setReceiveTimeout(milliseconds: 100)
        // An oversized prefix first, then one that matches every event, on the same connection.
        // It sorts before "risk.": a SUB resends its subscriptions in sorted order when it
        // connects again, so the oversized one still comes first then.
        try bad.subscribe(String(repeating: "a", count: 4_096))
        try bad.subscribe("risk.")
        try bad.connect("ipc://\(h.folder.path)/events.sock")
        var heartbeats = 0, badReceived = 0
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            if let event = try h.receive(), event.kind == "heartbeat" { heartbeats += 1 }
            if try bad.receiveMultipart(dontWait: true) != nil { badReceived += 1 }
        }
        #expect(heartbeats >= 10, "the other subscriber lost its heartbeats")
        #expect(badReceived == 0, "a subscriber whose subscription is 4 KiB was served \(badReceived) messages")
    }
}
