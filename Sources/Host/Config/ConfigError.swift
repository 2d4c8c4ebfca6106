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

/// Renders a decoding path as `a.b[2].c`. An empty key is written `""`, so an error about it
/// still shows where it is (a path of one empty key would otherwise read as no path at all).
package func renderKeyPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for (position, key) in path.enumerated() {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            let name = key.stringValue.isEmpty ? "\"\"" : key.stringValue
            text += position == 0 ? name : ".\(name)"
        }
    }
    return text
}
