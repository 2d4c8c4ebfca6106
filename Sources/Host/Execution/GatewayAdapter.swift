import Engine
import Gateway
import Logging
import Risk
import ZeroMQ

/// The host's side of the order-gateway protocol (docs/gateway-protocol.md): a DEALER socket
/// connected to the gateway's ROUTER, the live orders in flight, and their timeouts. The
/// engine's live venue for `execution.live_adapter: gateway` (`Venue`): what the gateway answers
/// reaches the engine as `VenueReport`s (`receive`, `tick`).
///
/// Confined to the event-loop thread. Sending an order and handling an answer allocate (the JSON
/// frame, the order's entry): once per order and per answer, not per market event.
final class GatewayAdapter: Venue {

    let socket: ZMQSocket
    let endpoint: String
    private let ackTimeoutNs: Int64
    private let heartbeatIntervalNs: Int64
    private let logger: Logger
    private(set) var orders: [String: GatewayOrder] = [:]
    /// Frames dropped, by reason (`GatewayDecodeError.label`, `unknown_order`, `wrong_frame_count`,
    /// `unexpected_type`, `overfill`, `duplicate_fill`, `fill_outside_band`).
    private(set) var dropped: [String: UInt64] = [:]
    private(set) var messagesReceived: UInt64 = 0
    private var lastHeartbeatNs: Int64 = 0
    private(set) var lastHeardWallNs: Int64 = 0
    /// New orders (and cancels queued behind them) waiting for the journal to commit the event
    /// that made them, oldest first: `ticket` is that event's end marker (`EventSink`). An order
    /// leaves only once it is in the journal, so no restart can send its client order id again.
    private var held: [(ticket: UInt64, clientOrderID: String, message: GatewayMessage)] = []
    /// New orders, cancels and status requests that could not be handed to a connected gateway (the socket queues
    /// nothing for a peer that is not connected, `ZMQ_IMMEDIATE`), oldest first, with when they
    /// were first tried: retried every turn of the loop, and given up after `maxSendDelayNs`,
    /// so an order is never sent late on a reconnect (docs/gateway-protocol.md, "Transport").
    private var unsent: [(firstTriedWallNs: Int64, clientOrderID: String, message: GatewayMessage)] = []
    private let maxSendDelayNs: Int64
    /// Whether messages wait, for a journal commit or for a connection (the loop then polls more often).
    var hasHeld: Bool { !held.isEmpty || !unsent.isEmpty }

    /// Whether an order still waits to be sent or for the gateway's first answer (held, unsent,
    /// or sent and neither acknowledged nor given up as unknown).
    var awaitsAnswers: Bool { hasHeld || orders.values.contains { !$0.acked && !$0.unknown } }

    /// The longest an order can wait for its first answer: the send delay, then the ack timeout, ns.
    var answerBoundNs: Int64 { maxSendDelayNs + ackTimeoutNs }

    /// Names for the frames: client order ids (`<strategy>-<decision id>`) and symbols.
    private let names: EventNames
    /// The journal's end of the event path (nil: no journal): with one, a new order leaves only
    /// once the event that made it is committed.
    weak var journal: EventSink?

    /// A fill priced further than this fraction from its symbol's mark is refused.
    private let fillBand: Double
    /// The symbol's mark (reference price; 0 before any), from the engine's book.
    private let mark: (UInt32) -> Double

    init(endpoint: String, context: ZMQContext, identity: String, ackTimeoutMs: Int, heartbeatIntervalMs: Int, fillBandPct: Double,
         maxSendDelayMs: Int, names: EventNames, mark: @escaping (UInt32) -> Double, logger: Logger) throws {
        self.endpoint = endpoint
        maxSendDelayNs = Int64(maxSendDelayMs) * 1_000_000
        self.names = names
        self.fillBand = fillBandPct / 100
        self.mark = mark
        ackTimeoutNs = Int64(ackTimeoutMs) * 1_000_000
        heartbeatIntervalNs = Int64(heartbeatIntervalMs) * 1_000_000
        self.logger = logger
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setLinger(milliseconds: 0)
        // Nothing is queued for a gateway that is not connected: what cannot leave now waits in
        // `unsent`, where it can expire, instead of inside libzmq until a reconnect.
        try socket.setImmediate(true)
        try socket.setRoutingID(Array(identity.utf8))
        // An answer over the limit ends the connection unread; the keeper connects again.
        try socket.setMaxMessageSize(MessageLimits.gatewayPartBytes)
        keeper = try ConnectionKeeper(socket: socket, endpoint: endpoint, logger: logger)
        try socket.connect(endpoint)
    }

