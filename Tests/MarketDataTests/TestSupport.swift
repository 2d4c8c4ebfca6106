import MarketData
import Testing

/// The symbols every decoder test resolves against: BTCUSD = 1, ETHUSD = 2, SOLUSD = 3.
let testSymbols = SymbolTable(["BTCUSD", "ETHUSD", "SOLUSD"])
let testDecoder = FeedFrameDecoder(symbols: testSymbols)
let btc: UInt32 = 1, eth: UInt32 = 2, sol: UInt32 = 3

/// A plausible timestamp (2023-11-14T22:13:20Z).
let ts: Int64 = 1_700_000_000_000_000_000

/// Decodes `[topic, payload]` with `testDecoder` (or `decoder`).
func decode(topic: String = "md.sim.BTCUSD", _ payload: [UInt8], with decoder: FeedFrameDecoder = testDecoder) -> DecodedFrame {
    Array(topic.utf8).withUnsafeBytes { topicBytes in
        payload.withUnsafeBytes { decoder.decode(topic: topicBytes, payload: $0) }
    }
}

/// Decodes a JSON payload.
func decode(topic: String = "md.sim.BTCUSD", json: String) -> DecodedFrame {
    decode(topic: topic, Array(json.utf8))
}

/// A binary payload built byte by byte, independently of `FeedFrameEncoder`, following the
/// documented `gh_wire_md_v1` layout: magic 'G' 'M', version, kind, reserved u32, ts i64,
/// six binary64 values, all little-endian.
func wirePayload(
    kind: UInt8, timestampNs: Int64, values: [Double],
    magic: (UInt8, UInt8) = (0x47, 0x4D), version: UInt8 = 1, reserved: UInt32 = 0
) -> [UInt8] {
    precondition(values.count <= 6)
    var bytes: [UInt8] = [magic.0, magic.1, version, kind]
    func appendLittleEndian(_ value: UInt64, byteCount: Int) {
        for index in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
    appendLittleEndian(UInt64(reserved), byteCount: 4)
    appendLittleEndian(UInt64(bitPattern: timestampNs), byteCount: 8)
    for value in values + Array(repeating: 0, count: 6 - values.count) {
        appendLittleEndian(value.bitPattern, byteCount: 8)
    }
    return bytes
}

/// The encoder's binary payload of `event`.
func encodedBinary(_ event: MarketEvent) -> [UInt8] {
    var buffer: [UInt8] = []
    FeedFrameEncoder.encodeBinary(event, into: &buffer)
    return buffer
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator so property tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A labelled test input, so parameterised test output says what each case is.
struct Case<Input: Sendable>: Sendable, CustomTestStringConvertible {
    let label: String
    let input: Input
    let expected: FrameDropReason
    init(_ label: String, _ input: Input, _ expected: FrameDropReason) {
        self.label = label
        self.input = input
        self.expected = expected
    }
    var testDescription: String { "\(label) → \(expected.name)" }
}
