import CZeroMQ

/// An error reported by libzmq, with the text of `zmq_strerror`.
///
/// `operation` names what was attempted (for example `connect tcp://127.0.0.1:5555`), so a log
/// line says both what failed and why.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    /// The `errno`-style code from `zmq_errno()`.
    public let code: Int32
    /// What was being done when it failed.
    public let operation: String
    /// `zmq_strerror(code)`.
    public let message: String

    /// Captures `zmq_errno()` now; call immediately after the failing libzmq call.
    init(_ operation: @autoclosure () -> String) {
        let code = zmq_errno()
        self.init(code: code, operation: operation())
    }

    init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        self.message = String(cString: zmq_strerror(code))
    }

    /// The context was shut down or terminated (`ETERM`): the socket must be closed.
    public var isContextTerminated: Bool { code == ETERM }

    /// A non-blocking call would have blocked, or a timeout expired (`EAGAIN`).
    public var isWouldBlock: Bool { code == EAGAIN }

    public var description: String { "\(operation): \(message) (errno \(code))" }
}
