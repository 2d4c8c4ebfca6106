import Dispatch
import Foundation
import Testing
import ZeroMQ

@Suite("Context shutdown and termination")
struct LifecycleTests {
    @Test func blockedReceiveIsReleasedByContextShutdown() throws {
        let context = try ZMQContext()
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedBox<Result<Bool, any Error>>()
        let thread = Thread {
            // The socket lives and dies on this thread.
            let result = Result { () throws -> Bool in
                let socket = try ZMQSocket(context: context, type: .pull)
                defer { socket.close() }
                try socket.bind("inproc://blocked-\(UUID().uuidString)")
                ready.signal()
                return try socket.receive(into: ZMQMessage())  // no timeout: blocks until shutdown
            }
            outcome.set(result)
            done.signal()
        }
        thread.start()
        #expect(ready.wait(timeout: .now() + 60) == .success)
        context.shutdown()
        // A hang guard, not a timing check: without shutdown the receive never returns.
        try #require(done.wait(timeout: .now() + 60) == .success, "the blocked receive was not released")

        let result = try #require(outcome.value)
        let error = try #require(#expect(throws: ZMQError.self) { try result.get() })
        #expect(error.isContextTerminated)
        #expect(!error.isWouldBlock)
        #expect(error.operation.contains("receive"))
        #expect(!error.message.isEmpty)
    }

    @Test func blockedPollIsReleasedByContextShutdown() throws {
        let context = try ZMQContext()
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedBox<Result<Int, any Error>>()
        let thread = Thread {
            let result = Result { () throws -> Int in
                let socket = try ZMQSocket(context: context, type: .sub)
                defer { socket.close() }
                try socket.bind("inproc://blockedpoll-\(UUID().uuidString)")
                var poller = ZMQPoller()
                try poller.addReadable(socket)
                ready.signal()
                var polls = 0
                // -1: wait forever. EINTR would return 0, so loop; only ETERM may end this.
                while true {
                    polls += try poller.poll(timeoutMilliseconds: -1)
                    if polls > 0 { return polls }
                }
            }
            outcome.set(result)
            done.signal()
        }
        thread.start()
        #expect(ready.wait(timeout: .now() + 60) == .success)
        context.shutdown()
        try #require(done.wait(timeout: .now() + 60) == .success, "the blocked poll was not released")

        let result = try #require(outcome.value)
        let error = try #require(#expect(throws: ZMQError.self) { try result.get() })
        #expect(error.isContextTerminated)
    }

