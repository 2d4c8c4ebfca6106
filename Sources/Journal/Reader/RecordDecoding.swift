/// The SELECT of each record table and the mapping of its rows back to records (the inverse of
/// `WriterConnection`'s inserts). Column 0 is always `seq`.
enum RecordDecoding {
    /// Rows of `kind` with `seq > ?1`, in `seq` order, at most `?2`, from a file at
    /// `schemaVersion` (a reader never migrates: older files are read as they are).
    static func select(_ kind: JournalRecord.Kind, schemaVersion: Int32) -> String {
        "SELECT \(columns(kind, schemaVersion: schemaVersion)) FROM \(kind.table) WHERE seq > ?1 ORDER BY seq LIMIT ?2"
    }

    /// The columns of `kind`'s table, in the order `decode` reads them. Columns added by a later
    /// schema version read as their default in an older file.
    static func columns(_ kind: JournalRecord.Kind, schemaVersion: Int32) -> String {
        let columns: String
        switch kind {
        case .intent:
            columns = """
                seq, event_ts_ns, wall_ts_ns, decision_id, strategy, strategy_id, client_id, symbol, symbol_id, side,
                quantity, order_type, limit_price, stop_loss_price, reduce_only, \(schemaVersion >= 3 ? "origin" : "'strategy'")
                """
        case .decision:
            columns = """
                seq, event_ts_ns, wall_ts_ns, decision_id, strategy, strategy_id, client_id, symbol, symbol_id, verdict,
                reason, requested_quantity, final_quantity
                """
        case .order:
            columns = """
                seq, event_ts_ns, wall_ts_ns, order_id, decision_id, strategy, strategy_id, client_order_id, symbol,
                symbol_id, side, quantity, order_type, limit_price, stop_loss_price, reduce_only, mode, status
                """
        case .fill:
            columns = """
                seq, event_ts_ns, wall_ts_ns, fill_id, order_id, strategy, strategy_id, symbol, symbol_id, side,
                quantity, price, fee_usd, liquidity, mode
                """
        case .stateChange:
            columns = "seq, event_ts_ns, wall_ts_ns, kind, subject, from_state, to_state, reason, value, limit_value"
        case .operatorAction:
            columns = "seq, event_ts_ns, wall_ts_ns, action, subject, actor, reason, detail"
        case .breach:
            columns = "seq, event_ts_ns, wall_ts_ns, rule, subject, value, limit_value, detail"
        case .snapshot:
            columns = "seq, event_ts_ns, wall_ts_ns, format, reason, state, \(schemaVersion >= 5 ? "state_bin" : "NULL")"
        case .marketTicks:
            columns = "seq, event_ts_ns, wall_ts_ns, first_ts_ns, tick_count, format, ticks"
        }
        return columns
    }

    /// The current row of a `select(kind)` statement. A decision's stages are attached after.
    static func decode(_ kind: JournalRecord.Kind, _ s: Statement) -> JournalEntry {
        let seq = s.int64(0), event = s.int64(1), wall = s.int64(2)
        let record: JournalRecord
        switch kind {
        case .intent:
            record = .intent(IntentRecord(
                eventTimeNs: event, wallTimeNs: wall, decisionID: s.uint64(3), strategy: s.text(4),
                strategyID: UInt32(truncatingIfNeeded: s.int64(5)), clientID: s.uint64(6), symbol: s.text(7),
                symbolID: UInt32(truncatingIfNeeded: s.int64(8)), side: s.text(9), quantity: s.double(10),
                orderType: s.text(11), limitPrice: s.double(12), stopLossPrice: s.double(13), reduceOnly: s.bool(14),
                origin: s.text(15)))
        case .decision:
            record = .decision(DecisionRecord(
                eventTimeNs: event, wallTimeNs: wall, decisionID: s.uint64(3), strategy: s.text(4),
                strategyID: UInt32(truncatingIfNeeded: s.int64(5)), clientID: s.uint64(6), symbol: s.text(7),
                symbolID: UInt32(truncatingIfNeeded: s.int64(8)), verdict: s.text(9), reason: s.text(10),
                requestedQuantity: s.double(11), finalQuantity: s.double(12), stages: []))
        case .order:
            record = .order(OrderRecord(
                eventTimeNs: event, wallTimeNs: wall, orderID: s.uint64(3), decisionID: s.uint64(4), strategy: s.text(5),
                strategyID: UInt32(truncatingIfNeeded: s.int64(6)), clientOrderID: s.text(7), symbol: s.text(8),
                symbolID: UInt32(truncatingIfNeeded: s.int64(9)), side: s.text(10), quantity: s.double(11),
                orderType: s.text(12), limitPrice: s.double(13), stopLossPrice: s.double(14), reduceOnly: s.bool(15),
                mode: s.text(16), status: s.text(17)))
        case .fill:
            record = .fill(FillRecord(
                eventTimeNs: event, wallTimeNs: wall, fillID: s.uint64(3), orderID: s.uint64(4), strategy: s.text(5),
                strategyID: UInt32(truncatingIfNeeded: s.int64(6)), symbol: s.text(7),
                symbolID: UInt32(truncatingIfNeeded: s.int64(8)), side: s.text(9), quantity: s.double(10),
                price: s.double(11), feeUSD: s.double(12), liquidity: s.optionalText(13), mode: s.text(14)))
        case .stateChange:
            record = .stateChange(StateChangeRecord(
                eventTimeNs: event, wallTimeNs: wall, kind: s.text(3), subject: s.text(4), fromState: s.text(5),
                toState: s.text(6), reason: s.text(7), value: s.optionalDouble(8), limitValue: s.optionalDouble(9)))
        case .operatorAction:
            record = .operatorAction(OperatorActionRecord(
                eventTimeNs: event, wallTimeNs: wall, action: s.text(3), subject: s.text(4), actor: s.text(5),
                reason: s.text(6), detail: s.text(7)))
        case .breach:
            record = .breach(BreachRecord(
                eventTimeNs: event, wallTimeNs: wall, rule: s.text(3), subject: s.text(4), value: s.double(5),
                limitValue: s.double(6), detail: s.text(7)))
        case .snapshot:
            record = .snapshot(SnapshotRecord(
                eventTimeNs: event, wallTimeNs: wall, format: s.text(3), reason: s.text(4), state: s.text(5),
                encoded: s.blob(6)))
        case .marketTicks:
            record = .marketTicks(MarketTicksRecord(
                eventTimeNs: event, wallTimeNs: wall, firstTimeNs: s.int64(3), count: Int(s.int64(4)), format: s.text(5),
                ticks: s.blob(6)))
        }
        return JournalEntry(seq: seq, record: record)
    }
}
