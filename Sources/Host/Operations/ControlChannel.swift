import Engine
import Foundation
import Logging
import ZeroMQ

/// The operator control channel (docs/control.md): a ROUTER socket the event loop polls, taking
/// one JSON request per message and answering each on the same connection. REQ clients
/// (`gatehouse ctl`) send `[request]` and get `[reply]`.
///
/// Security: without CURVE the endpoint must be `ipc://` (the config refuses anything else), and
/// the socket file is made mode 0600, so only the host's user (and root) can connect. With
/// `control.curve` the socket is a CURVE server, and a ZAP handler on this same loop admits only
/// the listed operators' public keys: a client without CURVE, or with an unlisted key, never
/// completes its handshake and gets nothing. The handler names the connection after the
/// operator its key is listed under (ZAP user id), and every request on it acts under that name.
final class ControlChannel {
    let socket: ZMQSocket
    /// The ZAP handler (CURVE only), bound to libzmq's fixed `inproc://zeromq.zap.01`.
    let zap: ZMQSocket?
    let endpoint: String
    /// Operator name by public key (CURVE only).
    private let operatorsByKey: [[UInt8]: String]
    private let logger: Logger
    /// Clients refused by the ZAP handler so far.
    private(set) var refusedClients: UInt64 = 0
    /// Requests that could not be read so far.
    private(set) var badRequests: UInt64 = 0

    /// Largest request taken, bytes.
    static let maxRequestBytes = 65_536

