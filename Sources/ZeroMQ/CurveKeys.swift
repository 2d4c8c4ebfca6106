import CZeroMQ

/// ZeroMQ CURVE keys in their Z85 text form (40 characters for 32 bytes).
public enum CurveKeys {
    /// Whether this libzmq was built with CURVE (libsodium).
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    /// A new key pair, Z85 text.
    public static func generate() throws -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError("zmq_curve_keypair") }
        return (String(decoding: publicKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self),
                String(decoding: secretKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The public key of a Z85 secret key; nil when `secretKey` is not one.
    public static func publicKey(ofSecret secretKey: String) -> String? {
        guard isZ85Key(secretKey) else { return nil }
        var publicKey = [CChar](repeating: 0, count: 41)
        let result = secretKey.withCString { zmq_curve_public(&publicKey, $0) }
        guard result == 0 else { return nil }
        return String(decoding: publicKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `text` is 40 characters of the Z85 alphabet (a 32-byte key).
    public static func isZ85Key(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { z85Alphabet.contains($0) }
    }

    /// The 32 key bytes of a Z85 key; nil when it is not one.
    public static func decode(_ key: String) -> [UInt8]? {
        guard isZ85Key(key) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard key.withCString({ zmq_z85_decode(&bytes, $0) }) != nil else { return nil }
        return bytes
    }

    private static let z85Alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
}

extension ZMQSocket {
    /// Makes this socket a CURVE server with `secretKey` (Z85): every peer must speak CURVE and
    /// know the matching public key. Call before `bind`.
    public func makeCurveServer(secretKey: String) throws {
        guard let secret = CurveKeys.decode(secretKey) else { throw ZMQError(code: EINVAL, operation: "CURVE secret key is not a Z85 key") }
        try setIntOption(ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER")
        try setBytesOption(ZMQ_CURVE_SECRETKEY, secret, "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server with public key `serverKey`, presenting the
    /// key pair `publicKey`/`secretKey` (all Z85). Call before `connect`.
    public func makeCurveClient(serverKey: String, publicKey: String, secretKey: String) throws {
        guard let server = CurveKeys.decode(serverKey), let pub = CurveKeys.decode(publicKey),
              let secret = CurveKeys.decode(secretKey) else { throw ZMQError(code: EINVAL, operation: "CURVE key is not a Z85 key") }
        try setBytesOption(ZMQ_CURVE_SERVERKEY, server, "ZMQ_CURVE_SERVERKEY")
        try setBytesOption(ZMQ_CURVE_PUBLICKEY, pub, "ZMQ_CURVE_PUBLICKEY")
        try setBytesOption(ZMQ_CURVE_SECRETKEY, secret, "ZMQ_CURVE_SECRETKEY")
    }

    /// The ZAP domain this socket's connections are authenticated in (ZMQ_ZAP_DOMAIN). Setting
    /// one makes libzmq ask the ZAP handler about every connection, also without CURVE.
    public func setZAPDomain(_ domain: String) throws {
        try setBytesOption(ZMQ_ZAP_DOMAIN, Array(domain.utf8), "ZMQ_ZAP_DOMAIN")
    }

    /// How long a connecting peer has to complete its handshake, milliseconds (ZMQ_HANDSHAKE_IVL,
    /// 0 = no limit); a peer that does not is disconnected.
    public func setHandshakeInterval(milliseconds: Int32) throws {
        try setIntOption(ZMQ_HANDSHAKE_IVL, milliseconds, "ZMQ_HANDSHAKE_IVL")
    }
}

extension CurveKeys {
    /// Names by raw 32-byte public key, for a ZAP handler, from a config's name → Z85 key
    /// mapping; entries whose key does not decode are left out (the config check refuses them).
    public static func namesByKey(_ keysByName: [String: String]) -> [[UInt8]: String] {
        var byKey: [[UInt8]: String] = [:]
        for (name, key) in keysByName { if let bytes = decode(key) { byKey[bytes] = name } }
        return byKey
    }

    /// A ZAP reply (RFC 27) to `request` (`[version, request id, …]`): 200 with `userID` when
    /// admitted, else 400 with `refusal` as the status text.
    public static func zapReply(to request: [[UInt8]], refusal: String?, userID: String) -> [[UInt8]] {
        [Array("1.0".utf8), request[1], Array((refusal == nil ? "200" : "400").utf8),
         Array((refusal ?? "OK").utf8), Array((refusal == nil ? userID : "").utf8), []]
    }
}
