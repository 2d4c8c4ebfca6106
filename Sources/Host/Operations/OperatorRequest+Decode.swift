import Engine
import Foundation

extension OperatorRequest {
    /// Why a request was refused before it reached the host's state.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Decodes a request: a JSON object `{"verb", "strategy"?, "operator", "reason", "force"?}`.
    /// Names what is wrong; unknown keys are refused like the config's.
    package static func decode(_ bytes: [UInt8]) throws(Invalid) -> OperatorRequest {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw Invalid(description: "the request is empty: one JSON object expected")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw Invalid(description: "the request is not a JSON object")
        }
        let known: Set<String> = ["verb", "strategy", "operator", "reason", "force"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        struct Wire: Decodable {
            var verb: String?
            var strategy: String?
            var `operator`: String?
            var reason: String?
            var force: Bool?
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context) {
            throw Invalid(description: "'\(context.codingPath.last?.stringValue ?? "?")' has the wrong type (verb, strategy, operator and reason are strings; force is true or false)")
        } catch {
            throw Invalid(description: "the request cannot be read: \(error)")
        }
        guard let verbText = wire.verb else { throw Invalid(description: "'verb' is missing") }
        guard let verb = OperatorVerb(rawValue: verbText) else {
            throw Invalid(description: "unknown verb '\(verbText)' (verbs: \(OperatorVerb.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let strategy = wire.strategy
        let operatorName = wire.operator ?? ""
        let reason = wire.reason ?? ""
        let force = wire.force ?? false
        if verb.needsStrategy && (strategy ?? "").isEmpty { throw Invalid(description: "\(verb.rawValue) needs a strategy") }
        if verb.isAction {
            // Blank counts as none (docs/control.md): white space of any kind, line breaks too.
            if operatorName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw Invalid(description: "\(verb.rawValue) needs an operator name") }
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw Invalid(description: "\(verb.rawValue) needs a reason (--reason)") }
        }
        return OperatorRequest(verb: verb, strategy: strategy, operatorName: operatorName, reason: reason, force: force)
    }
}
