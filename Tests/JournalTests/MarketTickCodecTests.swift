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
        // Symbol 1 and 300 take one and two bytes, the small time steps one or two, prices eight.
        #expect(block.ticks.count == (1 + 1 + 8) + (2 + 2 + 8) + (1 + 2 + 8))
    }

    @Test func aResetCodecStartsANewBlockFromItsNextTick() {
        var codec = MarketTickCodec(reservingTicks: 4)
        codec.append(symbolID: 2, timeNs: 5_000, price: 1)
        codec.reset()
        #expect(codec.count == 0 && codec.bytes.isEmpty)
        codec.append(symbolID: 3, timeNs: 9_000, price: 2)
        #expect(MarketTickCodec.decode(codec.bytes, count: 1, firstTimeNs: codec.firstTimeNs) == [MarketTick(symbolID: 3, timeNs: 9_000, price: 2)])
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
