import Foundation
import ZeroMQ

/// The client side of the control channel, as `gatehouse ctl` uses it: one REQ socket, one
/// request, one reply or a timeout.
public enum ControlClient {
    /// Why no answer came back.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// True when the host did not answer in time (not running, or the client was refused).
        public let timedOut: Bool
    }

    /// Sends `request` (the JSON of `OperatorRequest`) to the control channel of `config` and
    /// returns the reply's JSON text. With `control.curve`, `clientKeyFile` (a `gatehouse keygen`
    /// file whose public key the host lists) is required; the host's public key is
    /// `serverPublicKey`, or read from the config's `server_key_file` when that file is readable.
    public static func send(
        verb: String, strategy: String?, operatorName: String, reason: String, force: Bool, limitsYAML: String? = nil,
        config loaded: LoadedConfig, clientKeyFile: String?, serverPublicKey: String?, timeoutMs: Int?
    ) throws(Failure) -> String {
        guard let control = loaded.config.control else {
            throw Failure(description: "\(loaded.file) has no control section: this host takes no operator commands", timedOut: false)
        }
        let body = requestBody(verb: verb, strategy: strategy, operatorName: operatorName, reason: reason, force: force,
                               limitsYAML: limitsYAML)
        let timeout = Int32(timeoutMs ?? control.timeoutMs)
        do {
            let context = try ZMQContext()
            defer { context.shutdown() }
            let socket = try ZMQSocket(context: context, type: .req)
            defer { socket.close() }
            try socket.setLinger(milliseconds: 0)
            try socket.setReceiveTimeout(milliseconds: timeout)
            try socket.setSendTimeout(milliseconds: timeout)
            if let curve = control.curve {
                guard let clientKeyFile else {
                    throw Failure(description: "the control channel uses CURVE: give your key file with --key-file (gatehouse keygen makes one; the host must list its public key)", timedOut: false)
                }
                let client = try CurveKeyFile.read(clientKeyFile)
                let server: String
                if let serverPublicKey {
                    server = serverPublicKey
                } else {
                    server = try CurveKeyFile.read(loaded.resolvePath(curve.serverKeyFile)).publicKey
                }
                try socket.makeCurveClient(serverKey: server, publicKey: client.publicKey, secretKey: client.secretKey)
            }
            try socket.connect(control.endpoint)
            guard try socket.send(body) else {
                throw Failure(description: "could not send to \(control.endpoint) within \(timeout) ms", timedOut: true)
            }
            let reply = ZMQMessage()
            guard try socket.receive(into: reply) else {
                throw Failure(description: "no answer from \(control.endpoint) within \(timeout) ms: is the host running, and is this client's key authorized?", timedOut: true)
            }
            return reply.string
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(control.endpoint): \(error)", timedOut: false)
        }
    }

    /// The JSON request `send` puts on the wire (docs/control.md): `verb`, `strategy` when given,
    /// `operator`, `reason`, `force` only when true, and `limits` (the file's text) when given. `OperatorRequest.decode` reads it back to
    /// the same request (a fuzz target checks that for every request it accepts).
    package static func requestBody(verb: String, strategy: String?, operatorName: String, reason: String, force: Bool,
                                    limitsYAML: String? = nil) -> String {
        var object = EventJSON()
        object.add("verb", verb)
        if let strategy { object.add("strategy", strategy) }
        object.add("operator", operatorName)
        object.add("reason", reason)
        if force { object.add("force", true) }
        if let limitsYAML { object.add("limits", limitsYAML) }
        return object.closed
    }
}
