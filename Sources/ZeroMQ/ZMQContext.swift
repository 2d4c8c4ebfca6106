import CZeroMQ

/// A libzmq context: the owner of I/O threads and of every socket made from it.
///
/// libzmq contexts are thread-safe, so one context may be shared by every thread of the process.
/// Each socket keeps its context alive; the context is terminated when the last reference (the
/// context object and all its sockets) goes away. Because every socket is created with linger 0,
/// termination never waits for unsent messages and so never hangs.
public final class ZMQContext: @unchecked Sendable {
    // @unchecked: the only state is the libzmq handle, and libzmq documents its context functions
    // (socket creation, shutdown, term) as thread-safe.
    let handle: UnsafeMutableRawPointer

    /// Creates a context.
    /// - Parameter ioThreads: libzmq I/O threads (1 is enough below about a gigabyte per second).
    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.handle = handle
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            // No zmq_ctx_term here: every stored property is set, so deinit runs on this throw and
            // terminates the context (terminating it here too would free it twice).
            throw ZMQError("zmq_ctx_set ZMQ_IO_THREADS=\(ioThreads)")
        }
        // Belt and braces with linger 0 on every socket: termination must not block.
        zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
    }

    /// Makes every blocking call on this context's sockets return `ETERM` (in any thread).
    ///
    /// Sockets must still be closed afterwards; the context is released when they are.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        // Retry on EINTR: zmq_ctx_term may be interrupted by a signal (SIGINT at shutdown).
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// The libzmq version linked at run time, for example `4.3.4`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
