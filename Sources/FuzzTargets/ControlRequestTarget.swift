import Engine
import Host

/// `OperatorRequest.decode` on the body of one control-channel request (the input is the body).
///
/// Invariants beyond "no trap":
/// - an accepted request keeps the rules of docs/control.md: a verb that names a strategy has a
///   non-empty one, and every verb but `status` has an operator and a reason that are not blank
///   (white space of any kind only);
/// - the JSON `gatehouse ctl` would send for that request (`ControlClient.requestBody`) is
///   accepted and reads back as the same request, so client and host agree on every request;
/// - a refusal says what is wrong (a non-empty description).
enum ControlRequestTarget {
    static func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        let request: OperatorRequest
        do {
            request = try OperatorRequest.decode(bytes)
        } catch {
            try require(!error.description.isEmpty, "a refusal without words")
            return .refused
        }
        if request.verb.needsStrategy {
            try require(!(request.strategy ?? "").isEmpty, "\(request.verb) accepted without a strategy: \(request)")
        }
        try require((request.verb == .limits) == (request.limitsYAML != nil),
                    "'limits' accepted \(request.verb == .limits ? "missing for" : "with") verb \(request.verb): \(request)")
        if request.verb.isAction {
            try require(!isBlank(request.operatorName), "\(request.verb) accepted without an operator: \(request)")
            try require(!isBlank(request.reason), "\(request.verb) accepted without a reason: \(request)")
        }
        let body = ControlClient.requestBody(
            verb: request.verb.rawValue, strategy: request.strategy, operatorName: request.operatorName,
            reason: request.reason, force: request.force, limitsYAML: request.limitsYAML)
        let again: OperatorRequest
        do {
            again = try OperatorRequest.decode(Array(body.utf8))
        } catch {
            throw FuzzFinding("the client's JSON for \(request), \(body), is refused: \(error)")
        }
        try require(again == request, "the client's JSON for \(request), \(body), reads back as \(again)")
        return .accepted
    }

    /// Blank as docs/control.md means it ("blank counts as none"): empty, or only white space of
    /// any kind (spaces, tabs, line breaks, Unicode spaces).
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
