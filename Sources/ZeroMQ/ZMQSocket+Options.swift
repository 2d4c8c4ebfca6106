import CZeroMQ

extension ZMQSocket {
    func setIntOption(_ option: Int32, _ value: Int32, _ name: String) throws {
        var value = value
        let handle = try liveHandle("setsockopt \(name)")
        if zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) != 0 {
            throw ZMQError("setsockopt \(name)=\(value) on \(type)")
        }
    }

    func setBytesOption(_ option: Int32, _ bytes: [UInt8], _ name: String) throws {
        let handle = try liveHandle("setsockopt \(name)")
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        if result != 0 { throw ZMQError("setsockopt \(name) on \(type)") }
    }

    func intOption(_ option: Int32, _ name: String) throws -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        let handle = try liveHandle("getsockopt \(name)")
        if zmq_getsockopt(handle, option, &value, &size) != 0 {
            throw ZMQError("getsockopt \(name) on \(type)")
        }
        return value
    }

    /// SUB: receive messages whose first frame starts with `prefix` (empty: everything).
    public func subscribe(_ prefix: String) throws {
        try setBytesOption(ZMQ_SUBSCRIBE, Array(prefix.utf8), "ZMQ_SUBSCRIBE \"\(prefix)\"")
    }

    /// SUB: stop receiving messages for a prefix given to `subscribe`.
    public func unsubscribe(_ prefix: String) throws {
        try setBytesOption(ZMQ_UNSUBSCRIBE, Array(prefix.utf8), "ZMQ_UNSUBSCRIBE \"\(prefix)\"")
    }

    /// How long unsent messages are kept after `close` (0: dropped at once, the default here).
    public func setLinger(milliseconds: Int32) throws {
        try setIntOption(ZMQ_LINGER, milliseconds, "ZMQ_LINGER")
    }

    /// Outbound queue limit in messages per peer (0: unlimited). PUB drops beyond it.
    public func setSendHighWaterMark(_ messages: Int32) throws {
        try setIntOption(ZMQ_SNDHWM, messages, "ZMQ_SNDHWM")
    }

    /// Inbound queue limit in messages per peer (0: unlimited).
    public func setReceiveHighWaterMark(_ messages: Int32) throws {
        try setIntOption(ZMQ_RCVHWM, messages, "ZMQ_RCVHWM")
    }

    /// A blocking receive gives up after this many milliseconds (-1: wait forever).
    public func setReceiveTimeout(milliseconds: Int32) throws {
        try setIntOption(ZMQ_RCVTIMEO, milliseconds, "ZMQ_RCVTIMEO")
    }

    /// A blocking send gives up after this many milliseconds (-1: wait forever).
    public func setSendTimeout(milliseconds: Int32) throws {
        try setIntOption(ZMQ_SNDTIMEO, milliseconds, "ZMQ_SNDTIMEO")
    }

    /// XPUB: block (or report `EAGAIN`) at the high-water mark instead of dropping.
    /// Used by replays, where losing a tick would change the result.
    public func setXPubNoDrop(_ enabled: Bool) throws {
        try setIntOption(ZMQ_XPUB_NODROP, enabled ? 1 : 0, "ZMQ_XPUB_NODROP")
    }

    /// XPUB: pass every subscription message up, not only the first for each topic, so a
    /// publisher can count its subscribers.
    public func setXPubVerbose(_ enabled: Bool) throws {
        try setIntOption(ZMQ_XPUB_VERBOSE, enabled ? 1 : 0, "ZMQ_XPUB_VERBOSE")
    }

    /// DEALER/ROUTER/REQ: the identity this socket presents to a ROUTER peer.
    public func setRoutingID(_ id: [UInt8]) throws {
        try setBytesOption(ZMQ_ROUTING_ID, id, "ZMQ_ROUTING_ID")
    }

    /// ROUTER: fail with `EHOSTUNREACH` instead of silently dropping a message to an unknown peer.
    public func setRouterMandatory(_ enabled: Bool) throws {
        try setIntOption(ZMQ_ROUTER_MANDATORY, enabled ? 1 : 0, "ZMQ_ROUTER_MANDATORY")
    }

    /// Largest inbound message part a peer may send, bytes (`ZMQ_MAXMSGSIZE`; -1: no limit). A
    /// peer that sends a larger one is disconnected before the part is read into memory, so no
    /// peer can make this process hold more than the limit for one part.
    public func setMaxMessageSize(_ bytes: Int64) throws {
        var value = bytes
        let handle = try liveHandle("setsockopt ZMQ_MAXMSGSIZE")
        if zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &value, MemoryLayout<Int64>.size) != 0 {
            throw ZMQError("setsockopt ZMQ_MAXMSGSIZE=\(bytes) on \(type)")
        }
    }

    /// Queue messages only to completed connections (no queueing for peers not yet connected).
    public func setImmediate(_ enabled: Bool) throws {
        try setIntOption(ZMQ_IMMEDIATE, enabled ? 1 : 0, "ZMQ_IMMEDIATE")
    }

    /// XPUB: subscriptions are passed up and take effect only when the application applies them
    /// (`subscribe(bytes:)` / `unsubscribe(bytes:)` right after receiving each), so a publisher
    /// can refuse those it will never serve.
    public func setXPubManual(_ enabled: Bool) throws {
        try setIntOption(ZMQ_XPUB_MANUAL, enabled ? 1 : 0, "ZMQ_XPUB_MANUAL")
    }

    /// SUB: subscribe to `prefix`. XPUB with `ZMQ_XPUB_MANUAL`: apply `prefix` for the peer whose
    /// subscription message was received last.
    public func subscribe(bytes prefix: [UInt8]) throws {
        try setBytesOption(ZMQ_SUBSCRIBE, prefix, "ZMQ_SUBSCRIBE")
    }

    /// The reverse of `subscribe(bytes:)`.
    public func unsubscribe(bytes prefix: [UInt8]) throws {
        try setBytesOption(ZMQ_UNSUBSCRIBE, prefix, "ZMQ_UNSUBSCRIBE")
    }

    /// Milliseconds before a connecting socket tries again after a connection failed or dropped
    /// (`ZMQ_RECONNECT_IVL`).
    public func setReconnectInterval(milliseconds: Int32) throws {
        try setIntOption(ZMQ_RECONNECT_IVL, milliseconds, "ZMQ_RECONNECT_IVL")
    }

    /// ROUTER: a new connection with a routing id already in use takes it over, instead of
    /// being dropped (`ZMQ_ROUTER_HANDOVER`). A peer that reconnects under its fixed id (the
    /// host to its order gateway) is then heard at once, not after the old connection's last
    /// messages were read.
    public func setRouterHandover(_ enabled: Bool) throws {
        try setIntOption(ZMQ_ROUTER_HANDOVER, enabled ? 1 : 0, "ZMQ_ROUTER_HANDOVER")
    }
}
