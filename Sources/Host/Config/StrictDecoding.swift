/// A coding key for any string or index, used to list the keys actually present in a mapping.
package struct AnyCodingKey: CodingKey {
    package var stringValue: String
    package var intValue: Int?
    package init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    package init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// Thrown when a mapping holds a key its type does not define. A misspelt risk limit must never be
/// silently ignored, so every config type rejects unknown keys.
package struct UnknownConfigKey: Error {
    package let codingPath: [any CodingKey]
    package let allowed: [String]
}

extension Decoder {
    /// Throws `UnknownConfigKey` if the mapping being decoded has a key outside `Keys`.
    package func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        try rejectUnknownKeys(allowed: Keys.allCases.map(\.stringValue))
    }

    /// Throws `UnknownConfigKey` if the mapping being decoded has a key outside `allowed`.
    package func rejectUnknownKeys(allowed: [String]) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw UnknownConfigKey(codingPath: codingPath + [key], allowed: allowed)
        }
    }

    /// Decodes a string that must be one of `Value`'s raw values. Anything else is refused with
    /// a message that lists them (the generic one names only the Swift type).
    package func decodeOneOf<Value: RawRepresentable & CaseIterable>(_: Value.Type) throws -> Value where Value.RawValue == String {
        let container = try singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Value(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
