/// The journal's schema: its versions and the migration steps between them.
///
/// `PRAGMA user_version` holds the version of the file (0 = empty, never migrated).
/// `PRAGMA application_id` marks the file as a Gatehouse journal. Migrations only ever append:
/// a released step is never edited, a change of schema is a new step. docs/journal.md describes
/// the tables.
package enum JournalSchema {
    /// `PRAGMA application_id` of a Gatehouse journal: "GHJL" in ASCII.
    package static let applicationID: Int32 = 0x4748_4A4C

    /// The highest schema version this build knows (the last migration's).
    package static var latestVersion: Int32 { migrations.last!.version }

    /// What a migration step may need beyond SQL: the values written into `meta` on creation.
    struct Context {
        var hostID: String
        var wallTimeNs: Int64
    }

    /// One step from `version - 1` to `version`, applied in its own transaction together with
    /// the new `user_version`.
    struct Migration: Sendable {
        let version: Int32
        let summary: String
        let sql: String
        /// Rows to add after the SQL, in the same transaction.
        let seed: (@Sendable (SQLiteConnection, Context) throws(JournalError) -> Void)?
    }

    /// Every step, in order. Versions are 1, 2, 3, … without gaps.
    static let migrations: [Migration] = [
        Migration(version: 1, summary: "record tables, decision stages, meta, indices, records view", sql: version1SQL,
                  seed: { (connection: SQLiteConnection, context: Context) throws(JournalError) in
                      let insert = try connection.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)")
                      insert.bind("host_id", at: 1)
                      insert.bind(context.hostID, at: 2)
                      try insert.run()
                      insert.bind("created_wall_ts_ns", at: 1)
                      insert.bind(String(context.wallTimeNs), at: 2)
                      try insert.run()
                  }),
        Migration(version: 2, summary: "state snapshots for recovery", sql: version2SQL, seed: nil),
        Migration(version: 3, summary: "who made an intent: intents.origin", sql: version3SQL, seed: nil),
        Migration(version: 4, summary: "the applied market data: market_ticks", sql: version4SQL, seed: nil),
        Migration(version: 5, summary: "binary snapshots (snapshots.state_bin); no index on decision_stages.code",
                  sql: version5SQL, seed: nil),
    ]

    /// The record tables of a file at `version`, in the order of `JournalRecord.Kind.allCases`.
    static func recordTables(at version: Int32) -> [String] {
        JournalRecord.Kind.allCases.filter { $0.sinceVersion <= version }.map(\.table)
    }

    /// Version 1. Every record table starts with the same three columns: `seq` (journal-wide,
    /// gap-free, assigned by the writer), `event_ts_ns` and `wall_ts_ns` (ns since the Unix epoch).
    /// Ids are INTEGER (64-bit; unsigned ids are stored as their bit pattern), prices, quantities
    /// and money REAL, codes and names TEXT, flags INTEGER 0/1.
    package static let version1SQL = """
        PRAGMA application_id = \(applicationID);

        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE intents (
            seq             INTEGER PRIMARY KEY,
            event_ts_ns     INTEGER NOT NULL,
            wall_ts_ns      INTEGER NOT NULL,
            decision_id     INTEGER NOT NULL,
            strategy        TEXT    NOT NULL,
            strategy_id     INTEGER NOT NULL,
            client_id       INTEGER NOT NULL,
            symbol          TEXT    NOT NULL,
            symbol_id       INTEGER NOT NULL,
            side            TEXT    NOT NULL,
            quantity        REAL    NOT NULL,
            order_type      TEXT    NOT NULL,
            limit_price     REAL    NOT NULL,
            stop_loss_price REAL    NOT NULL,
            reduce_only     INTEGER NOT NULL CHECK (reduce_only IN (0, 1))
        ) STRICT;
        CREATE INDEX intents_by_decision_id ON intents (decision_id);

        CREATE TABLE decisions (
            seq                INTEGER PRIMARY KEY,
            event_ts_ns        INTEGER NOT NULL,
            wall_ts_ns         INTEGER NOT NULL,
            decision_id        INTEGER NOT NULL,
            strategy           TEXT    NOT NULL,
            strategy_id        INTEGER NOT NULL,
            client_id          INTEGER NOT NULL,
            symbol             TEXT    NOT NULL,
            symbol_id          INTEGER NOT NULL,
            verdict            TEXT    NOT NULL,
            reason             TEXT    NOT NULL,
            requested_quantity REAL    NOT NULL,
            final_quantity     REAL    NOT NULL
        ) STRICT;
        CREATE INDEX decisions_by_strategy ON decisions (strategy, seq);
        CREATE INDEX decisions_by_decision_id ON decisions (decision_id);

        CREATE TABLE decision_stages (
            decision_seq INTEGER NOT NULL REFERENCES decisions (seq),
            position     INTEGER NOT NULL,
            stage        TEXT    NOT NULL,
            code         TEXT    NOT NULL,
            severity     TEXT    NOT NULL,
            quantity_in  REAL    NOT NULL,
            quantity_out REAL    NOT NULL,
            factor       REAL    NOT NULL,
            detail       TEXT    NOT NULL,
            PRIMARY KEY (decision_seq, position)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX decision_stages_by_code ON decision_stages (code);

        CREATE TABLE orders (
            seq             INTEGER PRIMARY KEY,
            event_ts_ns     INTEGER NOT NULL,
            wall_ts_ns      INTEGER NOT NULL,
            order_id        INTEGER NOT NULL,
            decision_id     INTEGER NOT NULL,
            strategy        TEXT    NOT NULL,
            strategy_id     INTEGER NOT NULL,
            client_order_id TEXT    NOT NULL,
            symbol          TEXT    NOT NULL,
            symbol_id       INTEGER NOT NULL,
            side            TEXT    NOT NULL,
            quantity        REAL    NOT NULL,
            order_type      TEXT    NOT NULL,
            limit_price     REAL    NOT NULL,
            stop_loss_price REAL    NOT NULL,
            reduce_only     INTEGER NOT NULL CHECK (reduce_only IN (0, 1)),
            mode            TEXT    NOT NULL,
            status          TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX orders_by_order_id ON orders (order_id);

        CREATE TABLE fills (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            fill_id     INTEGER NOT NULL,
            order_id    INTEGER NOT NULL,
            strategy    TEXT    NOT NULL,
            strategy_id INTEGER NOT NULL,
            symbol      TEXT    NOT NULL,
            symbol_id   INTEGER NOT NULL,
            side        TEXT    NOT NULL,
            quantity    REAL    NOT NULL,
            price       REAL    NOT NULL,
            fee_usd     REAL    NOT NULL,
            liquidity   TEXT,
            mode        TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX fills_by_order_id ON fills (order_id);
        CREATE INDEX fills_by_strategy ON fills (strategy, seq);

        CREATE TABLE state_changes (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            kind        TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            from_state  TEXT    NOT NULL,
            to_state    TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            value       REAL,
            limit_value REAL
        ) STRICT;

        CREATE TABLE operator_actions (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            action      TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            actor       TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            detail      TEXT    NOT NULL
        ) STRICT;

        CREATE TABLE breaches (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            rule        TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            value       REAL    NOT NULL,
            limit_value REAL    NOT NULL,
            detail      TEXT    NOT NULL
        ) STRICT;

        CREATE VIEW records (seq, kind, event_ts_ns, wall_ts_ns, subject) AS
                  SELECT seq, 'intent',          event_ts_ns, wall_ts_ns, strategy FROM intents
        UNION ALL SELECT seq, 'decision',        event_ts_ns, wall_ts_ns, strategy FROM decisions
        UNION ALL SELECT seq, 'order',           event_ts_ns, wall_ts_ns, strategy FROM orders
        UNION ALL SELECT seq, 'fill',            event_ts_ns, wall_ts_ns, strategy FROM fills
        UNION ALL SELECT seq, 'state_change',    event_ts_ns, wall_ts_ns, subject  FROM state_changes
        UNION ALL SELECT seq, 'operator_action', event_ts_ns, wall_ts_ns, subject  FROM operator_actions
        UNION ALL SELECT seq, 'breach',          event_ts_ns, wall_ts_ns, subject  FROM breaches;
        """

    /// Version 2: the `snapshots` table (the host's recoverable state, JSON text) and the
    /// `records` view over it.
    package static let version2SQL = """
        CREATE TABLE snapshots (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            format      TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            state       TEXT    NOT NULL
        ) STRICT;

        DROP VIEW records;
        CREATE VIEW records (seq, kind, event_ts_ns, wall_ts_ns, subject) AS
                  SELECT seq, 'intent',          event_ts_ns, wall_ts_ns, strategy FROM intents
        UNION ALL SELECT seq, 'decision',        event_ts_ns, wall_ts_ns, strategy FROM decisions
        UNION ALL SELECT seq, 'order',           event_ts_ns, wall_ts_ns, strategy FROM orders
        UNION ALL SELECT seq, 'fill',            event_ts_ns, wall_ts_ns, strategy FROM fills
        UNION ALL SELECT seq, 'state_change',    event_ts_ns, wall_ts_ns, subject  FROM state_changes
        UNION ALL SELECT seq, 'operator_action', event_ts_ns, wall_ts_ns, subject  FROM operator_actions
        UNION ALL SELECT seq, 'breach',          event_ts_ns, wall_ts_ns, subject  FROM breaches
        UNION ALL SELECT seq, 'snapshot',        event_ts_ns, wall_ts_ns, reason   FROM snapshots;
        """

    /// Version 3: `intents.origin`, who made the intent: `strategy` (its plugin; every intent
    /// journaled before version 3) or `risk_unwind` (the host, flattening after a drawdown breach).
    package static let version3SQL = """
        ALTER TABLE intents ADD COLUMN origin TEXT NOT NULL DEFAULT 'strategy';
        """

    /// Version 4: `market_ticks`, the market data the host applied, in blocks (the input recovery
    /// re-applies after the last snapshot), and the `records` view over it.
    package static let version4SQL = """
        CREATE TABLE market_ticks (
            seq         INTEGER PRIMARY KEY,
            event_ts_ns INTEGER NOT NULL,
            wall_ts_ns  INTEGER NOT NULL,
            first_ts_ns INTEGER NOT NULL,
            tick_count  INTEGER NOT NULL CHECK (tick_count >= 0),
            format      TEXT    NOT NULL,
            ticks       BLOB    NOT NULL
        ) STRICT;

        DROP VIEW records;
        CREATE VIEW records (seq, kind, event_ts_ns, wall_ts_ns, subject) AS
                  SELECT seq, 'intent',          event_ts_ns, wall_ts_ns, strategy FROM intents
        UNION ALL SELECT seq, 'decision',        event_ts_ns, wall_ts_ns, strategy FROM decisions
        UNION ALL SELECT seq, 'order',           event_ts_ns, wall_ts_ns, strategy FROM orders
        UNION ALL SELECT seq, 'fill',            event_ts_ns, wall_ts_ns, strategy FROM fills
        UNION ALL SELECT seq, 'state_change',    event_ts_ns, wall_ts_ns, subject  FROM state_changes
        UNION ALL SELECT seq, 'operator_action', event_ts_ns, wall_ts_ns, subject  FROM operator_actions
        UNION ALL SELECT seq, 'breach',          event_ts_ns, wall_ts_ns, subject  FROM breaches
        UNION ALL SELECT seq, 'snapshot',        event_ts_ns, wall_ts_ns, reason   FROM snapshots
        UNION ALL SELECT seq, 'market_ticks',    event_ts_ns, wall_ts_ns, format   FROM market_ticks;
        """

    /// Version 5: snapshots in a binary encoding (`snapshots.state_bin`, with `state` empty; older
    /// JSON snapshots keep `state` and a NULL `state_bin`), and no `decision_stages_by_code`
    /// index: 79 bytes a decision on a book workload, for a query (stage notes by code) the
    /// journal's own reads never make; `decisions.reason` and its rows answer "why" by rule.
    package static let version5SQL = """
        ALTER TABLE snapshots ADD COLUMN state_bin BLOB;
        DROP INDEX IF EXISTS decision_stages_by_code;
        """
}
