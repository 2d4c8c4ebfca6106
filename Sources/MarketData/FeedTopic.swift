/// Market-data topics: `md.<venue>.<symbol>`, both parts non-empty, the symbol without dots.
/// The reserved symbol `_eos` marks an end-of-stream frame.
public enum FeedTopic {
    /// The topic of `symbol` on `venue`.
    public static func topic(venue: String, symbol: String) -> String { "md.\(venue).\(symbol)" }

    /// The end-of-stream topic of `venue`.
    public static func endOfStream(venue: String) -> String { "md.\(venue).\(endOfStreamSymbol)" }

    /// Symbol part of the end-of-stream topic.
    public static let endOfStreamSymbol = "_eos"

    /// Whether `name` can be a symbol or a venue in a topic: 1-32 characters of ASCII letters,
    /// digits, `_`, `-` or `/` (no dots, spaces or control characters), and not `_eos`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 32 && name != endOfStreamSymbol && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
        }
    }

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
