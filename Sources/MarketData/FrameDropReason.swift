/// Why a feed frame was dropped. Each is counted per feed; `name` is the stable label used in logs,
/// summaries and metrics (documented in docs/wire-format.md).
public enum FrameDropReason: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// Not exactly two frames `[topic, payload]`.
    case wrongFrameCount
    /// The topic is not `md.<venue>.<symbol>`.
    case badTopic
    /// The topic's symbol is not one any plugin trades.
    case unknownSymbol
    /// The payload starts like JSON (`{`) but is not one well-formed JSON object.
    case badJSON
    /// A JSON payload lacks a required field or has one of the wrong type.
    case missingField
    /// The `type` (JSON) or `kind` (binary) is not trade, quote, bar or end of stream.
    case unknownType
    /// A price is NaN, infinite, zero or negative, or a quote is crossed, or a bar is inconsistent.
    case invalidPrice
    /// A size is NaN, infinite or negative (or zero for a trade).
    case invalidSize
    /// The timestamp is missing, not an integer, or not positive.
    case invalidTimestamp
    /// A payload that is not JSON and not exactly 64 bytes (the binary size).
    case wrongBinaryLength
    /// A binary payload with another magic or version.
    case badBinaryHeader
    /// A well-formed event dated too far ahead: of the wall clock (a live host) or of the latest
    /// event the host accepted (a replay). One such frame must not move the host's clock.
    case futureTimestamp

    /// Stable snake_case label.
    public var name: String {
        switch self {
        case .wrongFrameCount: "wrong_frame_count"
        case .badTopic: "bad_topic"
        case .unknownSymbol: "unknown_symbol"
        case .badJSON: "bad_json"
        case .missingField: "missing_field"
        case .unknownType: "unknown_type"
        case .invalidPrice: "invalid_price"
        case .invalidSize: "invalid_size"
        case .invalidTimestamp: "invalid_timestamp"
        case .wrongBinaryLength: "wrong_binary_length"
        case .badBinaryHeader: "bad_binary_header"
        case .futureTimestamp: "future_timestamp"
        }
    }

    public var description: String { name }
}
