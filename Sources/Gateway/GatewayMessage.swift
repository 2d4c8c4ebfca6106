import Foundation

/// One message of the order-gateway protocol (docs/gateway-protocol.md): a single ZeroMQ frame
/// holding a JSON object with `"v": 1` and a `"type"`. The host's DEALER sends the first four
/// kinds; the gateway's ROUTER answers with the others.
public enum GatewayMessage: Sendable, Equatable {
    // Host → gateway.
    /// A new order; its client order id is unique for ever (`<strategy>-<decision id>`).
    case newOrder(NewOrder)
    /// Cancel what is left of an order.
    case cancel(clientOrderID: String)
    /// Ask for an order's state (reconciliation of an order whose answer is overdue).
    case statusRequest(clientOrderID: String)
    /// Liveness, both ways; `tsNs` is the sender's wall clock.
    case heartbeat(tsNs: Int64)
    // Gateway → host.
    /// The gateway took the order.
    case ack(clientOrderID: String)
    /// The gateway refused the order; nothing of it will fill.
    case reject(clientOrderID: String, reason: String)
    /// Part or all of an order filled.
    case fill(Fill)
    /// What was left of the order is cancelled; nothing more will fill.
    case cancelled(clientOrderID: String)
    /// The answer to a status request.
    case orderStatus(clientOrderID: String, state: OrderState, filledQuantity: Double)

    /// The protocol version this build speaks.
    public static let version = 1

    public struct NewOrder: Sendable, Equatable {
        public var clientOrderID: String
        public var symbol: String
        /// `buy` or `sell`.
        public var side: String
        /// Units, > 0.
        public var quantity: Double
        /// `market` or `limit`.
        public var orderType: String
        /// USD per unit; 0 for a market order.
        public var limitPrice: Double
        /// The host's event time when it sent the order, ns.
        public var tsNs: Int64

        public init(clientOrderID: String, symbol: String, side: String, quantity: Double, orderType: String, limitPrice: Double, tsNs: Int64) {
            self.clientOrderID = clientOrderID
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.orderType = orderType
            self.limitPrice = limitPrice
            self.tsNs = tsNs
        }
    }

    public struct Fill: Sendable, Equatable {
        public var clientOrderID: String
        /// The gateway's id of the fill, unique per gateway.
        public var fillID: String
        /// Units filled, > 0; USD per unit, > 0; USD, ≥ 0.
        public var quantity: Double
        public var price: Double
        public var feeUSD: Double
        /// Event time of the fill, ns.
        public var tsNs: Int64

        public init(clientOrderID: String, fillID: String, quantity: Double, price: Double, feeUSD: Double, tsNs: Int64) {
            self.clientOrderID = clientOrderID
            self.fillID = fillID
            self.quantity = quantity
            self.price = price
            self.feeUSD = feeUSD
            self.tsNs = tsNs
        }
    }

    /// An order's state in an `order_status` answer.
    public enum OrderState: String, Sendable, CaseIterable {
        /// Working (acknowledged, not wholly filled).
        case open
        case filled, cancelled, rejected
        /// The gateway never received it.
        case unknown
    }

