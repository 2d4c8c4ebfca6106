import Gateway

/// `GatewayMessage.decode` on one frame from the order gateway (the input is the frame).
///
/// Invariants beyond "no trap":
/// - a decoded message keeps the protocol's rules (docs/gateway-protocol.md): ids 1–128 bytes,
///   quantities and prices finite and > 0, a fee and a filled quantity finite and ≥ 0, a limit
///   order with a limit price > 0;
/// - it survives its own encoding (`decode(encoded()) == message`), and encoding that again gives
///   the same bytes, so what the host sends is what it would read back;
/// - a refusal names what is wrong: a non-empty description, and a field the protocol has, a
///   version other than ours, or a type it does not have.
enum GatewayMessageTarget {
    /// Every field name any message of the protocol carries.
    static let fields: Set<String> = [
        "v", "type", "client_order_id", "symbol", "side", "quantity", "order_type", "limit_price", "ts_ns", "reason",
        "fill_id", "price", "fee_usd", "state", "filled_quantity",
    ]
    /// Every message type of the protocol.
    static let types: Set<String> = ["new_order", "cancel", "status", "heartbeat", "ack", "reject", "fill", "cancelled", "order_status"]

    static func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        let message: GatewayMessage
        do {
            message = try GatewayMessage.decode(bytes)
        } catch {
            try checkRefusal(error)
            return .refused
        }
        try checkRules(message)
        let encoded = message.encoded()
        let again: GatewayMessage
        do {
            again = try GatewayMessage.decode(encoded)
        } catch {
            throw FuzzFinding("\(message) encodes to \(renderBytes(encoded)), which is refused: \(error)")
        }
        try require(again == message, "\(message) does not survive its encoding \(renderBytes(encoded)): it reads back as \(again)")
        try require(again.encoded() == encoded, "the encoding of \(message) is not stable: \(renderBytes(encoded)) then \(renderBytes(again.encoded()))")
        return .accepted
    }

    static func checkRefusal(_ error: GatewayDecodeError) throws(FuzzFinding) {
        try require(!error.description.isEmpty && !error.label.isEmpty, "a refusal without words: \(error)")
        switch error {
        case .notAJSONObject: break
        case .missingField(let field), .wrongType(let field, _), .invalidValue(let field, _):
            try require(fields.contains(field), "a refusal naming '\(field)', which no message has: \(error)")
        case .unsupportedVersion(let version):
            try require(version != String(GatewayMessage.version), "version \(version) refused as unsupported")
        case .unknownType(let type):
            try require(!types.contains(type), "the known type '\(type)' refused as unknown")
        }
    }

    static func checkRules(_ message: GatewayMessage) throws(FuzzFinding) {
        func id(_ value: String, _ name: String) throws(FuzzFinding) {
            try require(!value.isEmpty && value.utf8.count <= 128, "\(name) of \(value.utf8.count) bytes accepted in \(message)")
        }
        func positive(_ value: Double, _ name: String) throws(FuzzFinding) {
            try require(value.isFinite && value > 0, "\(name) \(value) accepted in \(message)")
        }
        func nonNegative(_ value: Double, _ name: String) throws(FuzzFinding) {
            try require(value.isFinite && value >= 0, "\(name) \(value) accepted in \(message)")
        }
        switch message {
        case .newOrder(let order):
            try id(order.clientOrderID, "client_order_id")
            try id(order.symbol, "symbol")
            try require(order.side == "buy" || order.side == "sell", "side '\(order.side)' accepted")
            try require(order.orderType == "market" || order.orderType == "limit", "order_type '\(order.orderType)' accepted")
            try positive(order.quantity, "quantity")
            try require(order.limitPrice.isFinite, "limit_price \(order.limitPrice) accepted")
            if order.orderType == "limit" { try positive(order.limitPrice, "limit_price of a limit order") }
        case .cancel(let clientOrderID), .statusRequest(let clientOrderID), .ack(let clientOrderID), .cancelled(let clientOrderID):
            try id(clientOrderID, "client_order_id")
        case .reject(let clientOrderID, _):
            try id(clientOrderID, "client_order_id")
        case .heartbeat:
            break
        case .fill(let fill):
            try id(fill.clientOrderID, "client_order_id")
            try id(fill.fillID, "fill_id")
            try positive(fill.quantity, "quantity")
            try positive(fill.price, "price")
            try nonNegative(fill.feeUSD, "fee_usd")
        case .orderStatus(let clientOrderID, _, let filledQuantity):
            try id(clientOrderID, "client_order_id")
            try nonNegative(filledQuantity, "filled_quantity")
        }
    }
}
