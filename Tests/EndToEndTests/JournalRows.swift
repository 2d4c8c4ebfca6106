import Journal

/// Journal rows as one line of text each, for end-to-end tests that compare what the real host
/// recorded with what the test did.
extension JournalReader {
    /// The operator actions in journal order, each as `describe` words it followed by `done` or
    /// `refused` (the outcome the host recorded in the detail).
    func operatorActions(_ describe: (OperatorActionRecord) -> String) throws -> [String] {
        try records(.operatorAction).compactMap { entry -> String? in
            guard case .operatorAction(let action) = entry.record else { return nil }
            return describe(action) + (action.detail.hasPrefix("outcome=done") ? " done" : " refused")
        }
    }

    /// The state changes an operator made (reason `OPERATOR`), each as `KIND subject from->to`.
    func operatorStateChanges() throws -> [String] {
        try records(.stateChange).compactMap { entry -> String? in
            guard case .stateChange(let change) = entry.record, change.reason == "OPERATOR" else { return nil }
            return "\(change.kind) \(change.subject) \(change.fromState)->\(change.toState)"
        }
    }
}
