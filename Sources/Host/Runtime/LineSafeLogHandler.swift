import Logging

/// A log handler that keeps every log event on one line: control characters in the message and
/// in metadata values (a newline in an operator's reason, a plugin's log text, a gateway's
/// field) are written escaped (`\n`, `\r`, `\t`, `\u{1b}`), so no input can forge a log line
/// or hide one. Wraps the handler that writes.
public struct LineSafeLogHandler<Wrapped: LogHandler>: LogHandler {
    public var wrapped: Wrapped

    public init(wrapping wrapped: Wrapped) { self.wrapped = wrapped }

    public func log(event: LogEvent) {
        var safe = event
        let text = event.message.description
        if Self.needsEscaping(text) { safe.message = "\(Self.escaped(text))" }
        if let metadata = event.metadata { safe.metadata = metadata.mapValues(Self.escaped) }
        wrapped.log(event: safe)
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue.mapValues(Self.escaped) }
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue.map(Self.escaped) }
    }

    /// Whether `text` holds a character that would break the line (C0 controls and DEL).
    static func needsEscaping(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// `text` with its control characters escaped; unchanged (and not copied) when it has none.
    public static func escaped(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(escaped(text))
        case .stringConvertible(let convertible):
            needsEscaping(convertible.description) ? .string(escaped(convertible.description)) : value
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
