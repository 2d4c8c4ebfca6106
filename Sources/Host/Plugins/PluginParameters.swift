import StrategyABI

#if canImport(Glibc)
import Glibc
#endif

/// A strategy's `params` mapping from the config, read by key through the host API's typed
/// getters (`get_param_double`, `_int`, `_bool`, `_string`), so that no plugin has to parse the
/// JSON text `create` is given.
///
/// A key names a member of the mapping; a dotted key (`exit.atr_multiple`) reaches into nested
/// mappings, one segment a level, once no member is named by the whole key. Arrays are not
/// reachable by key (they stay in `create`'s JSON). Strings handed out are copied once per key
/// and owned here, so they stay valid until the instance is freed (after `destroy`).
final class PluginParameters {
    /// Why a typed read found no value.
    enum Failure: Error, Equatable {
        /// No member at the key (`GH_ERR_NOT_FOUND`).
        case notFound
        /// A member of another type (`GH_ERR_WRONG_TYPE`); `found` names what it is ("a string").
        case wrongType(found: String)
    }

    let params: JSONValue
    /// C copies of the string values handed out, by key; freed with the parameters.
    private var cStrings: [String: UnsafeMutablePointer<CChar>] = [:]

    init(_ params: JSONValue) {
        self.params = params
    }

    deinit {
        for pointer in cStrings.values { free(pointer) }
    }

    /// The member at `key` (the whole key first, then its dotted path), or nil.
    func value(at key: String) -> JSONValue? {
        guard case .object(let members) = params else { return nil }
        if let exact = members[key] { return exact }
        var current = params
        for segment in key.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let level) = current, let next = level[String(segment)] else { return nil }
            current = next
        }
        return current
    }

    /// A number (an integer counts).
    func double(_ key: String) -> Result<Double, Failure> {
        switch value(at: key) {
        case .number(let number)?: .success(number)
        case .integer(let integer)?: .success(Double(integer))
        case let other: .failure(Self.failure(other))
        }
    }

    /// An integer: written as one, or a number with no fraction within the range of int64
    /// (3.0 reads as 3; 3.5 is the wrong type).
    func int(_ key: String) -> Result<Int64, Failure> {
        switch value(at: key) {
        case .integer(let integer)?: return .success(integer)
        case .number(let number)?:
            // -2^63 ... 2^63 exclusive: Int64(exactly:) refuses the rest and every fraction.
            guard let exact = Int64(exactly: number) else { return .failure(.wrongType(found: "a number with a fraction or beyond int64")) }
            return .success(exact)
        case let other: return .failure(Self.failure(other))
        }
    }

    /// `true` or `false`.
    func bool(_ key: String) -> Result<Bool, Failure> {
        if case .bool(let flag)? = value(at: key) { return .success(flag) }
        return .failure(Self.failure(value(at: key)))
    }

    /// A string, as a NUL-terminated copy owned by these parameters.
    func cString(_ key: String) -> Result<UnsafePointer<CChar>, Failure> {
        guard case .string(let text)? = value(at: key) else { return .failure(Self.failure(value(at: key))) }
        if let copy = cStrings[key] { return .success(UnsafePointer(copy)) }
        guard let copy = strdup(text) else { return .failure(.notFound) }
        cStrings[key] = copy
        return .success(UnsafePointer(copy))
    }

    /// The failure for a value that is absent, or present with another type than asked.
    private static func failure(_ value: JSONValue?) -> Failure {
        guard let value else { return .notFound }
        return .wrongType(found: typeName(value))
    }

    /// The JSON type of `value`, as an error message names it ("a string").
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "an integer"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a mapping"
        }
    }
}