    /// The message as its JSON frame (keys in a fixed order).
    public func encoded() -> [UInt8] {
        var fields: [(String, Any)] = [("v", Self.version)]
        switch self {
        case .newOrder(let o):
            fields += [("type", "new_order"), ("client_order_id", o.clientOrderID), ("symbol", o.symbol), ("side", o.side),
                       ("quantity", o.quantity), ("order_type", o.orderType), ("limit_price", o.limitPrice), ("ts_ns", o.tsNs)]
        case .cancel(let id):
            fields += [("type", "cancel"), ("client_order_id", id)]
        case .statusRequest(let id):
            fields += [("type", "status"), ("client_order_id", id)]
        case .heartbeat(let ts):
            fields += [("type", "heartbeat"), ("ts_ns", ts)]
        case .ack(let id):
            fields += [("type", "ack"), ("client_order_id", id)]
        case .reject(let id, let reason):
            fields += [("type", "reject"), ("client_order_id", id), ("reason", reason)]
        case .fill(let f):
            fields += [("type", "fill"), ("client_order_id", f.clientOrderID), ("fill_id", f.fillID), ("quantity", f.quantity),
                       ("price", f.price), ("fee_usd", f.feeUSD), ("ts_ns", f.tsNs)]
        case .cancelled(let id):
            fields += [("type", "cancelled"), ("client_order_id", id)]
        case .orderStatus(let id, let state, let filled):
            fields += [("type", "order_status"), ("client_order_id", id), ("state", state.rawValue), ("filled_quantity", filled)]
        }
        var text = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { text += "," }
            text += "\"\(key)\":"
            switch value {
            case let string as String: text += Self.quoted(string)
            case let double as Double: text += double.isFinite ? "\(double)" : "null"
            default: text += "\(value)"
            }
        }
        return Array((text + "}").utf8)
    }

    private static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Decodes one frame; the error names what is wrong.
    public static func decode(_ bytes: [UInt8]) throws(GatewayDecodeError) -> GatewayMessage {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(bytes))
        } catch let error as DecodingError {
            // A field of the wrong type names the field; anything else is not a usable object.
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let context), .dataCorrupted(let context), .valueNotFound(_, let context): path = context.codingPath
            case .keyNotFound(_, let context): path = context.codingPath
            @unknown default: path = []
            }
            guard let field = path.last?.stringValue else { throw .notAJSONObject }
            throw .wrongType(field: field, expected: "of the documented type")
        } catch {
            throw .notAJSONObject
        }
        guard let version = fields.v else { throw .missingField("v") }
        guard version == Self.version else { throw .unsupportedVersion(String(version)) }
        let type = try fields.required(\.type, "type")
        switch type {
        case "new_order":
            let side = try fields.required(\.side, "side"), orderType = try fields.required(\.order_type, "order_type")
            guard side == "buy" || side == "sell" else { throw .invalidValue(field: "side", value: side) }
            guard orderType == "market" || orderType == "limit" else { throw .invalidValue(field: "order_type", value: orderType) }
            let limit = try fields.finite(\.limit_price, "limit_price")
            if orderType == "limit" && !(limit > 0) { throw .invalidValue(field: "limit_price", value: "\(limit)") }
            return .newOrder(NewOrder(
                clientOrderID: try fields.id(\.client_order_id, "client_order_id"), symbol: try fields.id(\.symbol, "symbol"),
                side: side, quantity: try fields.positive(\.quantity, "quantity"), orderType: orderType, limitPrice: limit,
                tsNs: try fields.required(\.ts_ns, "ts_ns").value))
        case "cancel": return .cancel(clientOrderID: try fields.id(\.client_order_id, "client_order_id"))
        case "status": return .statusRequest(clientOrderID: try fields.id(\.client_order_id, "client_order_id"))
        case "heartbeat": return .heartbeat(tsNs: try fields.required(\.ts_ns, "ts_ns").value)
        case "ack": return .ack(clientOrderID: try fields.id(\.client_order_id, "client_order_id"))
        case "reject":
            return .reject(clientOrderID: try fields.id(\.client_order_id, "client_order_id"), reason: try fields.required(\.reason, "reason"))
        case "fill":
            let fee = try fields.finite(\.fee_usd, "fee_usd")
            guard fee >= 0 else { throw .invalidValue(field: "fee_usd", value: "\(fee)") }
            return .fill(Fill(
                clientOrderID: try fields.id(\.client_order_id, "client_order_id"), fillID: try fields.id(\.fill_id, "fill_id"),
                quantity: try fields.positive(\.quantity, "quantity"), price: try fields.positive(\.price, "price"), feeUSD: fee,
                tsNs: try fields.required(\.ts_ns, "ts_ns").value))
        case "cancelled": return .cancelled(clientOrderID: try fields.id(\.client_order_id, "client_order_id"))
        case "order_status":
            let stateText = try fields.required(\.state, "state")
            guard let state = OrderState(rawValue: stateText) else { throw .invalidValue(field: "state", value: stateText) }
            let filled = try fields.finite(\.filled_quantity, "filled_quantity")
            guard filled >= 0 else { throw .invalidValue(field: "filled_quantity", value: "\(filled)") }
            return .orderStatus(clientOrderID: try fields.id(\.client_order_id, "client_order_id"), state: state, filledQuantity: filled)
        default:
            throw .unknownType(type)
        }
    }

    /// A JSON integer that fits Int64. (Foundation reports a fraction where an integer belongs as
    /// invalid JSON with no field; this names the field.)
    private struct WholeNumber: Decodable {
        let value: Int64
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            guard let value = try? container.decode(Int64.self) else {
                throw DecodingError.typeMismatch(Int64.self, .init(codingPath: decoder.codingPath, debugDescription: "not an integer"))
            }
            self.value = value
        }
    }

    /// Every field any message may carry, typed; which are required depends on `type`.
    private struct Fields: Decodable {
        var v: Int?
        var type: String?
        var client_order_id: String?
        var symbol: String?
        var side: String?
        var quantity: Double?
        var order_type: String?
        var limit_price: Double?
        var ts_ns: WholeNumber?
        var reason: String?
        var fill_id: String?
        var price: Double?
        var fee_usd: Double?
        var state: String?
        var filled_quantity: Double?

        func required<T>(_ path: KeyPath<Fields, T?>, _ name: String) throws(GatewayDecodeError) -> T {
            guard let value = self[keyPath: path] else { throw .missingField(name) }
            return value
        }

        /// A non-empty string of at most 128 bytes (ids and symbols).
        func id(_ path: KeyPath<Fields, String?>, _ name: String) throws(GatewayDecodeError) -> String {
            let value = try required(path, name)
            guard !value.isEmpty, value.utf8.count <= 128 else { throw .invalidValue(field: name, value: String(value.prefix(40))) }
            return value
        }

        func finite(_ path: KeyPath<Fields, Double?>, _ name: String) throws(GatewayDecodeError) -> Double {
            let value = try required(path, name)
            guard value.isFinite else { throw .invalidValue(field: name, value: "\(value)") }
            return value
        }

        func positive(_ path: KeyPath<Fields, Double?>, _ name: String) throws(GatewayDecodeError) -> Double {
            let value = try finite(path, name)
            guard value > 0 else { throw .invalidValue(field: name, value: "\(value)") }
            return value
        }
    }
}

/// Why a gateway frame was not a protocol message.
public enum GatewayDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAJSONObject
    case missingField(String)
    case wrongType(field: String, expected: String)
    case invalidValue(field: String, value: String)
    case unsupportedVersion(String)
    case unknownType(String)

    /// A snake_case label for counters and logs.
    public var label: String {
        switch self {
        case .notAJSONObject: "not_json_object"
        case .missingField: "missing_field"
        case .wrongType: "wrong_type"
        case .invalidValue: "invalid_value"
        case .unsupportedVersion: "unsupported_version"
        case .unknownType: "unknown_type"
        }
    }

    public var description: String {
        switch self {
        case .notAJSONObject: "the frame is not a JSON object"
        case .missingField(let field): "field '\(field)' is missing"
        case .wrongType(let field, let expected): "field '\(field)' is not \(expected)"
        case .invalidValue(let field, let value): "field '\(field)' has the invalid value '\(value)'"
        case .unsupportedVersion(let version): "protocol version \(version) is not spoken here (this build speaks \(GatewayMessage.version))"
        case .unknownType(let type): "message type '\(type)' is unknown"
        }
    }
}
