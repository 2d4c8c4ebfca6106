/// The `journal` section: where the audit journal lives. Without it the host runs without a
/// journal and says so at start (the demo and replays do; a production host should not).
public struct JournalConfig: Decodable, Sendable {
    /// The SQLite file; a relative path is resolved against the config file's folder.
    public var path: String
    /// Audit events the event loop may queue for the journal (a decision is one event, journaled
    /// as an intent row, a decision row and its stage rows) before it refuses new risk (at 3/4)
    /// and waits (when full).
    public var queueCapacity: Int = 16_384
    /// Journaled events (decisions, orders, fills, cancels, state changes) between two state
    /// snapshots. Recovery re-applies at most about this many events after the last one.
    public var snapshotEveryEvents: Int = 10_000
    /// Wall-clock seconds between two state snapshots while records are written (0: by events
    /// only). Bounds how much a restart re-applies on a slow host.
    public var snapshotIntervalSeconds: Double = 60

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, queueCapacity = "queue_capacity", snapshotEveryEvents = "snapshot_every_events"
        case snapshotIntervalSeconds = "snapshot_interval_seconds"
    }

    /// The snapshot cadence these settings give.
    var cadence: SnapshotCadence {
        SnapshotCadence(everyEvents: snapshotEveryEvents, intervalSeconds: snapshotIntervalSeconds)
    }

    /// A journal at `path` (absolute, or relative to the config's folder).
    public init(path: String, queueCapacity: Int = 16_384) {
        self.path = path
        self.queueCapacity = queueCapacity
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        queueCapacity = try container.decodeIfPresent(Int.self, forKey: .queueCapacity) ?? queueCapacity
        snapshotEveryEvents = try container.decodeIfPresent(Int.self, forKey: .snapshotEveryEvents) ?? snapshotEveryEvents
        snapshotIntervalSeconds = try container.decodeIfPresent(Double.self, forKey: .snapshotIntervalSeconds) ?? snapshotIntervalSeconds
    }
}
