import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Yams

/// Reads, decodes and validates a config file. Every failure is a `ConfigError` naming the file
/// and, where it applies, the key path.
public enum ConfigLoader {
    /// Loads the config at `path`.
    public static func load(path: String) throws(ConfigError) -> LoadedConfig {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw ConfigError(file: path, message: "\(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "not UTF-8 text")
        }
        // The config sets every limit: one that others may edit is refused.
        var info = stat()
        if stat(path, &info) == 0, let problem = FileTrust.problem(with: info, at: path) {
            throw ConfigError(file: path, message: "refused: \(problem)")
        }
        return try parse(text, file: path)
    }

    /// Decodes and validates config `text`; `file` names it in errors and anchors relative paths.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> LoadedConfig {
        if let found = YAMLAnchorCheck.firstAnchorOrAlias(in: text) {
            throw ConfigError(file: file, message: "line \(found.line): YAML anchors and aliases are not accepted ('\(found.token)'); write each value out where it is used")
        }
        let config: GatehouseConfig
        do {
            config = try YAMLDecoder().decode(GatehouseConfig.self, from: text)
        } catch let error as UnknownConfigKey {
            throw describe(error, file: file)
        } catch let error as DecodingError {
            throw describe(error, file: file)
        } catch let error as YamlError {
            throw ConfigError(file: file, message: "malformed YAML: \(describe(error))")
        } catch {
            throw ConfigError(file: file, message: "malformed config: \(error)")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let loaded = LoadedConfig(config: config, file: file, folder: folder, text: text)
        try ConfigValidator(file: file).validate(config)
        return loaded
    }

    static func describe(_ error: DecodingError, file: String) -> ConfigError {
        switch error {
        case .keyNotFound(let key, let context):
            return ConfigError(file: file, keyPath: renderKeyPath(context.codingPath + [key]), message: "required key is missing")
        case .typeMismatch(let type, let context):
            return ConfigError(file: file, keyPath: renderKeyPath(context.codingPath), message: "wrong type: expected \(typeName(type)) (\(context.debugDescription))")
        case .valueNotFound(let type, let context):
            return ConfigError(file: file, keyPath: renderKeyPath(context.codingPath), message: "missing value: expected \(typeName(type))")
        case .dataCorrupted(let context):
            if let unknown = context.underlyingError as? UnknownConfigKey { return describe(unknown, file: file) }
            if let syntax = context.underlyingError as? YamlError {
                return ConfigError(file: file, message: "malformed YAML: \(describe(syntax))")
            }
            let path = renderKeyPath(context.codingPath)
            if path.isEmpty {
                return ConfigError(file: file, message: "malformed YAML: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
            }
            return ConfigError(file: file, keyPath: path, message: "invalid value: \(context.debugDescription)")
        @unknown default:
            return ConfigError(file: file, message: "\(error)")
        }
    }

    static func describe(_ error: UnknownConfigKey, file: String) -> ConfigError {
        let allowed = error.allowed.isEmpty ? "this section takes no keys yet" : "expected one of: \(error.allowed.joined(separator: ", "))"
        return ConfigError(file: file, keyPath: renderKeyPath(error.codingPath), message: "unknown key (\(allowed))")
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt32.Type: "an integer"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default:
            "\(type)".hasPrefix("Array") ? "a list" : "a mapping"
        }
    }

    static func describe(_ error: YamlError) -> String {
        // YamlError's description carries the line, column and a caret under the offending text.
        "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}

/// A decoded, validated config plus where it came from.
public struct LoadedConfig: Sendable {
    /// `path` as written in the config: absolute, or relative to the config file's folder.
    public func resolvePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
    }

    /// The same config with every strategy in shadow mode (`--shadow`): nothing it approves can
    /// reach a venue. The account keeps the starting equity the config gives it as written. With
    /// no live strategy left, the live book stays empty and live equity never moves, so account
    /// limits see only each strategy's own shadow book (docs/execution.md).
    public func forcingShadow() -> LoadedConfig {
        var copy = self
        copy.config.risk.startingEquityUSD = config.startingEquityUSD
        for index in copy.config.strategies.indices { copy.config.strategies[index].mode = .shadow }
        return copy
    }

    /// The decoded config.
    public var config: GatehouseConfig
    /// The path it was read from.
    public let file: String
    /// The folder relative paths in it are resolved against.
    public let folder: String
    /// The file's text as read at start (`gatehouse ctl limits` compares a new file with it).
    public let text: String
}