    /// Reconnects the socket after any lost connection (an oversized message included).
    let keeper: ConnectionKeeper

    func close() {
        keeper.close()
        socket.close()
    }

    /// Every order in flight, oldest first (for the state snapshot).
    var state: [GatewayOrder] { orders.values.sorted { $0.order.orderID < $1.order.orderID } }

    // MARK: Venue

    /// The strategy's orders at the gateway (sent, acknowledged or of unknown state), oldest first.
    func forEachOpenOrder(strategy: UInt32, fromOrderID first: UInt64, _ body: (Order, Double, OpenOrderState) -> Void) {
        // The dictionary has no order of its own; order ids give one, the next smallest each pass
        // (orders in flight are few, and this allocates nothing).
        var after = first
        var started = false
        while true {
            var next: GatewayOrder?
            for entry in orders.values where entry.order.strategyID == strategy
                && (started ? entry.order.orderID > after : entry.order.orderID >= after)
                && entry.order.orderID < (next?.order.orderID ?? .max) {
                next = entry
            }
            guard let entry = next else { return }
            body(entry.order, entry.order.quantity - entry.filledQuantity, entry.unknown ? .unknown : (entry.acked ? .working : .sent))
            after = entry.order.orderID
            started = true
        }
    }

    var title: String { "the order gateway" }
    /// Recovery cannot know what the gateway did with an order: the state is journaled after each.
    var isReplayable: Bool { false }
    var inFlight: [GatewayOrder]? { state }

    /// Sends an approved live order; with a journal, once the event that made it is committed
    /// (`releaseHeld`), so no restart can send its client order id again.
    func submit(_ order: Order, eventTimeNs: Int64) {
        let journal = journal.flatMap { $0.keepsJournal ? $0 : nil }
        send(order, clientOrderID: names.clientOrderID(of: order), symbol: names.symbol(order.symbolID),
             eventTimeNs: eventTimeNs, nowWallNs: EventSink.wallNs(), afterCommitOf: journal?.currentEventTicket)
    }

    /// Asks the gateway to cancel the strategy's order; its `cancelled` answer finishes it.
    func cancel(strategy: UInt32, clientID: UInt64, fromOrderID: UInt64) -> VenueCancel {
        guard let entry = order(strategy: strategy, clientID: clientID, fromOrderID: fromOrderID) else { return .notFound }
        cancel(clientOrderID: entry.clientOrderID)
        return .requested
    }

    /// The order in flight with the lowest id in `symbol` that an order on `side` at `price`
    /// would trade against (`Venue.crossingOrder`), by what is left of it.
    func crossingOrder(symbol: UInt32, side: Side, price: Double) -> Order? {
        var found: Order?
        for entry in orders.values where entry.order.symbolID == symbol && entry.remaining > 0
            && entry.order.isCrossed(bySide: side, price: price) {
            if found == nil || entry.order.orderID < found!.orderID { found = entry.order }
        }
        return found
    }

    /// Asks the gateway to cancel every order in flight `shouldCancel` picks (by what is left of
    /// it); nothing is cancelled at once.
    func cancelAll(where shouldCancel: (Order, Double) -> Bool, into cancelled: inout [Order]) {
        for entry in state where shouldCancel(entry.order, entry.remaining) {
            cancel(clientOrderID: entry.clientOrderID)
        }
    }

    func restore(inFlight saved: [GatewayOrder], nowWallNs: Int64) -> Bool {
        restore(saved, nowWallNs: nowWallNs)
        return true
    }

