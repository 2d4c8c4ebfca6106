import CZeroMQ

/// A ZeroMQ socket. Not thread-safe: create, use and close it on one thread.
///
/// Every socket is created with linger 0, so closing it (and then its context) never waits for
/// messages that could not be delivered.
public final class ZMQSocket {
    /// The context this socket keeps alive.
    public let context: ZMQContext
    /// The socket's pattern.
    public let type: ZMQSocketType
    private(set) var handle: UnsafeMutableRawPointer?

    /// Creates a socket of `type` in `context`.
    public init(context: ZMQContext, type: ZMQSocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZMQError("zmq_socket \(type)")
        }
        self.context = context
        self.type = type
        self.handle = handle
        try setLinger(milliseconds: 0)
    }

    deinit { close() }

    /// Closes the socket now. Idempotent; later calls on the socket throw `ENOTSOCK`.
    public func close() {
        if let handle {
            zmq_close(handle)
            self.handle = nil
        }
    }

    func liveHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(code: ENOTSOCK, operation: operation()) }
        return handle
    }

    // MARK: Endpoints

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`, `tcp://127.0.0.1:*`, `ipc:///path`, `inproc://name`).
    public func bind(_ endpoint: String) throws {
        let handle = try liveHandle("bind \(endpoint)")
        if zmq_bind(handle, endpoint) != 0 { throw ZMQError("bind \(type) \(endpoint)") }
    }

    /// Connects to `endpoint`. For tcp and ipc the connection is made in the background.
    public func connect(_ endpoint: String) throws {
        let handle = try liveHandle("connect \(endpoint)")
        if zmq_connect(handle, endpoint) != 0 { throw ZMQError("connect \(type) \(endpoint)") }
    }

    /// Disconnects from an endpoint given to `connect`.
    public func disconnect(_ endpoint: String) throws {
        let handle = try liveHandle("disconnect \(endpoint)")
        if zmq_disconnect(handle, endpoint) != 0 { throw ZMQError("disconnect \(type) \(endpoint)") }
    }

    /// The endpoint last bound, with a wildcard port resolved (`tcp://127.0.0.1:41234`).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        let handle = try liveHandle("getsockopt ZMQ_LAST_ENDPOINT")
        if zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) != 0 {
            throw ZMQError("getsockopt ZMQ_LAST_ENDPOINT")
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Sending

    /// Sends one frame. Returns `false` if `dontWait` is set and the frame could not be queued
    /// (high-water mark reached, or no peer for a pattern that needs one); retries on `EINTR`.
    /// - Parameter more: another frame of the same message follows.
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, more: Bool = false, dontWait: Bool = false) throws -> Bool {
        let handle = try liveHandle("send")
        var flags: Int32 = 0
        if more { flags |= ZMQ_SNDMORE }
        if dontWait { flags |= ZMQ_DONTWAIT }
        while true {
            if zmq_send(handle, bytes.baseAddress, bytes.count, flags) >= 0 { return true }
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN { return false }
            throw ZMQError(code: code, operation: "send on \(type)")
        }
    }

    /// Sends one frame from an array.
    @discardableResult
    public func send(_ bytes: [UInt8], more: Bool = false, dontWait: Bool = false) throws -> Bool {
        try bytes.withUnsafeBytes { try send($0, more: more, dontWait: dontWait) }
    }

    /// Sends one frame holding the UTF-8 bytes of `text`.
    @discardableResult
    public func send(_ text: String, more: Bool = false, dontWait: Bool = false) throws -> Bool {
        var text = text
        return try text.withUTF8 { try send(UnsafeRawBufferPointer($0), more: more, dontWait: dontWait) }
    }

    /// Sends a multipart message atomically (all frames or, with `dontWait`, none).
    @discardableResult
    public func send(multipart frames: [[UInt8]], dontWait: Bool = false) throws -> Bool {
        precondition(!frames.isEmpty, "a message has at least one frame")
        for (index, frame) in frames.enumerated() {
            let sent = try send(frame, more: index < frames.count - 1, dontWait: dontWait)
            // libzmq queues the parts of a multipart message atomically: only the first part can
            // be refused for lack of room.
            if !sent { return false }
        }
        return true
    }

    // MARK: Receiving

    /// Receives one frame into `message`, reusing its storage. Returns `false` when nothing
    /// arrived (`dontWait`, or the receive timeout expired). Retries on `EINTR`; throws with
    /// `isContextTerminated` once the context is shut down.
    @discardableResult
    public func receive(into message: ZMQMessage, dontWait: Bool = false) throws -> Bool {
        let handle = try liveHandle("receive")
        let flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        while true {
            if zmq_msg_recv(message.pointer, handle, flags) >= 0 { return true }
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN { return false }
            throw ZMQError(code: code, operation: "receive on \(type)")
        }
    }

    /// Receives one whole multipart message as arrays (allocates; for control paths and tests).
    /// Returns `nil` when nothing arrived in time.
    public func receiveMultipart(dontWait: Bool = false) throws -> [[UInt8]]? {
        let message = ZMQMessage()
        guard try receive(into: message, dontWait: dontWait) else { return nil }
        var frames = [message.array]
        while message.hasMore {
            // The rest of a multipart message is already here: libzmq delivers it atomically.
            try receive(into: message)
            frames.append(message.array)
        }
        return frames
    }

    /// Receives one whole multipart message with the `User-Id` the ZAP handler gave its
    /// connection (nil when the connection had none). Allocates; for control paths.
    public func receiveMultipartWithUserID(dontWait: Bool = false) throws -> (frames: [[UInt8]], userID: String?)? {
        let message = ZMQMessage()
        guard try receive(into: message, dontWait: dontWait) else { return nil }
        // A ROUTER makes the first frame (the peer's routing id) itself, without the
        // connection's properties: look at every frame.
        var userID: String?
        func readUserID() {
            guard userID == nil, let property = zmq_msg_gets(message.pointer, "User-Id") else { return }
            let text = String(cString: property)
            if !text.isEmpty { userID = text }
        }
        readUserID()
        var frames = [message.array]
        while message.hasMore {
            try receive(into: message)
            readUserID()
            frames.append(message.array)
        }
        return (frames, userID)
    }

    /// Whether the last frame received on this socket has more parts following (`ZMQ_RCVMORE`).
    public func hasMoreFrames() throws -> Bool {
        try intOption(ZMQ_RCVMORE, "ZMQ_RCVMORE") != 0
    }
}
