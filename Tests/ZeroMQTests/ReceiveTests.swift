import Foundation
import Testing
import ZeroMQ

@Suite("Receiving and sending without blocking forever")
struct NonBlockingTests {
    @Test func receiveReturnsFalseOnceTheReceiveTimeoutExpires() throws {
        let outcome = try #require(runOnThread { () throws -> [Bool] in
            let context = try ZMQContext()
            let pull = try ZMQSocket(context: context, type: .pull)
            try pull.bind("inproc://timeout-\(UUID().uuidString)")
            try pull.setReceiveTimeout(milliseconds: 50)
            let received = try pull.receive(into: ZMQMessage())
            let multipart = try pull.receiveMultipart()
            return [received, multipart != nil]
        }, "the receive did not return: the timeout was not applied")
        #expect(try outcome.get() == [false, false])
    }

    @Test func dontWaitReceiveReturnsFalseOnAnEmptySocketAndTrueOnceAMessageIsQueued() throws {
        let outcome = try #require(runOnThread { () throws -> [String] in
            let context = try ZMQContext()
            let pull = try ZMQSocket(context: context, type: .pull)
            let endpoint = "inproc://dontwait-\(UUID().uuidString)"
            try pull.bind(endpoint)
            var log: [String] = []
            let message = ZMQMessage()
            log.append("empty:\(try pull.receive(into: message, dontWait: true))")
            log.append("empty multipart:\(try pull.receiveMultipart(dontWait: true) == nil ? "nil" : "frames")")

            let push = try ZMQSocket(context: context, type: .push)
            try push.connect(endpoint)
            try push.send(multipart: [bytes("x"), bytes("y")])
            var poller = ZMQPoller()
            try poller.addReadable(pull)
            _ = try poller.poll(timeoutMilliseconds: 20_000)
            log.append("queued:\(try pull.receiveMultipart(dontWait: true).map { $0.map(text) } ?? [])")
            log.append("drained:\(try pull.receive(into: message, dontWait: true))")
            return log
        }, "a dontWait receive blocked")
        #expect(try outcome.get() == ["empty:false", "empty multipart:nil", "queued:[\"x\", \"y\"]", "drained:false"])
    }

    @Test func dontWaitSendWithoutAnyPeerReturnsFalse() throws {
        let outcome = try #require(runOnThread { () throws -> [Bool] in
            let context = try ZMQContext()
            let push = try ZMQSocket(context: context, type: .push)
            try push.bind("inproc://nopeer-\(UUID().uuidString)")
            return [
                try push.send("lost", dontWait: true),
                try push.send(multipart: [bytes("a"), bytes("b")], dontWait: true),
            ]
        }, "a dontWait send blocked")
        #expect(try outcome.get() == [false, false])
    }

    @Test func sendReturnsFalseOnceTheSendTimeoutExpires() throws {
        let outcome = try #require(runOnThread { () throws -> Bool in
            let context = try ZMQContext()
            let push = try ZMQSocket(context: context, type: .push)
            try push.bind("inproc://sendtimeout-\(UUID().uuidString)")
            try push.setSendTimeout(milliseconds: 50)
            return try push.send("nobody listens")
        }, "the send did not return: the send timeout was not applied")
        #expect(try outcome.get() == false)
    }
}

@Suite("ZMQPoller")
struct PollerTests {
    @Test func pollReportsExactlyTheReadableSocket() throws {
        let context = try ZMQContext()
        let quiet = try ZMQSocket(context: context, type: .pull)
        let busy = try ZMQSocket(context: context, type: .pull)
        let quietEndpoint = "inproc://quiet-\(UUID().uuidString)"
        let busyEndpoint = "inproc://busy-\(UUID().uuidString)"
        try quiet.bind(quietEndpoint)
        try busy.bind(busyEndpoint)
        let pushQuiet = try ZMQSocket(context: context, type: .push)
        try pushQuiet.connect(quietEndpoint)
        let pushBusy = try ZMQSocket(context: context, type: .push)
        try pushBusy.connect(busyEndpoint)

        var poller = ZMQPoller()
        let quietIndex = try poller.addReadable(quiet)
        let busyIndex = try poller.addReadable(busy)
        #expect(poller.count == 2)
        #expect(quietIndex != busyIndex)

        #expect(try poller.poll(timeoutMilliseconds: 0) == 0)
        #expect(!poller.isReadable(quietIndex))
        #expect(!poller.isReadable(busyIndex))

        try pushBusy.send("ping")
        #expect(try poller.poll(timeoutMilliseconds: 20_000) == 1)
        #expect(poller.isReadable(busyIndex))
        #expect(!poller.isReadable(quietIndex))

        #expect(try receiveOrFail(busy) == [bytes("ping")])
        #expect(try poller.poll(timeoutMilliseconds: 0) == 0)
        #expect(!poller.isReadable(busyIndex))
    }

    @Test func registeringAClosedSocketThrows() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pull)
        socket.close()
        var poller = ZMQPoller()
        #expect(throws: ZMQError.self) { try poller.addReadable(socket) }
        #expect(poller.count == 0)
    }
}
