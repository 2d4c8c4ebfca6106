import StrategyABI

/// The outcome of decoding one `[topic, payload]` feed frame.
public enum DecodedFrame: Equatable, Sendable {
    /// A valid event for a known symbol.
    case event(MarketEvent)
    /// The publisher finished; it had sent `framesSent` data frames on this stream before.
    case endOfStream(framesSent: UInt64)
    /// The frame was unusable and must be dropped (and counted).
    case dropped(FrameDropReason)
}

/// Decodes feed frames in either payload encoding (see docs/wire-format.md):
/// a JSON object (first non-blank byte `{`) or the 64-byte binary layout `gh_wire_md_v1`.
///
/// Pure and allocation-free for known symbols: it only reads the frame bytes and the symbol table.
public struct FeedFrameDecoder: Sendable {
    /// The symbols any plugin trades; frames for other symbols are dropped as `unknownSymbol`.
    public let symbols: SymbolTable

    /// A decoder resolving symbols against `symbols`.
    public init(symbols: SymbolTable) { self.symbols = symbols }

    /// Decodes one frame. Never traps on any input.
    public func decode(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> DecodedFrame {
        guard let symbolBytes = FeedTopic.symbolBytes(of: topic) else { return .dropped(.badTopic) }
        if symbolBytes.equals("_eos") { return decodeEndOfStream(payload) }
        guard let symbolID = symbols.lookup(symbolBytes) else { return .dropped(.unknownSymbol) }
        let decoded = Self.looksLikeJSON(payload)
            ? Self.decodeJSON(payload, symbolID: symbolID)
            : Self.decodeBinary(payload, symbolID: symbolID)
        switch decoded {
        case .event(let event):
            if let failure = event.validationFailure() { return .dropped(failure) }
            return decoded
        case .endOfStream:
            // An end-of-stream payload is only valid on the `_eos` topic.
            return .dropped(.unknownType)
        case .dropped:
            return decoded
        }
    }

    private func decodeEndOfStream(_ payload: UnsafeRawBufferPointer) -> DecodedFrame {
        let decoded = Self.looksLikeJSON(payload)
            ? Self.decodeJSON(payload, symbolID: 0)
            : Self.decodeBinary(payload, symbolID: 0)
        if case .event = decoded { return .dropped(.unknownType) }
        return decoded
    }

    static func looksLikeJSON(_ payload: UnsafeRawBufferPointer) -> Bool {
        for byte in payload {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { continue }
            return byte == UInt8(ascii: "{")
        }
        return false
    }

    // MARK: Binary

    static func decodeBinary(_ payload: UnsafeRawBufferPointer, symbolID: UInt32) -> DecodedFrame {
        guard payload.count == Int(GH_WIRE_MD_V1_SIZE) else {
            // An empty or short payload that is not binary either is most likely broken JSON or
            // plain text; a 64-byte one with a wrong header is a binary frame of another version.
            return .dropped(.wrongBinaryLength)
        }
        guard payload[0] == UInt8(GH_WIRE_MAGIC_0), payload[1] == UInt8(GH_WIRE_MAGIC_1),
              payload[2] == UInt8(GH_WIRE_VERSION)
        else { return .dropped(.badBinaryHeader) }
        let timestamp = Int64(littleEndian: payload.loadUnaligned(fromByteOffset: 8, as: Int64.self))
        func value(_ index: Int) -> Double {
            Double(bitPattern: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 16 + 8 * index, as: UInt64.self)))
        }
        let kindByte = payload[3]
        if kindByte == UInt8(GH_WIRE_END_OF_STREAM) {
            let sent = value(0)
            guard sent.isFinite, sent >= 0, sent < 9.0e15 else { return .dropped(.missingField) }
            return .endOfStream(framesSent: UInt64(sent))
        }
        guard let kind = MarketEventKind(rawValue: kindByte) else { return .dropped(.unknownType) }
        // Only the slots the kind uses are read: the others are 0 in the event whatever the
        // publisher wrote there (MarketEvent promises it, and the event must equal the same frame
        // sent as JSON, which has no such slots).
        switch kind {
        case .trade: return .event(.trade(symbolID: symbolID, timestampNs: timestamp, price: value(0), size: value(1)))
        case .quote:
            return .event(.quote(symbolID: symbolID, timestampNs: timestamp, bid: value(0), bidSize: value(1), ask: value(2), askSize: value(3)))
        case .bar:
            return .event(.bar(symbolID: symbolID, timestampNs: timestamp, open: value(0), high: value(1), low: value(2), close: value(3), volume: value(4)))
        }
    }

    // MARK: JSON

    /// Field slots filled while scanning a JSON payload.
    private struct JSONFields {
        var type: UnsafeRawBufferPointer?
        var timestamp: UnsafeRawBufferPointer?
        var timestampIsNumber = true
        // trade: price size; quote: bid bid_size ask ask_size; bar: open high low close volume
        var numbers: (Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?) =
            (nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)
        var framesSent: Double?
        var wrongType = false
    }

    static func decodeJSON(_ payload: UnsafeRawBufferPointer, symbolID: UInt32) -> DecodedFrame {
        var fields = JSONFields()
        do {
            try FlatJSONObject.scan(payload) { key, value in
                func number() -> Double? {
                    guard case .number(let text) = value else { fields.wrongType = true; return nil }
                    return text.parseDouble()
                }
                if key.equals("type") {
                    if case .string(let text) = value { fields.type = text } else { fields.wrongType = true }
                } else if key.equals("ts_ns") {
                    if case .number(let text) = value { fields.timestamp = text } else { fields.timestampIsNumber = false }
                } else if key.equals("price") { fields.numbers.0 = number()
                } else if key.equals("size") { fields.numbers.1 = number()
                } else if key.equals("bid") { fields.numbers.2 = number()
                } else if key.equals("bid_size") { fields.numbers.3 = number()
                } else if key.equals("ask") { fields.numbers.4 = number()
                } else if key.equals("ask_size") { fields.numbers.5 = number()
                } else if key.equals("open") { fields.numbers.6 = number()
                } else if key.equals("high") { fields.numbers.7 = number()
                } else if key.equals("low") { fields.numbers.8 = number()
                } else if key.equals("close") { fields.numbers.9 = number()
                } else if key.equals("volume") { fields.numbers.10 = number()
                } else if key.equals("frames_sent") { fields.framesSent = number()
                }
                // Other keys (symbol, venue, sequence numbers, …) are allowed and ignored.
            }
        } catch {
            return .dropped(.badJSON)
        }
        guard let type = fields.type else { return .dropped(.missingField) }
        if fields.wrongType { return .dropped(.missingField) }
        guard fields.timestampIsNumber, let timestampText = fields.timestamp else { return .dropped(.invalidTimestamp) }
        guard let timestamp = timestampText.parseInt64() else { return .dropped(.invalidTimestamp) }
        let n = fields.numbers
        if type.equals("trade") {
            guard let price = n.0, let size = n.1 else { return .dropped(.missingField) }
            return .event(.trade(symbolID: symbolID, timestampNs: timestamp, price: price, size: size))
        } else if type.equals("quote") {
            guard let bid = n.2, let bidSize = n.3, let ask = n.4, let askSize = n.5 else { return .dropped(.missingField) }
            return .event(.quote(symbolID: symbolID, timestampNs: timestamp, bid: bid, bidSize: bidSize, ask: ask, askSize: askSize))
        } else if type.equals("bar") {
            guard let open = n.6, let high = n.7, let low = n.8, let close = n.9, let volume = n.10 else {
                return .dropped(.missingField)
            }
            return .event(.bar(symbolID: symbolID, timestampNs: timestamp, open: open, high: high, low: low, close: close, volume: volume))
        } else if type.equals("eos") {
            guard let sent = fields.framesSent, sent.isFinite, sent >= 0, sent < 9.0e15 else { return .dropped(.missingField) }
            return .endOfStream(framesSent: UInt64(sent))
        }
        return .dropped(.unknownType)
    }
}
