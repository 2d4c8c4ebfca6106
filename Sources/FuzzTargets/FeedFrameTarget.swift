import MarketData

/// `FeedFrameDecoder.decode` on one `[topic, payload]` frame.
///
/// Input layout: the first byte picks the topic (`% 4`): 0 `md.sim.BTCUSD`, 1 `md.sim.ETHUSD`,
/// 2 `md.sim._eos`, 3 the bytes up to the first newline are the topic (so topics are fuzzed too).
/// The rest is the payload. An empty input is an empty payload on the first topic.
///
/// Invariants beyond "no trap":
/// - an event passes `validationFailure()` (finite positive prices, sizes ≥ 0, a trade's > 0,
///   no crossed quote, a consistent bar, a positive timestamp), has a finite positive reference
///   price, carries the topic's symbol id, and has 0 in the value slots its kind does not use
///   (as `MarketEvent` documents);
/// - an event survives its own binary encoding bit for bit and its JSON encoding by value;
/// - an end of stream only comes on the `_eos` topic and survives both encodings;
/// - a drop names the reason the topic and symbol imply: `bad_topic` exactly when the topic is not
///   `md.<venue>.<symbol>`, `unknown_symbol` exactly when its symbol is not in the table, and
///   never a reason only the host gives (`wrong_frame_count`, `future_timestamp`).
enum FeedFrameTarget {
    static let symbols = SymbolTable(["BTCUSD", "ETHUSD"])
    static let decoder = FeedFrameDecoder(symbols: symbols)
    static let fixedTopics: [[UInt8]] = [Array("md.sim.BTCUSD".utf8), Array("md.sim.ETHUSD".utf8), Array("md.sim._eos".utf8)]

    /// Splits an input into its topic and payload (see the type's documentation).
    static func frame(of bytes: [UInt8]) -> (topic: [UInt8], payload: [UInt8]) {
        guard let selector = bytes.first else { return (fixedTopics[0], []) }
        let rest = bytes.dropFirst()
        if selector % 4 < 3 { return (fixedTopics[Int(selector % 4)], Array(rest)) }
        guard let newline = rest.firstIndex(of: 0x0A) else { return (Array(rest), []) }
        return (Array(rest[..<newline]), Array(rest[(newline + 1)...]))
    }

    static func decode(topic: [UInt8], payload: [UInt8]) -> DecodedFrame {
        topic.withUnsafeBytes { t in payload.withUnsafeBytes { p in decoder.decode(topic: t, payload: p) } }
    }

    static func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        let (topic, payload) = frame(of: bytes)
        let decoded = decode(topic: topic, payload: payload)
        let symbol: [UInt8]? = topic.withUnsafeBytes { FeedTopic.symbolBytes(of: $0).map { Array($0) } }
        let isEndOfStreamTopic = symbol == Array(FeedTopic.endOfStreamSymbol.utf8)
        let symbolID: UInt32? = symbol.flatMap { name in name.withUnsafeBytes { symbols.lookup($0) } }

        switch decoded {
        case .event(let event):
            try require(event.validationFailure() == nil, "an event that fails validation (\(event.validationFailure()!)): \(event)")
            try require(event.referencePrice.isFinite && event.referencePrice > 0, "an event without a finite positive reference price: \(event)")
            try require(symbolID != nil && event.symbolID == symbolID, "an event whose symbol id \(event.symbolID) is not its topic's (\(String(describing: symbolID)))")
            try require(unusedSlotsAreZero(event), "an event with a value in a slot its kind does not use: \(event)")
            var binary: [UInt8] = []
            FeedFrameEncoder.encodeBinary(event, into: &binary)
            let fromBinary = decode(topic: topic, payload: binary)
            guard case .event(let again) = fromBinary, bitIdentical(again, event) else {
                throw FuzzFinding("an event that does not survive its binary encoding: \(event) became \(fromBinary)")
            }
            let fromJSON = decode(topic: topic, payload: Array(FeedFrameEncoder.encodeJSON(event).utf8))
            try require(fromJSON == .event(event), "an event that does not survive its JSON encoding: \(event) became \(fromJSON)")
            return .accepted
        case .endOfStream(let framesSent):
            try require(isEndOfStreamTopic, "an end of stream on a topic other than _eos")
            var binary: [UInt8] = []
            FeedFrameEncoder.encodeBinaryEndOfStream(framesSent: framesSent, timestampNs: 1, into: &binary)
            let fromBinary = decode(topic: topic, payload: binary)
            try require(fromBinary == decoded, "an end of stream (\(framesSent)) that does not survive its binary encoding: \(fromBinary)")
            let json = FeedFrameEncoder.encodeJSONEndOfStream(framesSent: framesSent, timestampNs: 1)
            let fromJSON = decode(topic: topic, payload: Array(json.utf8))
            try require(fromJSON == decoded, "an end of stream (\(framesSent)) that does not survive its JSON encoding: \(fromJSON)")
            return .accepted
        case .dropped(let reason):
            try require(reason != .wrongFrameCount && reason != .futureTimestamp, "the decoder gave a reason only the host gives: \(reason)")
            try require((reason == .badTopic) == (symbol == nil), "bad_topic and the topic disagree: \(reason) for topic \(renderBytes(topic))")
            let unknown = symbol != nil && !isEndOfStreamTopic && symbolID == nil
            try require((reason == .unknownSymbol) == unknown, "unknown_symbol and the symbol table disagree: \(reason) for topic \(renderBytes(topic))")
            return .refused
        }
    }

    /// Whether the value slots `event.kind` does not use hold 0 (see `MarketEventKind`).
    static func unusedSlotsAreZero(_ event: MarketEvent) -> Bool {
        switch event.kind {
        case .trade: event.v2 == 0 && event.v3 == 0 && event.v4 == 0 && event.v5 == 0
        case .quote: event.v4 == 0 && event.v5 == 0
        case .bar: event.v5 == 0
        }
    }

    /// Equal, with every value the same bits (`==` would let 0 and -0 pass).
    static func bitIdentical(_ a: MarketEvent, _ b: MarketEvent) -> Bool {
        a.kind == b.kind && a.symbolID == b.symbolID && a.timestampNs == b.timestampNs
            && a.v0.bitPattern == b.v0.bitPattern && a.v1.bitPattern == b.v1.bitPattern && a.v2.bitPattern == b.v2.bitPattern
            && a.v3.bitPattern == b.v3.bitPattern && a.v4.bitPattern == b.v4.bitPattern && a.v5.bitPattern == b.v5.bitPattern
    }
}
