/// Market-data topics: `md.<venue>.<symbol>`, both parts non-empty, the symbol without dots.
/// The reserved symbol `_eos` marks an end-of-stream frame.
public enum FeedTopic {
    /// The topic of `symbol` on `venue`.
    public static func topic(venue: String, symbol: String) -> String { "md.\(venue).\(symbol)" }

    /// The end-of-stream topic of `venue`.
    public static func endOfStream(venue: String) -> String { "md.\(venue).\(endOfStreamSymbol)" }

    /// Symbol part of the end-of-stream topic.
    public static let endOfStreamSymbol = "_eos"

    /// The symbol part of a topic, or `nil` if the topic is not `md.<venue>.<symbol>`.
    /// Allocates nothing: the result points into `topic`.
    public static func symbolBytes(of topic: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let dot = UInt8(ascii: ".")
        guard topic.count >= 6, topic[0] == UInt8(ascii: "m"), topic[1] == UInt8(ascii: "d"), topic[2] == dot else {
            return nil
        }
        var index = 3
        while index < topic.count, topic[index] != dot { index += 1 }
        // The venue is non-empty and followed by a dot, and the symbol is non-empty and dot-free.
        guard index > 3, index < topic.count - 1 else { return nil }
        let symbol = UnsafeRawBufferPointer(rebasing: topic[(index + 1)...])
        for byte in symbol where byte == dot || byte <= 0x20 || byte == 0x7F { return nil }
        return symbol
    }
}
