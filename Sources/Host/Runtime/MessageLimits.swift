/// The largest message part the host's bound sockets accept from a peer (`ZMQ_MAXMSGSIZE`): a
/// peer that sends more is disconnected by libzmq before the part is read, so no operator client
/// or stream subscriber can make the host hold a huge message. Each limit is far above what the
/// protocol it carries needs (docs/control.md, docs/events.md).
///
/// The sockets the host connects (feeds, the order gateway) have limits of their own, with a
/// monitor that reconnects them: libzmq treats an oversized part as a protocol error and does
/// not reconnect by itself.
enum MessageLimits {
    /// A control request. Larger than the 64 KiB the channel takes, so a request between the
    /// two still gets its answer naming the size; beyond it the client is disconnected.
    static let controlPartBytes: Int64 = 1_048_576
    /// A message part from the order gateway (its messages are JSON objects of a few hundred
    /// bytes).
    static let gatewayPartBytes: Int64 = 65_536
    /// A subscription to the event stream: a topic prefix, at most 14 + 64 bytes
    /// (`risk.decision.` and a strategy's name). libzmq keeps every subscription a connection
    /// sends, a trie node per byte, however many (docs/events.md, "Subscribers"), so the limit
    /// is kept near the longest topic.
    static let subscriptionBytes: Int64 = 128
    /// The same with `events.curve`: the limit covers the handshake's commands too, and a CURVE
    /// handshake's INITIATE (vouch and metadata) is about 300 bytes. Only listed subscribers
    /// get past the handshake there.
    static let curveSubscriptionBytes: Int64 = 1_024
}
