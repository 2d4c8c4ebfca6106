import Gateway
import MarketData

/// The reference gateway's order book and matching: what it answers to each host message and to
/// each market event. No I/O: the command sends what these functions return.
struct ReferenceVenue {
    struct WorkingOrder {
        var order: GatewayMessage.NewOrder
        var symbolID: UInt32
        var identity: [UInt8]
        var held: Bool
    }

    let symbols: SymbolTable
    let feeBps: Double
    let maxQuantity: Double
    private var holdsLeft: Int
    /// Working orders by client order id, and the ids in arrival order (fills go oldest first).
    private var working: [String: WorkingOrder] = [:]
    private var arrival: [String] = []
    /// Final states of orders no longer working, for status requests.
    private var finished: [String: (GatewayMessage.OrderState, Double)] = [:]
    private var nextFillID = 1
    /// Client order ids of the new orders received since the command last took them, in order.
    var received: [String] = []
    // Counters for the summary.
    var orders = 0, acks = 0, rejects = 0, fills = 0, cancels = 0, statusRequests = 0, heartbeats = 0, malformed = 0

    init(symbols: SymbolTable, feeBps: Double, maxQuantity: Double, holdAcks: Int) {
        self.symbols = symbols
        self.feeBps = feeBps
        self.maxQuantity = maxQuantity
        holdsLeft = holdAcks
    }

    /// The answers to one frame from the host `identity`.
    mutating func handle(_ payload: [UInt8], from identity: [UInt8]) -> [(GatewayMessage, [UInt8])] {
        let message: GatewayMessage
        do {
            message = try GatewayMessage.decode(payload)
        } catch {
            malformed += 1
            return []
        }
        switch message {
        case .newOrder(let order):
            orders += 1
            received.append(order.clientOrderID)
            if working[order.clientOrderID] != nil || finished[order.clientOrderID] != nil {
                rejects += 1
                return [(.reject(clientOrderID: order.clientOrderID, reason: "duplicate client_order_id"), identity)]
            }
            guard let symbolID = symbols.lookup(order.symbol) else {
                rejects += 1
                finished[order.clientOrderID] = (.rejected, 0)
                return [(.reject(clientOrderID: order.clientOrderID, reason: "unknown symbol \(order.symbol)"), identity)]
            }
            guard order.quantity <= maxQuantity else {
                rejects += 1
                finished[order.clientOrderID] = (.rejected, 0)
                return [(.reject(clientOrderID: order.clientOrderID, reason: "quantity above \(maxQuantity)"), identity)]
            }
            let held = holdsLeft > 0
            if held { holdsLeft -= 1 }
            working[order.clientOrderID] = WorkingOrder(order: order, symbolID: symbolID, identity: identity, held: held)
            arrival.append(order.clientOrderID)
            if held { return [] }
            acks += 1
            return [(.ack(clientOrderID: order.clientOrderID), identity)]
        case .cancel(let id):
            guard working.removeValue(forKey: id) != nil else { return [] }
            arrival.removeAll { $0 == id }
            cancels += 1
            finished[id] = (.cancelled, 0)
            return [(.cancelled(clientOrderID: id), identity)]
        case .statusRequest(let id):
            statusRequests += 1
            if var order = working[id] {
                // A held order is released by the question: from now on it works normally.
                order.held = false
                working[id] = order
                return [(.orderStatus(clientOrderID: id, state: .open, filledQuantity: 0), identity)]
            }
            if let (state, filled) = finished[id] {
                return [(.orderStatus(clientOrderID: id, state: state, filledQuantity: filled), identity)]
            }
            return [(.orderStatus(clientOrderID: id, state: .unknown, filledQuantity: 0), identity)]
        case .heartbeat:
            heartbeats += 1
            return [(.heartbeat(tsNs: 0), identity)]
        case .ack, .reject, .fill, .cancelled, .orderStatus:
            // Only a gateway sends these.
            malformed += 1
            return []
        }
    }

    /// Fills the working orders `event` reaches, oldest first.
    mutating func marketEvent(_ event: MarketEvent) -> [(GatewayMessage, [UInt8])] {
        var answers: [(GatewayMessage, [UInt8])] = []
        var index = 0
        while index < arrival.count {
            let id = arrival[index]
            guard let order = working[id], order.symbolID == event.symbolID, !order.held,
                  let price = fillPrice(order.order, event) else {
                index += 1
                continue
            }
            working[id] = nil
            arrival.remove(at: index)
            fills += 1
            let fee = price * order.order.quantity * feeBps / 10_000
            finished[id] = (.filled, order.order.quantity)
            answers.append((.fill(GatewayMessage.Fill(
                clientOrderID: id, fillID: "ref-\(nextFillID)", quantity: order.order.quantity, price: price,
                feeUSD: fee, tsNs: event.timestampNs)), order.identity))
            nextFillID += 1
        }
        return answers
    }

    private func fillPrice(_ order: GatewayMessage.NewOrder, _ event: MarketEvent) -> Double? {
        let buy = order.side == "buy"
        let market: Double
        switch event.kind {
        case .trade: market = event.v0
        case .quote: market = buy ? event.v2 : event.v0
        case .bar: market = event.v3
        }
        guard order.orderType == "limit" else { return market }
        if buy { return market <= order.limitPrice ? min(market, order.limitPrice) : nil }
        return market >= order.limitPrice ? max(market, order.limitPrice) : nil
    }

    var summary: [String: Int] {
        ["orders": orders, "acks": acks, "rejects": rejects, "fills": fills, "cancels": cancels,
         "status_requests": statusRequests, "heartbeats": heartbeats, "malformed": malformed,
         "working": working.count]
    }
}
