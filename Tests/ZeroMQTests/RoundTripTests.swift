import Foundation
import Testing
import ZeroMQ

/// A request/reply-capable pair of socket patterns.
enum Pattern: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case dealerRouter, reqRep, pushPull, pair
    var testDescription: String { rawValue }
}

/// Frames with awkward contents: empty, every byte value, text.
let awkwardFrames: [[UInt8]] = [
    bytes("header"),
    [],
    Array(0...255),
    bytes("tail ✓"),
]

@Suite("Multipart messages round-trip over every transport")
struct MultipartRoundTripTests {
    @Test(arguments: Transport.allCases, Pattern.allCases)
    func multipartMessageArrivesIntactAndInOrder(transport: Transport, pattern: Pattern) throws {
        let context = try ZMQContext()
        switch pattern {
        case .dealerRouter:
            let router = try ZMQSocket(context: context, type: .router)
            let endpoint = try transport.bindUnique(router)
            defer { removeIPCFile(endpoint) }
            let dealer = try ZMQSocket(context: context, type: .dealer)
            try dealer.setRoutingID(bytes("dealer-1"))
            try dealer.connect(endpoint)

            #expect(try dealer.send(multipart: awkwardFrames))
            let atRouter = try receiveOrFail(router)
            // The ROUTER prefixes the sender's routing id.
            #expect(atRouter == [bytes("dealer-1")] + awkwardFrames)

            let reply = [bytes("dealer-1"), bytes("reply"), [], [0xFF, 0x00]]
            #expect(try router.send(multipart: reply))
            #expect(try receiveOrFail(dealer) == Array(reply.dropFirst()))

        case .reqRep:
            let rep = try ZMQSocket(context: context, type: .rep)
            let endpoint = try transport.bindUnique(rep)
            defer { removeIPCFile(endpoint) }
            let req = try ZMQSocket(context: context, type: .req)
            try req.connect(endpoint)

            #expect(try req.send(multipart: awkwardFrames))
            #expect(try receiveOrFail(rep) == awkwardFrames)
            let reply = [bytes("ok"), [], bytes("done")]
            #expect(try rep.send(multipart: reply))
            #expect(try receiveOrFail(req) == reply)

        case .pushPull:
            let pull = try ZMQSocket(context: context, type: .pull)
            let endpoint = try transport.bindUnique(pull)
            defer { removeIPCFile(endpoint) }
            let push = try ZMQSocket(context: context, type: .push)
            try push.connect(endpoint)

            for index in 0..<5 {
                #expect(try push.send(multipart: [bytes("#\(index)")] + awkwardFrames))
            }
            for index in 0..<5 {
                #expect(try receiveOrFail(pull) == [bytes("#\(index)")] + awkwardFrames)
            }

        case .pair:
            let left = try ZMQSocket(context: context, type: .pair)
            let endpoint = try transport.bindUnique(left)
            defer { removeIPCFile(endpoint) }
            let right = try ZMQSocket(context: context, type: .pair)
            try right.connect(endpoint)

            #expect(try right.send(multipart: awkwardFrames))
            #expect(try receiveOrFail(left) == awkwardFrames)
            #expect(try left.send(multipart: awkwardFrames.reversed()))
            #expect(try receiveOrFail(right) == awkwardFrames.reversed())
        }
    }

    @Test(arguments: Transport.allCases)
    func framesReceivedOneByOneReportWhetherMoreFollow(transport: Transport) throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let endpoint = try transport.bindUnique(pull)
        defer { removeIPCFile(endpoint) }
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)

        try push.send("one", more: true)
        try push.send(bytes("two"), more: true)
        try push.send("three")

        try pull.setReceiveTimeout(milliseconds: 20_000)
        let message = ZMQMessage()
        var received: [(String, Bool, Bool)] = []
        for _ in 0..<3 {
            #expect(try pull.receive(into: message))
            received.append((message.string, message.hasMore, try pull.hasMoreFrames()))
        }
        #expect(received.map(\.0) == ["one", "two", "three"])
        #expect(received.map(\.1) == [true, true, false])
        #expect(received.map(\.2) == [true, true, false])
        #expect(message.count == 5)
        #expect(message.array == bytes("three"))
    }

    @Test func lastEndpointResolvesTheWildcardPort() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pull)
        try socket.bind("tcp://127.0.0.1:*")
        let endpoint = try socket.lastEndpoint()
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = try #require(Int(endpoint.dropFirst("tcp://127.0.0.1:".count)))
        #expect(port > 0)
    }
}

@Suite("Frames larger than a megabyte")
struct LargeFrameTests {
    @Test(arguments: Transport.allCases)
    func aThreeMegabyteFrameRoundTrips(transport: Transport) throws {
        var generator = SystemRandomNumberGenerator()
        let big = (0..<(3 * 1024 * 1024 + 17)).map { _ in UInt8.random(in: 0...255, using: &generator) }

        let context = try ZMQContext()
        let left = try ZMQSocket(context: context, type: .pair)
        let endpoint = try transport.bindUnique(left)
        defer { removeIPCFile(endpoint) }
        let right = try ZMQSocket(context: context, type: .pair)
        try right.connect(endpoint)

        #expect(try right.send(multipart: [bytes("big"), big]))
        let frames = try receiveOrFail(left)
        #expect(frames.count == 2)
        #expect(frames.first == bytes("big"))
        #expect(frames.last?.count == big.count)
        #expect(frames.last == big)

        // And back, through the zero-copy receive path.
        try left.send(big)
        try right.setReceiveTimeout(milliseconds: 20_000)
        let message = ZMQMessage()
        #expect(try right.receive(into: message))
        #expect(message.count == big.count)
        #expect(message.bytes.elementsEqual(big))
    }
}
