import MarketData
import Testing

@Suite("SymbolTable")
struct SymbolTableTests {
    func lookup(_ table: SymbolTable, bytes: [UInt8]) -> UInt32? {
        bytes.withUnsafeBytes { table.lookup($0) }
    }

    @Test func idsAreDenseFromOneInInsertionOrder() {
        let table = SymbolTable(["BTCUSD", "ETHUSD", "SOLUSD"])
        #expect(table.count == 3)
        #expect(table.allNames == ["BTCUSD", "ETHUSD", "SOLUSD"])
        #expect(table.lookup("BTCUSD") == 1)
        #expect(table.lookup("ETHUSD") == 2)
        #expect(table.lookup("SOLUSD") == 3)
        #expect(table.intern("XAUUSD") == 4)
        #expect((1...4).map { table.name(of: UInt32($0)) } == ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD"])
    }

    @Test func internOfAKnownNameReturnsItsIdAndAddsNothing() {
        let table = SymbolTable(["A", "B", "A", "C", "B"])
        #expect(table.allNames == ["A", "B", "C"])
        #expect(table.intern("B") == 2)
        #expect(table.intern("A") == 1)
        #expect(table.count == 3)
    }

    @Test func lookupByRawBytesFindsTheSymbolInsideALargerBuffer() {
        let table = SymbolTable(["BTCUSD", "ETHUSD"])
        let topic = Array("md.sim.ETHUSD".utf8)
        let id = topic.withUnsafeBytes { table.lookup(UnsafeRawBufferPointer(rebasing: $0[7...])) }
        #expect(id == 2)
        #expect(lookup(table, bytes: Array("BTCUSD".utf8)) == 1)
    }

    @Test(arguments: ["", "BTC", "BTCUSDT", "btcusd", "BTCUSD ", " BTCUSD", "ETHUSD\0", "DOGE"])
    func unknownNamesAreNotFound(name: String) {
        let table = SymbolTable(["BTCUSD", "ETHUSD"])
        #expect(table.lookup(name) == nil)
        #expect(lookup(table, bytes: Array(name.utf8)) == nil)
    }

    @Test func anEmptyTableFindsNothing() {
        let table = SymbolTable()
        #expect(table.count == 0)
        #expect(table.lookup("BTCUSD") == nil)
        #expect(table.lookup("") == nil)
    }

    @Test func manySymbolsForceRehashingAndAllStayFindable() {
        let table = SymbolTable()
        let names = (0..<5_000).map { "SYM\($0)" }
        for (index, name) in names.enumerated() {
            #expect(table.intern(name) == UInt32(index + 1))
        }
        #expect(table.count == names.count)
        var wrong = 0
        for (index, name) in names.enumerated() where table.lookup(name) != UInt32(index + 1) { wrong += 1 }
        #expect(wrong == 0)
        var falseHits = 0
        for index in 5_000..<10_000 where table.lookup("SYM\(index)") != nil { falseHits += 1 }
        #expect(falseHits == 0)
        #expect(table.lookup("SYM") == nil)
    }

    @Test func cStringPointersStayValidAndUnchangedAsTheTableGrows() {
        let table = SymbolTable(["BTCUSD", "ETHUSD", "ÉTH-€"])
        let before = (1...3).map { table.cString(of: UInt32($0)) }
        for index in 0..<2_000 { table.intern("GROW\(index)") }
        let after = (1...3).map { table.cString(of: UInt32($0)) }
        #expect(before == after)
        #expect(before.map { String(cString: $0) } == ["BTCUSD", "ETHUSD", "ÉTH-€"])
        #expect(String(cString: table.cString(of: 2_003)) == "GROW1999")
    }

    @Test func nonASCIINamesRoundTrip() {
        let table = SymbolTable(["ÉTH-€", "日本"])
        #expect(table.lookup("ÉTH-€") == 1)
        #expect(table.lookup("日本") == 2)
        #expect(table.lookup("日") == nil)
        #expect(table.name(of: 2) == "日本")
    }
}

@Suite("FeedTopic")
struct FeedTopicTests {
    func symbol(of topic: String) -> String? {
        Array(topic.utf8).withUnsafeBytes { bytes in
            FeedTopic.symbolBytes(of: bytes).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    @Test func topicsAreBuiltAsMdVenueSymbol() {
        #expect(FeedTopic.topic(venue: "sim", symbol: "BTCUSD") == "md.sim.BTCUSD")
        #expect(FeedTopic.endOfStream(venue: "sim") == "md.sim._eos")
        #expect(FeedTopic.endOfStreamSymbol == "_eos")
    }

    @Test(arguments: [
        ("md.sim.BTCUSD", "BTCUSD"),
        ("md.a.b", "b"),
        ("md.binance-spot.ETH_USD", "ETH_USD"),
        ("md.sim._eos", "_eos"),
        ("md.sim.ÉTH", "ÉTH"),
    ])
    func validTopicsYieldTheirSymbol(topic: String, expected: String) {
        #expect(symbol(of: topic) == expected)
    }

    @Test(arguments: [
        "",  // empty
        "md",
        "md.",
        "md.sim",  // no symbol part
        "md.sim.",  // empty symbol
        "md..BTCUSD",  // missing venue
        "md.BTCUSD",  // missing venue (one dot)
        "md.sim.BTC.USD",  // extra dot in the symbol
        "md.sim.BTCUSD.",  // trailing dot
        "mx.sim.BTCUSD",  // wrong prefix
        "MD.sim.BTCUSD",
        "xmd.sim.BTCUSD",
        "md-sim.BTCUSD",
        "mdx.sim.BTCUSD",
        "md.sim.BTC USD",  // blank inside the symbol
        "md.sim.BTCUSD\n",
        "md.sim.BTC\u{7F}",
    ])
    func malformedTopicsYieldNoSymbol(topic: String) {
        #expect(symbol(of: topic) == nil)
    }

    @Test(arguments: ["BTCUSD", "x", "BTC/USD", "SOL-PERP", "a_b", "0123456789", String(repeating: "Z", count: 32), "eos", "_EOS"])
    func validNamesAreAccepted(name: String) {
        #expect(FeedTopic.isValidName(name))
    }

    @Test(arguments: ["", "_eos", "BTC.USD", "BTC USD", "BTC\tUSD", "BTC\u{7F}", "ÉTH", "BTC:USD", "BTC*",
                      String(repeating: "Z", count: 33)])
    func invalidNamesAreRejected(name: String) {
        #expect(!FeedTopic.isValidName(name))
    }

    @Test func everyValidNameMakesATopicWhoseSymbolDecodesBack() {
        for name in ["BTCUSD", "BTC/USD", "SOL-PERP", "a_b", String(repeating: "Z", count: 32)] {
            #expect(FeedTopic.isValidName(name))
            #expect(symbol(of: FeedTopic.topic(venue: "sim", symbol: name)) == name)
        }
    }

    @Test func aRoundTripThroughTopicGivesTheSymbolBack() {
        for name in ["BTCUSD", "X", "_eos", "SOL-PERP"] {
            #expect(symbol(of: FeedTopic.topic(venue: "v", symbol: name)) == name)
        }
    }
}
