import Foundation
import Synchronization
import ZeroMQ

/// The faults the soak injects beside the operator's actions: a second feed of malformed frames,
/// a subscriber that never reads, and a flood of unusable control requests.
enum Faults {
    /// The malformed frames of the junk feed, each with the drop reason the host must count
    /// (docs/wire-format.md). The frames are on topics of a symbol the book trades (`S000`), but
    /// for `unknown_symbol`, so only the payload makes them wrong; `future_timestamp` is a valid
    /// trade dated a day ahead, which a live host must drop rather than let it move the clock.
    static func junkFrame(_ index: Int, nowNs: Int64) -> (reason: String, frames: [[UInt8]]) {
        let topic = Array("md.junk.S000".utf8)
        func json(_ text: String) -> [[UInt8]] { [topic, Array(text.utf8)] }
        switch index % 8 {
        case 0: return ("wrong_frame_count", [topic])
        case 1: return ("unknown_symbol", [Array("md.junk.ZZZ9".utf8), Array(#"{"type":"trade","ts_ns":\#(nowNs),"price":100,"size":1}"#.utf8)])
        case 2: return ("bad_json", json(#"{"type":"trade","ts_ns":"#))
        case 3: return ("unknown_type", json(#"{"type":"swap","ts_ns":\#(nowNs),"price":100,"size":1}"#))
        case 4: return ("invalid_price", json(#"{"type":"trade","ts_ns":\#(nowNs),"price":-5,"size":1}"#))
        case 5: return ("wrong_binary_length", json("hello"))
        case 6: return ("bad_binary_header", [topic, Array(repeating: UInt8(ascii: "X"), count: 64)])
        default: return ("future_timestamp", json(#"{"type":"trade","ts_ns":\#(nowNs + 86_400_000_000_000),"price":100,"size":1}"#))
        }
    }

    /// Publishes malformed frames on `endpoint` (XPUB, so it knows when the host has subscribed),
    /// one every 2 ms in bursts, until `stop`; then the feed's end of stream. Returns the frames
    /// sent by expected drop reason.
    final class JunkFeed: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        private let finished = Atomic<Bool>(false)
        private let subscribed = Atomic<Bool>(false)

        init(context: ZMQContext, endpoint: String, stop: StopFlag) throws {
            let socket = try ZMQSocket(context: context, type: .xpub)
            try socket.setSendHighWaterMark(0)
            try socket.setLinger(milliseconds: 2_000)
            try socket.setReceiveTimeout(milliseconds: 100)
            try socket.bind(endpoint)
            nonisolated(unsafe) let owned = socket
            spawnThread { [self] in
                // The host's subscription to `md.junk.`: before it, every frame would be lost.
                while !stop.isRaised, (try? owned.receiveMultipart()) == nil {}
                subscribed.store(true, ordering: .releasing)
                var sent: [String: Int] = [:], index = 0
                while !stop.isRaised {
                    for _ in 0..<20 {
                        let (reason, frames) = Faults.junkFrame(index, nowNs: wallNanos())
                        index += 1
                        if (try? owned.send(multipart: frames)) == true { sent[reason, default: 0] += 1 }
                    }
                    usleep(40_000)
                }
                let total = sent.values.reduce(0, +)
                _ = try? owned.send(multipart: [Array("md.junk._eos".utf8),
                                                Array(#"{"type":"eos","ts_ns":\#(wallNanos()),"frames_sent":\#(total)}"#.utf8)])
                let final = sent
                counts.withLock { $0 = final }
                usleep(500_000)
                owned.close()
                finished.store(true, ordering: .releasing)
            }
        }

        var hostSubscribed: Bool { subscribed.load(ordering: .acquiring) }

        func wait() -> [String: Int] {
            while !finished.load(ordering: .acquiring) { usleep(20_000) }
            return counts.withLock { $0 }
        }
    }

    /// Unusable control requests (docs/control.md, "Unusable requests") sent from a DEALER, 25 every
    /// 250 ms, each answered with `outcome` `error` and never journaled.
    final class ControlFlood: Sendable {
        static let requests = ["not json", "", "   ", #"{"colour":"red"}"#, #"{"verb":5}"#, #"{"verb":"explode"}"#,
                               #"{"verb":"pause"}"#, #"{"verb":"kill","operator":"soak"}"#, #"{"verb":"kill","verb":"kill"}"#, "[1,2]"]
        private let tally = Mutex((sent: 0, errors: 0, other: 0))
        private let finished = Atomic<Bool>(false)

        init(context: ZMQContext, endpoint: String, stop: StopFlag) throws {
            let socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.connect(endpoint)
            nonisolated(unsafe) let owned = socket
            spawnThread { [self] in
                var sent = 0, errors = 0, other = 0
                func drain() {
                    while let answer = try? owned.receiveMultipart(dontWait: true) {
                        let text = String(decoding: answer.last ?? [], as: UTF8.self)
                        if text.contains(#""outcome":"error""#) { errors += 1 } else { other += 1 }
                    }
                }
                var index = 0
                while !stop.isRaised {
                    for _ in 0..<25 {
                        if (try? owned.send(Array(Self.requests[index % Self.requests.count].utf8))) == true { sent += 1 }
                        index += 1
                    }
                    usleep(250_000)
                    drain()
                }
                let deadline = monotonicSeconds() + 3
                while errors + other < sent && monotonicSeconds() < deadline { usleep(50_000); drain() }
                owned.close()
                let final = (sent, errors, other)
                tally.withLock { $0 = final }
                finished.store(true, ordering: .releasing)
            }
        }

        /// Requests sent, answered with an error, answered otherwise.
        func wait() -> (sent: Int, errors: Int, other: Int) {
            while !finished.load(ordering: .acquiring) { usleep(20_000) }
            return tally.withLock { $0 }
        }
    }
}
