import StrategyABI

/// The payload encoding a publisher uses (see docs/wire-format.md).
public enum PayloadEncoding: String, Sendable, CaseIterable {
    /// A flat JSON object; readable, about 9× slower to decode than binary (BENCHMARKS.md).
    case json
    /// The 64-byte little-endian `gh_wire_md_v1` layout from the C header.
    case binary
}

/// Encodes events as feed payloads: the inverse of `FeedFrameDecoder`.
public enum FeedFrameEncoder {
    /// Writes the 64-byte binary payload of `event` into `buffer` (resized to 64 bytes).
    public static func encodeBinary(_ event: MarketEvent, into buffer: inout [UInt8]) {
        writeBinary(kind: event.kind.rawValue, timestampNs: event.timestampNs,
                    values: (event.v0, event.v1, event.v2, event.v3, event.v4, event.v5), into: &buffer)
    }

    /// Writes a binary end-of-stream payload announcing `framesSent` data frames.
    public static func encodeBinaryEndOfStream(framesSent: UInt64, timestampNs: Int64, into buffer: inout [UInt8]) {
        writeBinary(kind: UInt8(GH_WIRE_END_OF_STREAM), timestampNs: timestampNs,
                    values: (Double(framesSent), 0, 0, 0, 0, 0), into: &buffer)
    }

    private static func writeBinary(
        kind: UInt8, timestampNs: Int64,
        values: (Double, Double, Double, Double, Double, Double), into buffer: inout [UInt8]
    ) {
        if buffer.count != Int(GH_WIRE_MD_V1_SIZE) {
            buffer = [UInt8](repeating: 0, count: Int(GH_WIRE_MD_V1_SIZE))
        }
        buffer.withUnsafeMutableBytes { raw in
            raw[0] = UInt8(GH_WIRE_MAGIC_0)
            raw[1] = UInt8(GH_WIRE_MAGIC_1)
            raw[2] = UInt8(GH_WIRE_VERSION)
            raw[3] = kind
            raw.storeBytes(of: UInt32(0).littleEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: timestampNs.littleEndian, toByteOffset: 8, as: Int64.self)
            raw.storeBytes(of: values.0.bitPattern.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: values.1.bitPattern.littleEndian, toByteOffset: 24, as: UInt64.self)
            raw.storeBytes(of: values.2.bitPattern.littleEndian, toByteOffset: 32, as: UInt64.self)
            raw.storeBytes(of: values.3.bitPattern.littleEndian, toByteOffset: 40, as: UInt64.self)
            raw.storeBytes(of: values.4.bitPattern.littleEndian, toByteOffset: 48, as: UInt64.self)
            raw.storeBytes(of: values.5.bitPattern.littleEndian, toByteOffset: 56, as: UInt64.self)
        }
    }

    /// The JSON payload of `event`, e.g. `{"type":"trade","ts_ns":…,"price":…,"size":…}`.
    /// Doubles are written in Swift's shortest round-trip form, so decoding gives the same bits.
    public static func encodeJSON(_ event: MarketEvent) -> String {
        let head = "{\"type\":\"\(event.kind.jsonName)\",\"ts_ns\":\(event.timestampNs)"
        switch event.kind {
        case .trade:
            return head + ",\"price\":\(json(event.v0)),\"size\":\(json(event.v1))}"
        case .quote:
            return head + ",\"bid\":\(json(event.v0)),\"bid_size\":\(json(event.v1)),\"ask\":\(json(event.v2)),\"ask_size\":\(json(event.v3))}"
        case .bar:
            return head + ",\"open\":\(json(event.v0)),\"high\":\(json(event.v1)),\"low\":\(json(event.v2)),\"close\":\(json(event.v3)),\"volume\":\(json(event.v4))}"
        }
    }

    /// The JSON end-of-stream payload.
    public static func encodeJSONEndOfStream(framesSent: UInt64, timestampNs: Int64) -> String {
        "{\"type\":\"eos\",\"ts_ns\":\(timestampNs),\"frames_sent\":\(framesSent)}"
    }

    /// A double as a JSON number (`1.0` → `1`). JSON cannot spell NaN or infinity: those become
    /// `null`, which a decoder rejects as a missing field rather than reading a made-up number.
    static func json(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
