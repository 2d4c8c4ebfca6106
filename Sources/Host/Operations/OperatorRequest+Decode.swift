import Engine
import Foundation

extension OperatorRequest {
    /// Why a request was refused before it reached the host's state.
    package struct Invalid: Error, CustomStringConvertible, Equatable {
        package let description: String
    }

    /// Decodes a request: a JSON object `{"verb", "strategy"?, "operator", "reason", "force"?,
    /// "limits"?}` (`limits`: the text of the new risk section, verb `limits` only).
    /// Names what is wrong; unknown keys are refused like the config's.
    ///
    /// `keyOperator`: the operator the connection's CURVE key is listed under. The request then
    /// acts under that name; `operator` may be left out, and one that names someone else is
    /// refused (no key holder can act in another operator's name).
    package static func decode(_ bytes: [UInt8], keyOperator: String? = nil) throws(Invalid) -> OperatorRequest {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw Invalid(description: "the request is empty: one JSON object expected")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw Invalid(description: "the request is not a JSON object")
        }
        // JSON readers differ on a key given twice (this one keeps the first, others the last):
        // such a request means two things, so it is refused.
        if let repeated = Self.repeatedTopLevelKey(in: bytes) {
            throw Invalid(description: "key '\(repeated)' is given twice")
        }
        let known: Set<String> = ["verb", "strategy", "operator", "reason", "force", "limits"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        struct Wire: Decodable {
            var verb: String?
            var strategy: String?
            var `operator`: String?
            var reason: String?
            var force: Bool?
            var limits: String?
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context) {
            throw Invalid(description: "'\(context.codingPath.last?.stringValue ?? "?")' has the wrong type (verb, strategy, operator, reason and limits are strings; force is true or false)")
        } catch {
            throw Invalid(description: "the request cannot be read: \(error)")
        }
        guard let verbText = wire.verb else { throw Invalid(description: "'verb' is missing") }
        guard let verb = OperatorVerb(rawValue: verbText) else {
            throw Invalid(description: "unknown verb '\(verbText)' (verbs: \(OperatorVerb.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let strategy = wire.strategy
        var operatorName = wire.operator ?? ""
        if let keyOperator {
            if !operatorName.isEmpty && operatorName != keyOperator {
                throw Invalid(description: "the request names operator '\(operatorName)', but its key belongs to operator '\(keyOperator)'")
            }
            operatorName = keyOperator
        }
        let reason = wire.reason ?? ""
        let force = wire.force ?? false
        if verb.needsStrategy && (strategy ?? "").isEmpty { throw Invalid(description: "\(verb.rawValue) needs a strategy") }
        if verb.isAction {
            // Blank counts as none (docs/control.md): white space of any kind, line breaks too.
            if operatorName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw Invalid(description: "\(verb.rawValue) needs an operator name") }
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw Invalid(description: "\(verb.rawValue) needs a reason (--reason)") }
        }
        if verb == .limits && (wire.limits ?? "").isEmpty {
            throw Invalid(description: "limits needs the new risk section in 'limits' (gatehouse ctl limits --file <yaml>)")
        }
        if verb != .limits && wire.limits != nil { throw Invalid(description: "'limits' goes with the limits verb only") }
        return OperatorRequest(verb: verb, strategy: strategy, operatorName: operatorName, reason: reason, force: force,
                               limitsYAML: wire.limits)
    }

    /// The first key of the top-level object that appears twice (compared after unescaping, so
    /// `"\u0076erb"` is `verb`), or nil. `bytes` is already known to be one JSON object.
    static func repeatedTopLevelKey(in bytes: [UInt8]) -> String? {
        var seen: Set<String> = []
        var depth = 0
        var index = 0
        var expectKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                // A string token: find its end, skipping escaped characters.
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if depth == 1 && expectKey {
                    let token = Array(bytes[start...min(index, bytes.count - 1)])
                    if let key = (try? JSONSerialization.jsonObject(with: Data(token), options: .fragmentsAllowed)) as? String,
                       !seen.insert(key).inserted {
                        return key
                    }
                    expectKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 { expectKey = true }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