    init(config: ControlConfig, keyFilePath: String?, context: ZMQContext, logger: Logger) throws {
        self.logger = logger
        var zap: ZMQSocket?
        var keys: [[UInt8]: String] = [:]
        let socket = try ZMQSocket(context: context, type: .router)
        do {
            try socket.setLinger(milliseconds: 0)
            try socket.setMaxMessageSize(MessageLimits.controlPartBytes)
            try socket.setHandshakeInterval(milliseconds: 5_000)
            if let curve = config.curve, let keyFilePath {
                guard CurveKeys.isAvailable else { throw ControlChannelError("this libzmq has no CURVE support (built without libsodium)") }
                let keyFile: CurveKeyFile
                do {
                    keyFile = try CurveKeyFile.read(keyFilePath)
                } catch {
                    throw ControlChannelError("control.curve.server_key_file: \(error.description)")
                }
                keys = curve.operatorsByKey
                // The handler must exist before the first connection's handshake asks it.
                let handler = try ZMQSocket(context: context, type: .rep)
                try handler.setLinger(milliseconds: 0)
                do {
                    try handler.bind("inproc://zeromq.zap.01")
                } catch {
                    handler.close()
                    throw error
                }
                zap = handler
                try socket.setZAPDomain("gatehouse-control")
                try socket.makeCurveServer(secretKey: keyFile.secretKey)
            }
            try socket.bind(config.endpoint)
            endpoint = (try? socket.lastEndpoint()) ?? config.endpoint
            if config.endpoint.hasPrefix("ipc://") {
                // Connecting to a Unix socket needs write permission on its file: 0600 leaves
                // the host's user and root. Done before the loop reads any request.
                let path = String(config.endpoint.dropFirst("ipc://".count))
                if chmod(path, 0o600) != 0 {
                    throw ControlChannelError("cannot make the control socket \(path) mode 0600: \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            socket.close()
            zap?.close()
            throw error
        }
        self.socket = socket
        self.zap = zap
        operatorsByKey = keys
    }

    /// Where an answer goes: the client's envelope (its ROUTER identity, and the empty delimiter a
    /// REQ client expects). Kept by the host when it answers later (`reply(_:to:)`).
    struct ReplyAddress: Sendable {
        let identity: [UInt8]
        let hasDelimiter: Bool
    }

    /// Takes every waiting request, has `handle` answer it, and sends the answer back; when
    /// `handle` returns nil it answers later through `reply(_:to:)` (a promotion measured off the
    /// event loop).
    ///
    /// A request is one frame: `[request]` from a DEALER, `[empty delimiter, request]` from a
    /// REQ; the answer goes back in the same envelope. Anything else (more frames, an empty or
    /// oversized frame, a body that does not decode) is answered with outcome `error` naming
    /// the problem, logged, and never reaches `handle`: it changes nothing and is not journaled.
    func serviceRequests(_ handle: (OperatorRequest, ReplyAddress) -> OperatorReply?) {
        while let (frames, keyOperator) = try? socket.receiveMultipartWithUserID(dontWait: true) {
            // ROUTER: [client identity, (empty delimiter from REQ), body].
            guard frames.count >= 2 else { continue }
            let hasDelimiter = frames.count >= 3 && frames[1].isEmpty
            let address = ReplyAddress(identity: frames[0], hasDelimiter: hasDelimiter)
            let parts = frames.dropFirst(hasDelimiter ? 2 : 1)
            let reply: OperatorReply
            do {
                guard let answer = handle(try Self.request(in: parts, keyOperator: keyOperator), address) else { continue }
                reply = answer
            } catch {
                badRequests &+= 1
                // The first hundred, then every thousandth: a local client flooding unusable
                // requests must not grow the log without bound (each is still answered).
                if shouldLogOccurrence(badRequests, first: 100) {
                    logger.warning("control request refused", metadata: ["error": "\(error)", "refused_so_far": "\(badRequests)"])
                }
                reply = OperatorReply(outcome: "error", message: error.description, verb: "")
            }
            self.reply(reply, to: address)
        }
    }

    /// Sends `reply` to the client at `address`.
    func reply(_ reply: OperatorReply, to address: ReplyAddress) {
        var answer = [address.identity]
        if address.hasDelimiter { answer.append([]) }
        answer.append(Array(reply.json.utf8))
        _ = try? socket.send(multipart: answer, dontWait: true)
    }

    /// The request in a message's frames after its envelope: exactly one frame of at most
    /// `maxRequestBytes` holding a valid request. `keyOperator`: the operator the connection's
    /// CURVE key is listed under (nil without CURVE), who the request then acts as.
    static func request(in parts: ArraySlice<[UInt8]>, keyOperator: String? = nil) throws(OperatorRequest.Invalid) -> OperatorRequest {
        guard parts.count == 1, let body = parts.first else {
            throw OperatorRequest.Invalid(description: "the request came in \(parts.count) frames: send one JSON object in one frame")
        }
        guard body.count <= maxRequestBytes else {
            throw OperatorRequest.Invalid(description: "the request is \(body.count) bytes: at most \(maxRequestBytes) are taken")
        }
        return try OperatorRequest.decode(body, keyOperator: keyOperator)
    }

    /// Answers waiting ZAP requests (RFC 27): admits CURVE clients whose public key is listed,
    /// with the operator's name as the connection's user id.
    func serviceZAP() {
        guard let zap else { return }
        while let frames = try? zap.receiveMultipart(dontWait: true) {
            // [version, request id, domain, address, identity, mechanism, credentials...]
            guard frames.count >= 6 else { continue }
            let mechanism = String(decoding: frames[5], as: UTF8.self)
            let name = mechanism == "CURVE" && frames.count >= 7 ? operatorsByKey[frames[6]] : nil
            let admitted = name != nil
            if !admitted {
                refusedClients &+= 1
                logger.warning("control client refused", metadata: [
                    "address": "\(String(decoding: frames[3], as: UTF8.self))", "mechanism": "\(mechanism)",
                ])
            }
            let reply = CurveKeys.zapReply(to: frames, refusal: admitted ? nil : "client key not authorized", userID: name ?? "")
            _ = try? zap.send(multipart: reply, dontWait: true)
        }
    }

    func close() {
        socket.close()
        zap?.close()
    }
}

/// A control channel that cannot start.
struct ControlChannelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
