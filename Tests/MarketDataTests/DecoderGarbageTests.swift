import MarketData
import Testing

/// The decoder sees whatever a publisher sends: it must return a verdict for any bytes and never
/// trap. Random and mutated frames, from a seeded generator so a failure can be replayed.
@Suite("FeedFrameDecoder on garbage")
struct DecoderGarbageTests {
    static let decoder = FeedFrameDecoder(symbols: SymbolTable(["BTCUSD", "ETHUSD"]))

    static func decode(_ topic: [UInt8], _ payload: [UInt8]) -> DecodedFrame {
        topic.withUnsafeBytes { t in payload.withUnsafeBytes { p in decoder.decode(topic: t, payload: p) } }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytesAreAlwaysDroppedWithAReasonOrDecoded(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let topics: [[UInt8]] = [Array("md.sim.BTCUSD".utf8), Array("md.sim._eos".utf8), Array("md.x".utf8), []]
        var dropped = 0
        for _ in 0..<20_000 {
            let length = Int(random.next() % 80)
            var payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 3 == 0, !payload.isEmpty { payload[0] = UInt8(ascii: "{") }
            if case .dropped = Self.decode(topics[Int(random.next() % 4)], payload) { dropped += 1 }
        }
        #expect(dropped > 19_000)  // random bytes almost never form a valid frame
    }

    @Test(arguments: [5, 6] as [UInt64])
    func mutatedValidFramesNeverTrapAndNeverYieldAnInvalidEvent(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let valid = [
            Array(#"{"type":"trade","ts_ns":1772460000000000000,"price":60000.5,"size":0.25}"#.utf8),
            Array(#"{"type":"quote","ts_ns":1772460000000000000,"bid":1.5,"bid_size":2,"ask":1.6,"ask_size":3}"#.utf8),
            Array(#"{"type":"bar","ts_ns":1772460000000000000,"open":1,"high":2,"low":0.5,"close":1.5,"volume":10}"#.utf8),
        ]
        var binary = [UInt8]()
        FeedFrameEncoder.encodeBinary(.trade(symbolID: 1, timestampNs: 1_772_460_000_000_000_000, price: 100, size: 1), into: &binary)
        let frames = valid + [binary]
        let topic = Array("md.sim.BTCUSD".utf8)
        for _ in 0..<20_000 {
            var payload = frames[Int(random.next() % UInt64(frames.count))]
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(payload.count))
                switch random.next() % 3 {
                case 0: payload[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: payload.remove(at: position)
                default: payload.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                }
                if payload.isEmpty { break }
            }
            // Whatever survives a mutation must still pass validation: no NaN, no zero price.
            if case .event(let event) = Self.decode(topic, payload) {
                #expect(event.validationFailure() == nil)
                #expect(event.referencePrice.isFinite && event.referencePrice > 0)
            }
        }
    }
}
