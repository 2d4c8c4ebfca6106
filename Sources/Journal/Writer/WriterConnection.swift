import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer's SQLite connection and its prepared statements (one insert per table, reused for
/// every record), and the group commit of a batch.
///
/// `@unchecked Sendable` because it crosses exactly one thread boundary: `JournalWriter.init`
/// opens and migrates the connection on the caller's thread, then hands this object to the
/// writer thread before that thread starts (the thread start orders the two). From then on only
/// the writer thread touches it, closing it included. SQLite handles are not safe to share, and
/// nothing else holds this one.
final class WriterConnection: @unchecked Sendable {
    private struct Statements {
        let begin, commit, rollback: Statement
        let intent, decision, stage, order, fill, stateChange, operatorAction, breach, snapshot, marketTicks: Statement
    }

    let path: String
    private var connection: SQLiteConnection?
    private var statements: Statements?

    init(connection: SQLiteConnection) throws(JournalError) {
        path = connection.path
        self.connection = connection
        statements = Statements(
            begin: try connection.prepare("BEGIN IMMEDIATE"),
            commit: try connection.prepare("COMMIT"),
            rollback: try connection.prepare("ROLLBACK"),
            intent: try connection.prepare("""
                INSERT INTO intents (seq, event_ts_ns, wall_ts_ns, decision_id, strategy, strategy_id, client_id,
                    symbol, symbol_id, side, quantity, order_type, limit_price, stop_loss_price, reduce_only, origin)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                """),
            decision: try connection.prepare("""
                INSERT INTO decisions (seq, event_ts_ns, wall_ts_ns, decision_id, strategy, strategy_id, client_id,
                    symbol, symbol_id, verdict, reason, requested_quantity, final_quantity)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                """),
            stage: try connection.prepare("""
                INSERT INTO decision_stages (decision_seq, position, stage, code, severity, quantity_in, quantity_out,
                    factor, detail)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """),
            order: try connection.prepare("""
                INSERT INTO orders (seq, event_ts_ns, wall_ts_ns, order_id, decision_id, strategy, strategy_id,
                    client_order_id, symbol, symbol_id, side, quantity, order_type, limit_price, stop_loss_price,
                    reduce_only, mode, status)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
                """),
            fill: try connection.prepare("""
                INSERT INTO fills (seq, event_ts_ns, wall_ts_ns, fill_id, order_id, strategy, strategy_id, symbol,
                    symbol_id, side, quantity, price, fee_usd, liquidity, mode)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                """),
            stateChange: try connection.prepare("""
                INSERT INTO state_changes (seq, event_ts_ns, wall_ts_ns, kind, subject, from_state, to_state, reason,
                    value, limit_value)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """),
            operatorAction: try connection.prepare("""
                INSERT INTO operator_actions (seq, event_ts_ns, wall_ts_ns, action, subject, actor, reason, detail)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """),
            breach: try connection.prepare("""
                INSERT INTO breaches (seq, event_ts_ns, wall_ts_ns, rule, subject, value, limit_value, detail)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """),
            snapshot: try connection.prepare("""
                INSERT INTO snapshots (seq, event_ts_ns, wall_ts_ns, format, reason, state, state_bin)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """),
            marketTicks: try connection.prepare("""
                INSERT INTO market_ticks (seq, event_ts_ns, wall_ts_ns, first_ts_ns, tick_count, format, ticks)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """))
    }

    /// Finalizes every statement and closes the connection (the last connection to close
    /// checkpoints the WAL into the database and removes it). Idempotent.
    func close() {
        statements = nil
        connection?.close()
        connection = nil
    }

    /// Writes `entries` in one transaction: `BEGIN IMMEDIATE`, one insert per record (and one
    /// per stage row), `COMMIT`. On any error the transaction is rolled back, so a batch is in
    /// the file entirely or not at all.
    func commit(_ entries: ArraySlice<JournalEntry>) throws(JournalError) {
        guard let statements, let connection else { throw .closed(file: path) }
        try begin(statements.begin)
        do throws(JournalError) {
            for entry in entries { try insert(entry, statements) }
            try statements.commit.run()
        } catch {
            if !connection.isAutocommit { try? statements.rollback.run() }
            throw error
        }
    }

    /// `BEGIN IMMEDIATE`. The lock file keeps other hosts out, but an auditor's sqlite3 shell
    /// could hold a write transaction for a moment: retry SQLITE_BUSY for up to about a second
    /// (busy_timeout is 0 so that nothing else ever waits silently).
    private func begin(_ statement: Statement) throws(JournalError) {
        try JournalFile.retryingBusy { () throws(JournalError) in try statement.run() }
    }