    /// Sends a new order: at once without a journal (`afterCommitOf` nil), else once the journal
    /// has committed the event whose end marker is `afterCommitOf` (`releaseHeld`). A failed send
    /// leaves the order unacknowledged, so it turns unknown at its timeout like any order whose
    /// answer does not come.
    func send(_ order: Order, clientOrderID: String, symbol: String, eventTimeNs: Int64, nowWallNs: Int64,
              afterCommitOf ticket: UInt64? = nil) {
        let message = GatewayMessage.newOrder(GatewayMessage.NewOrder(
            clientOrderID: clientOrderID, symbol: symbol, side: order.side == .buy ? "buy" : "sell", quantity: order.quantity,
            orderType: order.orderType == .limit ? "limit" : "market", limitPrice: order.limitPrice, tsNs: eventTimeNs))
        orders[clientOrderID] = GatewayOrder(
            order: order, clientOrderID: clientOrderID, sentWallNs: 0, acked: false, unknown: false,
            filledQuantity: 0, statusRequestedWallNs: 0)
        if let ticket {
            held.append((ticket, clientOrderID, message))
        } else {
            transmitOrQueue(message, clientOrderID: clientOrderID, nowWallNs: nowWallNs)
        }
    }

    /// Sends the held messages whose event the journal has committed (`isCommitted(ticket)`), in
    /// order; a new order's acknowledgement timeout starts now.
    func releaseHeld(nowWallNs: Int64, isCommitted: (UInt64) -> Bool) {
        var released = 0
        while released < held.count, isCommitted(held[released].ticket) {
            let entry = held[released]
            released += 1
            transmitOrQueue(entry.message, clientOrderID: entry.clientOrderID, nowWallNs: nowWallNs)
        }
        if released > 0 { held.removeFirst(released) }
    }

    /// Asks the gateway to cancel what is left of an order; the `cancelled` answer finishes it.
    /// Behind any held message, so a cancel never overtakes the order it cancels.
    func cancel(clientOrderID: String) {
        if let last = held.last {
            held.append((last.ticket, clientOrderID, .cancel(clientOrderID: clientOrderID)))
        } else {
            transmitOrQueue(.cancel(clientOrderID: clientOrderID), clientOrderID: clientOrderID, nowWallNs: lastTickWallNs)
        }
    }

    /// The order of `strategy` with the strategy's own `clientID`, sent in this run.
    func order(strategy: UInt32, clientID: UInt64, fromOrderID first: UInt64) -> GatewayOrder? {
        orders.values.first { $0.order.strategyID == strategy && $0.order.clientID == clientID && $0.order.orderID >= first }
    }

    /// Orders of an earlier run, put back from the journal's state. Their fate is not known (the
    /// host may have crashed before an answer), so each is unknown until the gateway answers the
    /// status request sent now. None is sent again.
    func restore(_ saved: [GatewayOrder], nowWallNs: Int64) {
        for var entry in saved {
            entry.unknown = true
            entry.statusRequestedWallNs = nowWallNs
            orders[entry.clientOrderID] = entry
            transmitOrQueue(.statusRequest(clientOrderID: entry.clientOrderID), clientOrderID: entry.clientOrderID, nowWallNs: nowWallNs)
        }
    }

    /// Reads every waiting answer without blocking, appending what they did to `events`.
    func receive(into events: inout [VenueReport], nowWallNs: Int64) throws {
        while let frames = try socket.receiveMultipart(dontWait: true) {
            messagesReceived &+= 1
            lastHeardWallNs = nowWallNs
            guard frames.count == 1 else {
                drop("wrong_frame_count", "a message of \(frames.count) frames (expected 1)")
                continue
            }
            let message: GatewayMessage
            do {
                message = try GatewayMessage.decode(frames[0])
            } catch {
                drop(error.label, error.description)
                continue
            }
            handle(message, into: &events)
        }
    }

