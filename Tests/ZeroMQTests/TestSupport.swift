import Dispatch
import Foundation
import Testing
import ZeroMQ

/// The transports the wrapper must work over.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inproc, ipc, tcp

    var testDescription: String { rawValue }

    /// Binds `socket` to a fresh endpoint of this transport and returns the endpoint a peer connects to.
    /// inproc peers must share `socket`'s context.
    func bindUnique(_ socket: ZMQSocket) throws -> String {
        switch self {
        case .inproc:
            let endpoint = "inproc://zmqtests-\(UUID().uuidString)"
            try socket.bind(endpoint)
            return endpoint
        case .ipc:
            let endpoint = "ipc://\(uniqueIPCPath())"
            try socket.bind(endpoint)
            return endpoint
        case .tcp:
            try socket.bind("tcp://127.0.0.1:*")
            return try socket.lastEndpoint()
        }
    }
}

/// A socket path in the temporary directory that no other test uses.
func uniqueIPCPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("zmqt-\(UUID().uuidString).sock").path
}

/// Removes the socket file of an `ipc://` endpoint, if any.
func removeIPCFile(_ endpoint: String) {
    guard endpoint.hasPrefix("ipc://") else { return }
    try? FileManager.default.removeItem(atPath: String(endpoint.dropFirst("ipc://".count)))
}

/// A value written by one thread and read by another.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    func set(_ value: Value) { lock.lock(); stored = value; lock.unlock() }
    var value: Value? { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Runs `body` on a new OS thread and waits for it. Returns `nil` if it has not finished within
/// `guardSeconds`: a hang guard (generous, so it never fires on a slow machine), not a timing check.
func runOnThread<T: Sendable>(
    guardSeconds: Double = 60, _ body: @escaping @Sendable () throws -> T
) -> Result<T, any Error>? {
    let box = LockedBox<Result<T, any Error>>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.set(Result { try body() })
        done.signal()
    }
    thread.start()
    guard done.wait(timeout: .now() + guardSeconds) == .success else { return nil }
    return box.value
}

/// Receives one multipart message, failing the test (instead of hanging) if none arrives.
func receiveOrFail(_ socket: ZMQSocket, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[UInt8]] {
    try socket.setReceiveTimeout(milliseconds: 20_000)
    return try #require(try socket.receiveMultipart(), "no message arrived", sourceLocation: sourceLocation)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