    @Test func sendAfterShutdownThrowsContextTerminated() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pair)
        try socket.bind("inproc://aftershutdown-\(UUID().uuidString)")
        context.shutdown()
        // dontWait: without a shutdown this send would report "no peer" (false) instead of blocking.
        let error = try #require(#expect(throws: ZMQError.self) { try socket.send("late", dontWait: true) })
        #expect(error.isContextTerminated)
        let receiveError = try #require(#expect(throws: ZMQError.self) { try socket.receive(into: ZMQMessage(), dontWait: true) })
        #expect(receiveError.isContextTerminated)
    }

    @Test(arguments: [true, false])
    func droppingAContextWhoseSocketsHoldUnsentMessagesDoesNotHang(closeSocketFirst: Bool) throws {
        let missingPeer = "ipc://\(uniqueIPCPath())"  // nobody ever binds it
        let outcome = try #require(runOnThread { () throws -> Int in
            var queued = 0
            do {
                let context = try ZMQContext()
                let push = try ZMQSocket(context: context, type: .push)
                let dealer = try ZMQSocket(context: context, type: .dealer)
                try push.connect(missingPeer)
                try dealer.connect("tcp://127.0.0.1:9")  // discard port: nothing answers
                // With connect, libzmq queues for the absent peer at once.
                for index in 0..<100 {
                    if try push.send("tick \(index)", dontWait: true) { queued += 1 }
                    if try dealer.send(multipart: [bytes("queued"), bytes("\(index)")], dontWait: true) { queued += 1 }
                }
                if closeSocketFirst {
                    push.close()
                    dealer.close()
                }
                // Leaving scope releases the sockets and the context: zmq_ctx_term runs here.
            }
            return queued
        }, "terminating the context hung on unsent messages")
        #expect(try outcome.get() == 200)
    }

    @Test func closeIsIdempotentAndLaterCallsThrowNotASocket() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .push)
        socket.close()
        socket.close()
        let error = try #require(#expect(throws: ZMQError.self) { try socket.connect("inproc://closed") })
        #expect(!error.isContextTerminated)
        #expect(error.operation.contains("inproc://closed"))
        #expect(!error.message.isEmpty)
        #expect(throws: ZMQError.self) { try socket.send("x") }
        #expect(throws: ZMQError.self) { try socket.receive(into: ZMQMessage(), dontWait: true) }
        #expect(throws: ZMQError.self) { try socket.setReceiveTimeout(milliseconds: 1) }
    }

    @Test func aRejectedContextOptionThrowsAndReleasesTheContextOnce() throws {
        // Run it several times: a double zmq_ctx_term on the failure path corrupts the heap.
        for _ in 0..<20 {
            let error = try #require(#expect(throws: ZMQError.self) { _ = try ZMQContext(ioThreads: -1) })
            #expect(error.operation.contains("ZMQ_IO_THREADS"))
            #expect(!error.message.isEmpty)
        }
        // The library is still usable afterwards.
        let context = try ZMQContext(ioThreads: 2)
        let socket = try ZMQSocket(context: context, type: .pair)
        try socket.bind("inproc://after-failed-context-\(UUID().uuidString)")
    }

    @Test func libraryVersionLooksLikeADottedVersion() {
        let parts = ZMQContext.libraryVersion.split(separator: ".")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { Int($0) != nil })
        #expect(Int(parts.first ?? "") ?? 0 >= 4)
    }
}

@Suite("Errors carry the operation and zmq_strerror text")
struct ErrorTests {
    @Test func bindToAnImpossibleAddressNamesTheEndpoint() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pull)
        let error = try #require(#expect(throws: ZMQError.self) { try socket.bind("tcp://256.0.0.1:1") })
        #expect(error.code != 0)
        #expect(!error.message.isEmpty)
        #expect(error.operation.contains("bind"))
        #expect(error.description.contains("tcp://256.0.0.1:1"))
        #expect(error.description.contains(error.message))
        #expect(error.description.contains("errno \(error.code)"))
    }

    @Test func connectWithAnUnknownTransportNamesTheEndpoint() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .push)
        let error = try #require(#expect(throws: ZMQError.self) { try socket.connect("bogus://x") })
        #expect(error.code != 0)
        #expect(!error.message.isEmpty)
        #expect(error.operation.contains("connect"))
        #expect(error.description.contains("bogus://x"))
        #expect(!error.isContextTerminated)
        #expect(!error.isWouldBlock)
    }

    @Test func bindingAnEndpointTwiceFailsWithAnErrorNamingIt() throws {
        let context = try ZMQContext()
        let endpoint = "inproc://twice-\(UUID().uuidString)"
        let first = try ZMQSocket(context: context, type: .pull)
        try first.bind(endpoint)
        let second = try ZMQSocket(context: context, type: .pull)
        let error = try #require(#expect(throws: ZMQError.self) { try second.bind(endpoint) })
        #expect(error.description.contains(endpoint))
        #expect(!error.message.isEmpty)
        #expect(error.message != error.operation)
    }

    @Test func errorsFromDifferentCausesHaveDifferentMessages() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .push)
        let badTransport = try #require(#expect(throws: ZMQError.self) { try socket.connect("bogus://x") })
        socket.close()
        let closed = try #require(#expect(throws: ZMQError.self) { try socket.connect("inproc://x") })
        #expect(badTransport.code != closed.code)
        #expect(badTransport.message != closed.message)
    }
}
