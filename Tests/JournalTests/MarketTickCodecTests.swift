import Foundation
import Journal
import Testing

@Suite("Tick blocks (gatehouse-ticks-v1)")
struct MarketTickCodecTests {
    @Test func ticksComeBackExactlyAsTheyWereAppendedIncludingBackwardTimesAndNegativeZero() throws {
        let block = JournalTestSupport.tickBlock
        let ticks = try #require(block.decoded())
        let t0 = JournalTestSupport.t0
        #expect(ticks == [
            MarketTick(symbolID: 1, timeNs: t0 + 8, price: 60_000.125),
            MarketTick(symbolID: 300, timeNs: t0 + 1_008, price: 0.1 + 0.2),
            MarketTick(symbolID: 1, timeNs: t0 + 9, price: -0.0),
        ])
        #expect(ticks[2].price.sign == .minus)
        #expect(block.firstTimeNs == t0 + 8 && block.eventTimeNs == t0 + 9)
        // Symbol 1 and 300 take one and two bytes, the small time steps one or two; 60000.125 is
        // 60000125 / 10^3 (a five-byte word: the first of its symbol in the block), 0.1 + 0.2 has
        // no short decimal and −0 is not +0:
        // both go raw (a marker byte and eight).
        #expect(block.ticks.count == (1 + 1 + 5) + (2 + 2 + 1 + 8) + (1 + 2 + 1 + 8))
    }

    @Test func decimalPricesOfAFeedTakeOneOrTwoBytesAndComeBackBitForBit() throws {
        var rng = SystemRandomNumberGenerator()
        var codec = MarketTickCodec()
        var expected: [MarketTick] = []
        var mantissas: [Int64] = [6_000_012, 300_015, 15_000, 23_000_000]
        let scales = [2, 3, 2, 4]
        var time: Int64 = 1_772_460_000_000_000_000
        for _ in 0..<5_000 {
            let symbol = Int.random(in: 0..<4, using: &rng)
            mantissas[symbol] += Int64.random(in: -40...40, using: &rng)
            time += Int64.random(in: 1...2_000_000, using: &rng)
            // As a feed handler parses it from text.
            let price = Double("\(Double(mantissas[symbol]) / pow(10, Double(scales[symbol])))")!
            codec.append(symbolID: UInt32(symbol + 1), timeNs: time, price: price)
            expected.append(MarketTick(symbolID: UInt32(symbol + 1), timeNs: time, price: price))
        }
        let decoded = try #require(MarketTickCodec.decode(codec.bytes, count: codec.count, firstTimeNs: codec.firstTimeNs))
        #expect(decoded.map(\.price.bitPattern) == expected.map(\.price.bitPattern))
        #expect(decoded == expected)
        // Symbol (1) + time step (up to 3) + price word (mostly 1–2) bytes.
        #expect(Double(codec.bytes.count) / Double(codec.count) < 6.5, "\(codec.bytes.count) bytes for \(codec.count) ticks")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-10,
                      123_456_789.123_456_789, 9_007_199_254_740_993, -42.5, 0.1 + 0.2, 1 / 3])
    func anyDoubleComesBackBitForBit(price: Double) throws {
        var codec = MarketTickCodec()
        codec.append(symbolID: 7, timeNs: 5, price: 100.25)
        codec.append(symbolID: 7, timeNs: 6, price: price)
        codec.append(symbolID: 7, timeNs: 7, price: 100.5)
        let decoded = try #require(MarketTickCodec.decode(codec.bytes, count: 3, firstTimeNs: 5))
        #expect(decoded.map(\.price.bitPattern) == [100.25, price, 100.5].map(\.bitPattern))
    }

    @Test func eachBlockDecodesOnItsOwnAfterAReset() throws {
        var codec = MarketTickCodec()
        codec.append(symbolID: 2, timeNs: 10, price: 60_000.5)
        codec.reset()
        codec.append(symbolID: 2, timeNs: 20, price: 60_000.75)
        #expect(MarketTickCodec.decode(codec.bytes, count: 1, firstTimeNs: codec.firstTimeNs) == [MarketTick(symbolID: 2, timeNs: 20, price: 60_000.75)])
    }

    @Test func aResetCodecStartsANewBlockFromItsNextTick() {
        var codec = MarketTickCodec(reservingTicks: 4)
        codec.append(symbolID: 2, timeNs: 5_000, price: 1)
        codec.reset()
        #expect(codec.count == 0 && codec.bytes.isEmpty)
        codec.append(symbolID: 3, timeNs: 9_000, price: 2)
        #expect(MarketTickCodec.decode(codec.bytes, count: 1, firstTimeNs: codec.firstTimeNs) == [MarketTick(symbolID: 3, timeNs: 9_000, price: 2)])
    }

    @Test func aBlockTakenForARecordIsOnlyAsLongAsItsTicksAndTheCodecKeepsItsBuffer() {
        // The journal's feeder takes a block per event; its queue can hold thousands of them.
        var codec = MarketTickCodec(reservingTicks: 4_096)
        let reserved = codec.bytes.capacity
        codec.append(symbolID: 2, timeNs: 5_000, price: 1)
        let block = codec.blockBytes
        codec.reset()
        // Symbol 2, no time step from the block's first, price 1 at scale 0 (zigzag 2 << 4).
        #expect(block == [2, 0, 32])
        // Not the 32 KiB reserved for a quiet block (malloc may round a little up).
        #expect(block.capacity < 64, "a 3-byte block holds \(block.capacity) bytes of capacity")
        #expect(codec.bytes.capacity == reserved, "the codec's buffer was reallocated")
    }

    @Test(arguments: [
        ("a truncated price", 1),
        ("a trailing byte", -1),
    ])
    func aDamagedBlockDoesNotDecode(damage: String, trim: Int) {
        var bytes = JournalTestSupport.tickBlock.ticks
        if trim > 0 { bytes.removeLast(trim) } else { bytes.append(0) }
        #expect(MarketTickCodec.decode(bytes, count: 3, firstTimeNs: 0) == nil, "\(damage)")
    }

    @Test func aCountThatDoesNotMatchTheBytesDoesNotDecodeNorDoesAnUnknownFormat() {
        let block = JournalTestSupport.tickBlock
        #expect(MarketTickCodec.decode(block.ticks, count: 2, firstTimeNs: block.firstTimeNs) == nil)
        #expect(MarketTickCodec.decode(block.ticks, count: 4, firstTimeNs: block.firstTimeNs) == nil)
        var other = block
        other.format = "gatehouse-ticks-v9"
        #expect(other.decoded() == nil)
        // Symbol id 0 is never written: a block holding one is damaged.
        #expect(MarketTickCodec.decode([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], count: 1, firstTimeNs: 0) == nil)
    }
}
