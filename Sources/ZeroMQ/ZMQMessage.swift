import CZeroMQ

/// One received frame, kept at a fixed heap address so the `zmq_msg_t` is never copied
/// (libzmq forbids copying an initialised message).
///
/// Reuse one instance per frame position on a hot path: each receive releases the previous
/// content, so steady-state receiving allocates nothing in Swift.
public final class ZMQMessage {
    let pointer: UnsafeMutablePointer<zmq_msg_t>

    /// An empty message, ready to receive into.
    public init() {
        pointer = .allocate(capacity: 1)
        zmq_msg_init(pointer)
    }

    deinit {
        zmq_msg_close(pointer)
        pointer.deallocate()
    }

    /// The frame's bytes; valid until the next receive into this message.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: zmq_msg_data(pointer), count: zmq_msg_size(pointer))
    }

    /// Number of bytes in the frame.
    public var count: Int { zmq_msg_size(pointer) }

    /// Whether more frames of the same multipart message follow this one.
    public var hasMore: Bool { zmq_msg_more(pointer) != 0 }

    /// The file descriptor of the connection the frame arrived on (`ZMQ_SRCFD`), nil when libzmq
    /// does not know it (inproc, or a frame this process made). The descriptor is libzmq's: it
    /// may be closed and reused as soon as the connection ends, so check it is still that
    /// connection (a socket monitor's `accepted` / `disconnected`) before acting on it.
    public var sourceFileDescriptor: Int32? {
        let fd = zmq_msg_get(pointer, ZMQ_SRCFD)
        return fd >= 0 ? fd : nil
    }

    /// The frame as an array (allocates; for control paths and tests).
    public var array: [UInt8] { Array(bytes) }

    /// The frame decoded as UTF-8 (allocates; for control paths and tests).
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