    private func handle(_ message: GatewayMessage, into events: inout [VenueReport]) {
        switch message {
        case .heartbeat:
            return
        case .newOrder, .cancel, .statusRequest:
            drop("unexpected_type", "a host-side message came from the gateway")
        case .ack(let id):
            guard var entry = known(id) else { return }
            let wasUnknown = entry.unknown
            entry.acked = true
            entry.unknown = false
            orders[id] = entry
            if wasUnknown { events.append(.reconciled(entry.order)) }
            events.append(.acknowledged(entry.order))
        case .reject(let id, let reason):
            guard let entry = finish(id, into: &events) else { return }
            events.append(.rejected(entry.order, reason: reason, remaining: entry.remaining))
        case .cancelled(let id):
            guard let entry = finish(id, into: &events) else { return }
            events.append(.cancelled(entry.order, remaining: entry.remaining))
        case .fill(let fill):
            guard var entry = known(fill.clientOrderID) else { return }
            // The same fill sent twice is booked once.
            if entry.fillIDs?.contains(fill.fillID) == true {
                drop("duplicate_fill", "fill \(fill.fillID.prefix(64)) of \(fill.clientOrderID) was already booked")
                return
            }
            // A fill far from the market would corrupt the book and its PnL: refused, loudly.
            let reference = mark(entry.order.symbolID)
            if reference > 0, !(abs(fill.price / reference - 1) <= fillBand) {
                drop("fill_outside_band", "fill \(fill.fillID.prefix(64)) of \(fill.clientOrderID) at \(fill.price), \(names.symbol(entry.order.symbolID)) marked at \(reference): more than \(fillBand * 100) % away; not booked")
                logger.critical("gateway fill refused: priced outside the band around the mark; the order stays in flight, reconcile it with the gateway", metadata: [
                    "client_order_id": "\(fill.clientOrderID)", "fill_id": "\(fill.fillID.prefix(64))", "price": "\(fill.price)",
                    "mark": "\(reference)", "band_pct": "\(fillBand * 100)",
                ])
                events.append(.fillRefused(entry.order, price: fill.price, mark: reference, bandPct: fillBand * 100))
                return
            }
            entry.fillIDs = (entry.fillIDs ?? []) + [fill.fillID]
            var quantity = fill.quantity
            if quantity > entry.remaining * (1 + 1e-9) {
                drop("overfill", "fill \(fill.fillID) of \(fill.quantity) for \(fill.clientOrderID), which had \(entry.remaining) left: only that is applied")
                quantity = entry.remaining
            }
            if entry.unknown { events.append(.reconciled(entry.order)) }
            entry.acked = true
            entry.unknown = false
            entry.filledQuantity += quantity
            let complete = entry.remaining <= entry.order.quantity * 1e-9
            if complete { orders[fill.clientOrderID] = nil } else { orders[fill.clientOrderID] = entry }
            if quantity > 0 {
                events.append(.filled(entry.order, quantity: quantity, price: fill.price, feeUSD: fill.feeUSD, complete: complete))
            }
        case .orderStatus(let id, let state, _):
            guard var entry = known(id) else { return }
            switch state {
            case .open, .filled:
                // Working (a fill still on its way arrives as a fill message): known again.
                if entry.unknown { events.append(.reconciled(entry.order)) }
                entry.unknown = false
                entry.acked = true
                orders[id] = entry
            case .cancelled:
                guard let finished = finish(id, into: &events) else { return }
                events.append(.cancelled(finished.order, remaining: finished.remaining))
            case .rejected, .unknown:
                // The gateway refused it, or never received it: nothing of it will fill, and it
                // is not sent again (a client order id is used once).
                guard let finished = finish(id, into: &events) else { return }
                events.append(.rejected(finished.order, reason: state == .unknown ? "the gateway never received it" : "rejected",
                                        remaining: finished.remaining))
            }
        }
    }

    /// Sends status requests for orders whose answer is overdue, marks them unknown, and sends
    /// the heartbeat when it is due.
    func tick(nowWallNs: Int64, into events: inout [VenueReport]) {
        lastTickWallNs = nowWallNs
        if !unsent.isEmpty { retryUnsent(nowWallNs: nowWallNs, into: &events) }
        for (id, entry) in orders {
            // Held for its journal commit: not sent, so not overdue.
            if entry.sentWallNs == 0 && !entry.unknown { continue }
            if !entry.acked && !entry.unknown && nowWallNs - entry.sentWallNs >= ackTimeoutNs {
                var changed = entry
                changed.unknown = true
                changed.statusRequestedWallNs = nowWallNs
                orders[id] = changed
                events.append(.becameUnknown(entry.order))
                transmitOrQueue(.statusRequest(clientOrderID: id), clientOrderID: id, nowWallNs: nowWallNs)
            } else if entry.unknown && nowWallNs - entry.statusRequestedWallNs >= ackTimeoutNs {
                var changed = entry
                changed.statusRequestedWallNs = nowWallNs
                orders[id] = changed
                transmitOrQueue(.statusRequest(clientOrderID: id), clientOrderID: id, nowWallNs: nowWallNs)
            }
        }
        if nowWallNs - lastHeartbeatNs >= heartbeatIntervalNs {
            lastHeartbeatNs = nowWallNs
            transmit(.heartbeat(tsNs: nowWallNs))
        }
    }

