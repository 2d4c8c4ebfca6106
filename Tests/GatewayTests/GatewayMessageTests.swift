import Foundation
import Gateway
import Testing

@Suite("Gateway protocol messages")
struct GatewayMessageTests {
    static let every: [GatewayMessage] = [
        .newOrder(.init(clientOrderID: "ema-17", symbol: "BTCUSD", side: "buy", quantity: 0.125, orderType: "market", limitPrice: 0, tsNs: 1_772_460_000_000_000_001)),
        .newOrder(.init(clientOrderID: "b\"q\\-9", symbol: "ETHUSD", side: "sell", quantity: 2, orderType: "limit", limitPrice: 3_000.5, tsNs: 7)),
        .cancel(clientOrderID: "ema-17"),
        .statusRequest(clientOrderID: "ema-17"),
        .heartbeat(tsNs: 123),
        .ack(clientOrderID: "ema-17"),
        .reject(clientOrderID: "ema-17", reason: "unknown symbol\nXYZ"),
        .fill(.init(clientOrderID: "ema-17", fillID: "f-1", quantity: 0.1, price: 60_000.25, feeUSD: 0, tsNs: 9)),
        .cancelled(clientOrderID: "ema-17"),
        .orderStatus(clientOrderID: "ema-17", state: .open, filledQuantity: 0.05),
    ]

    @Test(arguments: every)
    func everyMessageSurvivesItsOwnEncoding(message: GatewayMessage) throws {
        #expect(try GatewayMessage.decode(message.encoded()) == message)
    }

    @Test func theEncodingIsTheDocumentedJSON() {
        let text = String(decoding: GatewayMessage.ack(clientOrderID: "ema_majors-17").encoded(), as: UTF8.self)
        #expect(text == #"{"v":1,"type":"ack","client_order_id":"ema_majors-17"}"#)
    }

    @Test(arguments: [
        ("not JSON", "nope", GatewayDecodeError.notAJSONObject),
        ("an array", "[1,2]", .notAJSONObject),
        ("no version", #"{"type":"ack","client_order_id":"a"}"#, .missingField("v")),
        ("another version", #"{"v":2,"type":"ack","client_order_id":"a"}"#, .unsupportedVersion("2")),
        ("no type", #"{"v":1}"#, .missingField("type")),
        ("an unknown type", #"{"v":1,"type":"teleport"}"#, .unknownType("teleport")),
        ("a missing id", #"{"v":1,"type":"ack"}"#, .missingField("client_order_id")),
        ("an empty id", #"{"v":1,"type":"ack","client_order_id":""}"#, .invalidValue(field: "client_order_id", value: "")),
        ("a quantity as text", #"{"v":1,"type":"fill","client_order_id":"a","fill_id":"f","quantity":"1","price":1,"fee_usd":0,"ts_ns":1}"#, .wrongType(field: "quantity", expected: "of the documented type")),
        ("a boolean price", #"{"v":1,"type":"fill","client_order_id":"a","fill_id":"f","quantity":1,"price":true,"fee_usd":0,"ts_ns":1}"#, .wrongType(field: "price", expected: "of the documented type")),
        ("a zero fill", #"{"v":1,"type":"fill","client_order_id":"a","fill_id":"f","quantity":0,"price":1,"fee_usd":0,"ts_ns":1}"#, .invalidValue(field: "quantity", value: "0.0")),
        ("a negative fee", #"{"v":1,"type":"fill","client_order_id":"a","fill_id":"f","quantity":1,"price":1,"fee_usd":-1,"ts_ns":1}"#, .invalidValue(field: "fee_usd", value: "-1.0")),
        ("a fractional time", #"{"v":1,"type":"heartbeat","ts_ns":1.5}"#, .wrongType(field: "ts_ns", expected: "of the documented type")),
        ("an unknown state", #"{"v":1,"type":"order_status","client_order_id":"a","state":"lost","filled_quantity":0}"#, .invalidValue(field: "state", value: "lost")),
        ("a limit without a price", #"{"v":1,"type":"new_order","client_order_id":"a","symbol":"X","side":"buy","quantity":1,"order_type":"limit","limit_price":0,"ts_ns":1}"#, .invalidValue(field: "limit_price", value: "0.0")),
        ("a sideways order", #"{"v":1,"type":"new_order","client_order_id":"a","symbol":"X","side":"up","quantity":1,"order_type":"market","limit_price":0,"ts_ns":1}"#, .invalidValue(field: "side", value: "up")),
    ])
    func aMalformedFrameIsRefusedNamingWhatIsWrong(label: String, frame: String, expected: GatewayDecodeError) {
        #expect(throws: expected, "\(label)") { try GatewayMessage.decode(Array(frame.utf8)) }
    }

    @Test func randomBytesNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            var bytes: [UInt8] = []
            for index in 0..<length { bytes.append(UInt8(truncatingIfNeeded: (state >> UInt64(index % 56)) ^ UInt64(index))) }
            _ = try? GatewayMessage.decode(bytes)
        }
    }
}
