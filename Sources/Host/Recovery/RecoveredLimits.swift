import Engine
import Logging
import Risk

/// The limits a restart runs under when an operator changed them in an earlier run (the
/// snapshot's `OperatorLimits`; docs/control.md, "Limits across a restart").
///
/// The journal's tail was decided under the limits in force when the snapshot was taken, so it
/// is re-decided under them (`resume`). After it (`settle`), those limits stay in force while the
/// config's risk section is still the one they replaced: a crashed host restarted by its
/// supervisor keeps the tighter limits its operator set. A config whose risk section was edited
/// since is the operator's new word: its limits take over, and each key that moves is journaled
/// as a `CONFIG_CHANGE`.
package struct RecoveredLimits {
    let saved: OperatorLimits
    /// The saved limits in force, read with this config's other sections.
    let inForce: RiskLimits
    /// The risk section the operator's change replaced, read the same way.
    let replaced: RiskLimits

    /// Reads both saved risk sections as at start; an unreadable one is refused, naming its key.
    package init(_ saved: OperatorLimits, config: LoadedConfig) throws(RecoveryError) {
        func read(_ text: String, _ what: String) throws(RecoveryError) -> RiskLimits {
            do throws(ConfigError) {
                return try LimitsFile.riskConfig(inRiskSection: text, file: "the journal's \(what)", running: config).limits
            } catch {
                throw RecoveryError(description: "\(error.description): the journal's state was made under limits an operator set with `gatehouse ctl limits`, which this configuration cannot hold (start with the configuration that wrote the journal)")
            }
        }
        self.saved = saved
        inForce = try read(saved.inForce, "limits in force")
        replaced = try read(saved.configured, "configured limits")
    }

    /// Puts the saved limits in force, before the tail is re-decided.
    package func resume(_ engine: Engine) throws(RecoveryError) {
        if let failure = engine.adoptLimits(inForce, source: saved) {
            throw RecoveryError(description: "risk.\(failure.key): \(failure.message) (the limits an operator set, which decided the journal's last records)")
        }
    }

    /// After the tail: keeps the saved limits while the config is unedited, else puts the
    /// config's in force. Returns the changes to journal (none when kept).
    func settle(_ engine: Engine, config: LoadedConfig, logger: Logger) throws(RecoveryError) -> [TransitionFact] {
        let configured = config.config.risk.limits
        let moved = LimitsFile.changes(from: inForce, to: configured)
        let list = LimitsChange.list(moved)
        if configured == replaced {
            if !moved.isEmpty {
                logger.notice("the limits an operator set stay in force: the config's risk section is the one they replaced (edit it to change them for good)",
                              metadata: ["config_would_set": "\(list)"])
            }
            return []
        }
        if let failure = engine.adoptLimits(configured, source: nil) {
            throw RecoveryError(description: "risk.\(failure.key): \(failure.message) (the config's limits, edited since an operator changed them)")
        }
        logger.notice("the config's risk section was edited since an operator changed the limits: the config's limits are in force",
                      metadata: ["changed": "\(list)"])
        return moved.map {
            TransitionFact(kind: .limit, subject: "risk.\($0.key)", from: $0.from, to: $0.to, reason: "CONFIG_CHANGE",
                           eventTimeNs: engine.clockNs, wallTimeNs: engine.wallNs())
        }
    }
}
