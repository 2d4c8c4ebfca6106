/// A coding key for any string or index, used to list the keys actually present in a mapping.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// Thrown when a mapping holds a key its type does not define. A misspelt risk limit must never be
/// silently ignored, so every config type rejects unknown keys.
struct UnknownConfigKey: Error {
    let codingPath: [any CodingKey]
    let allowed: [String]
}

extension Decoder {
    /// Throws `UnknownConfigKey` if the mapping being decoded has a key outside `Keys`.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        try rejectUnknownKeys(allowed: Keys.allCases.map(\.stringValue))
    }

    /// Throws `UnknownConfigKey` if the mapping being decoded has a key outside `allowed`.
    func rejectUnknownKeys(allowed: [String]) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw UnknownConfigKey(codingPath: codingPath + [key], allowed: allowed)
        }
    }
}
