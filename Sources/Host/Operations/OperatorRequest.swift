import Foundation

/// What an operator can ask of a running host over the control channel (docs/control.md).
enum OperatorVerb: String, Sendable, CaseIterable {
    /// Account totals, trading state, kill switch, dead man's switch, and the per-strategy view.
    case status
    /// Stops a strategy's new risk (`STRATEGY_PAUSED`) and cancels its resting risk; exits pass.
    case pause
    /// Clears a strategy's pause (an operator's or the decay detector's).
    case resume
    /// The kill switch: every intent refused, exits included; every resting order cancelled.
    case kill
    /// Clears the kill switch, a latched halt (refused while its cause is present unless forced)
    /// and a fired dead man's switch.
    case reset
    /// Tells the dead man's switch an operator is present.
    case checkin
    /// Moves a flat shadow strategy whose shadow record passes the promotion criteria to live.
    case promote

    /// Whether the verb names a strategy.
    var needsStrategy: Bool { self == .pause || self == .resume || self == .promote }
    /// Whether the verb changes anything (and so is journaled and published).
    var isAction: Bool { self != .status }
}

/// One decoded control request.
struct OperatorRequest: Sendable, Equatable {
    var verb: OperatorVerb
    var strategy: String?
    /// Who: the operator's name as the client gave it.
    var operatorName: String
    /// Why, as the operator wrote it (required for actions).
    var reason: String
    /// `reset` only: clear a latch even though its cause is still present.
    var force: Bool

    /// Why a request was refused before it reached the host's state.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Decodes a request: a JSON object `{"verb", "strategy"?, "operator", "reason", "force"?}`.
    /// Names what is wrong; unknown keys are refused like the config's.
    static func decode(_ bytes: [UInt8]) throws(Invalid) -> OperatorRequest {
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
            if operatorName.trimmingCharacters(in: .whitespaces).isEmpty { throw Invalid(description: "\(verb.rawValue) needs an operator name") }
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw Invalid(description: "\(verb.rawValue) needs a reason (--reason)") }
        }
        return OperatorRequest(verb: verb, strategy: strategy, operatorName: operatorName, reason: reason, force: force)
    }
}
