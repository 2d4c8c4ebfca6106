import Engine
import Foundation
import Journal

/// A journaled snapshot's state as a JSON object, whatever its encoding, so a test can read a
/// field (the event clock, the gateway's orders) by name.
enum SnapshotState {
    static func object(_ record: SnapshotRecord) throws -> [String: Any] {
        let state = try EngineState.decode(format: record.format, text: record.state, bytes: record.encoded)
        guard let object = try JSONSerialization.jsonObject(with: Data(try state.json().utf8)) as? [String: Any] else {
            throw RecoveryError(description: "the state is not a JSON object")
        }
        return object
    }

    /// What identifies the state exactly: its format and its bytes (equal states encode equal).
    static func identity(_ record: SnapshotRecord) -> String {
        "\(record.format):\(record.encoded.map { String($0, radix: 16) }.joined(separator: ",")):\(record.state)"
    }

    /// The same for a state from a live host and one from a replay of the same ticks, which differ
    /// by design in the clock their order-rate buckets count (wall time live, event time in a
    /// replay): the state's bytes with that clock said the same. Equal only if every bucket is
    /// too, so a test comparing runs with the throttles on would still see them differ.
    static func identityAcrossClocks(_ record: SnapshotRecord) throws -> String {
        var state = try EngineState.decode(format: record.format, text: record.state, bytes: record.encoded)
        state.orderRateClock = nil
        return "\(EngineState.format):\(try state.encoded().map { String($0, radix: 16) }.joined(separator: ","))"
    }
}
