/// A configuration problem, naming the file and (where there is one) the key path, so an
/// operator can fix it without guessing. The host refuses to start on any of them.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// The config file.
    public let file: String
    /// Dotted key path, e.g. `strategies[1].allocated_capital_usd`; empty for file-level errors.
    public let keyPath: String
    /// What is wrong.
    public let message: String

    public init(file: String, keyPath: String = "", message: String) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}

/// Renders a decoding path as `a.b[2].c`.
package func renderKeyPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text
}
