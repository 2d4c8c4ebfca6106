import CZeroMQ

/// A fixed set of sockets to wait on with `zmq_poll` (the stable API; `zmq_poller_*` is draft in
/// Debian's libzmq). Build it once; `poll` allocates nothing.
public struct ZMQPoller {
    private var items: [zmq_pollitem_t] = []

    /// An empty poller.
    public init() {}

    /// Adds `socket` for readability and returns its index for `isReadable`.
    /// The socket must outlive the poller's use.
    @discardableResult
    public mutating func addReadable(_ socket: ZMQSocket) throws -> Int {
        let handle = try socket.liveHandle("poll register")
        items.append(zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Number of registered sockets.
    public var count: Int { items.count }

    /// Waits until a socket is readable or `timeoutMilliseconds` passes (-1: forever, 0: check).
    /// Returns the number of ready sockets (0 on timeout or `EINTR`).
    /// Throws with `isContextTerminated` once the context is shut down.
    public mutating func poll(timeoutMilliseconds: Int) throws -> Int {
        let count = items.count
        let result = items.withUnsafeMutableBufferPointer { buffer in
            zmq_poll(buffer.baseAddress, Int32(count), timeoutMilliseconds)
        }
        if result >= 0 { return Int(result) }
        let code = zmq_errno()
        // A signal (SIGINT at shutdown) interrupts the wait; the caller's loop looks at its flags.
        if code == EINTR { return 0 }
        throw ZMQError(code: code, operation: "zmq_poll over \(count) sockets")
    }

    /// Whether socket `index` was readable after the last `poll`.
    public func isReadable(_ index: Int) -> Bool {
        items[index].revents & Int16(ZMQ_POLLIN) != 0
    }
}