    private func insert(_ entry: JournalEntry, _ s: Statements) throws(JournalError) {
        let seq = entry.seq
        switch entry.record {
        case .intent(let r):
            let st = s.intent
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.decisionID, at: 4); st.bind(r.strategy, at: 5); st.bind(Int64(r.strategyID), at: 6)
            st.bind(r.clientID, at: 7); st.bind(r.symbol, at: 8); st.bind(Int64(r.symbolID), at: 9)
            st.bind(r.side, at: 10); st.bind(r.quantity, at: 11); st.bind(r.orderType, at: 12)
            st.bind(r.limitPrice, at: 13); st.bind(r.stopLossPrice, at: 14); st.bind(r.reduceOnly, at: 15)
            st.bind(r.origin, at: 16)
            try st.run()
        case .decision(let r):
            let st = s.decision
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.decisionID, at: 4); st.bind(r.strategy, at: 5); st.bind(Int64(r.strategyID), at: 6)
            st.bind(r.clientID, at: 7); st.bind(r.symbol, at: 8); st.bind(Int64(r.symbolID), at: 9)
            st.bind(r.verdict, at: 10); st.bind(r.reason, at: 11); st.bind(r.requestedQuantity, at: 12)
            st.bind(r.finalQuantity, at: 13)
            try st.run()
            let stage = s.stage
            for (position, row) in r.stages.enumerated() {
                stage.bind(seq, at: 1); stage.bind(Int64(position), at: 2); stage.bind(row.stage, at: 3)
                stage.bind(row.code, at: 4); stage.bind(row.severity, at: 5); stage.bind(row.quantityIn, at: 6)
                stage.bind(row.quantityOut, at: 7); stage.bind(row.factor, at: 8); stage.bind(row.detail, at: 9)
                try stage.run()
            }
        case .order(let r):
            let st = s.order
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.orderID, at: 4); st.bind(r.decisionID, at: 5); st.bind(r.strategy, at: 6)
            st.bind(Int64(r.strategyID), at: 7); st.bind(r.clientOrderID, at: 8); st.bind(r.symbol, at: 9)
            st.bind(Int64(r.symbolID), at: 10); st.bind(r.side, at: 11); st.bind(r.quantity, at: 12)
            st.bind(r.orderType, at: 13); st.bind(r.limitPrice, at: 14); st.bind(r.stopLossPrice, at: 15)
            st.bind(r.reduceOnly, at: 16); st.bind(r.mode, at: 17); st.bind(r.status, at: 18)
            try st.run()
        case .fill(let r):
            let st = s.fill
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.fillID, at: 4); st.bind(r.orderID, at: 5); st.bind(r.strategy, at: 6)
            st.bind(Int64(r.strategyID), at: 7); st.bind(r.symbol, at: 8); st.bind(Int64(r.symbolID), at: 9)
            st.bind(r.side, at: 10); st.bind(r.quantity, at: 11); st.bind(r.price, at: 12)
            st.bind(r.feeUSD, at: 13); st.bind(r.liquidity, at: 14); st.bind(r.mode, at: 15)
            try st.run()
        case .stateChange(let r):
            let st = s.stateChange
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.kind, at: 4); st.bind(r.subject, at: 5); st.bind(r.fromState, at: 6)
            st.bind(r.toState, at: 7); st.bind(r.reason, at: 8); st.bind(r.value, at: 9)
            st.bind(r.limitValue, at: 10)
            try st.run()
        case .operatorAction(let r):
            let st = s.operatorAction
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.action, at: 4); st.bind(r.subject, at: 5); st.bind(r.actor, at: 6)
            st.bind(r.reason, at: 7); st.bind(r.detail, at: 8)
            try st.run()
        case .breach(let r):
            let st = s.breach
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.rule, at: 4); st.bind(r.subject, at: 5); st.bind(r.value, at: 6)
            st.bind(r.limitValue, at: 7); st.bind(r.detail, at: 8)
            try st.run()
        case .snapshot(let r):
            let st = s.snapshot
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.format, at: 4); st.bind(r.reason, at: 5); st.bind(r.state, at: 6)
            st.bind(r.encoded.isEmpty ? nil : r.encoded, at: 7)
            try st.run()
        case .marketTicks(let r):
            let st = s.marketTicks
            st.bind(seq, at: 1); st.bind(r.eventTimeNs, at: 2); st.bind(r.wallTimeNs, at: 3)
            st.bind(r.firstTimeNs, at: 4); st.bind(Int64(r.count), at: 5); st.bind(r.format, at: 6)
            st.bind(r.ticks, at: 7)
            try st.run()
        }
    }
}