    private func known(_ id: String) -> GatewayOrder? {
        guard let entry = orders[id] else {
            drop("unknown_order", "an answer for client_order_id '\(id.prefix(64))', which is not in flight")
            return nil
        }
        return entry
    }

    /// Removes a finished order; reports it reconciled first when its state was unknown.
    private func finish(_ id: String, into events: inout [VenueReport]) -> GatewayOrder? {
        guard let entry = known(id) else { return nil }
        orders[id] = nil
        if entry.unknown { events.append(.reconciled(entry.order)) }
        return entry
    }

    /// Sends `message` now; false when no connected gateway could take it (or the send failed).
    @discardableResult
    private func transmit(_ message: GatewayMessage) -> Bool {
        do {
            return try socket.send(message.encoded(), dontWait: true)
        } catch {
            logger.error("gateway send failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            return false
        }
    }

    /// Wall time of the last `tick`, for a cancel asked for between ticks.
    private var lastTickWallNs: Int64 = 0

    /// Sends a new order, a cancel or a status request now, behind any that wait, or makes it
    /// wait for a connection.
    /// A new order's acknowledgement timeout starts when it leaves.
    private func transmitOrQueue(_ message: GatewayMessage, clientOrderID: String, nowWallNs: Int64) {
        if unsent.isEmpty && transmit(message) {
            markSent(message, clientOrderID: clientOrderID, nowWallNs: nowWallNs)
        } else {
            unsent.append((nowWallNs, clientOrderID, message))
        }
    }

    private func markSent(_ message: GatewayMessage, clientOrderID: String, nowWallNs: Int64) {
        guard case .newOrder = message, var entry = orders[clientOrderID], entry.sentWallNs == 0 else { return }
        entry.sentWallNs = nowWallNs
        orders[clientOrderID] = entry
    }

    /// Sends what waits for a connection, in order, until one cannot leave. What waited longer
    /// than `maxSendDelayNs` is given up: a new order is reported rejected (it never reached the
    /// gateway, so nothing of it can fill), a cancel is dropped (its order's state is asked
    /// about at its timeout, as for any order without an answer).
    private func retryUnsent(nowWallNs: Int64, into events: inout [VenueReport]) {
        var done = 0
        while done < unsent.count {
            let entry = unsent[done]
            // A status request may go late (it only asks); an order or a cancel may not.
            let mayExpire = if case .statusRequest = entry.message { false } else { true }
            if mayExpire && nowWallNs - entry.firstTriedWallNs > maxSendDelayNs {
                done += 1
                if case .newOrder = entry.message, let order = orders.removeValue(forKey: entry.clientOrderID) {
                    let waited = (nowWallNs - entry.firstTriedWallNs) / 1_000_000
                    logger.error("gateway order not sent: no connection to the gateway within the send delay; it is rejected and never sent later", metadata: [
                        "client_order_id": "\(entry.clientOrderID)", "waited_ms": "\(waited)", "max_send_delay_ms": "\(maxSendDelayNs / 1_000_000)",
                    ])
                    dropped["not_sent", default: 0] += 1
                    events.append(.rejected(order.order, reason: "not sent within \(maxSendDelayNs / 1_000_000) ms: no connection to the gateway",
                                            remaining: order.remaining))
                }
                continue
            }
            guard transmit(entry.message) else { break }
            markSent(entry.message, clientOrderID: entry.clientOrderID, nowWallNs: nowWallNs)
            done += 1
        }
        if done > 0 { unsent.removeFirst(done) }
    }

    private func drop(_ reason: String, _ detail: String) {
        let count = dropped[reason, default: 0] + 1
        dropped[reason] = count
        // The first few of each kind in full, then every thousandth: a flood does not flood the log.
        if shouldLogOccurrence(count) {
            logger.warning("gateway message dropped", metadata: ["reason": "\(reason)", "detail": "\(detail)", "count": "\(count)"])
        }
    }
}
