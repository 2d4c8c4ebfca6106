import Foundation
import Synchronization
import ZeroMQ

/// One operator request the soak sent through the control channel, and the host's answer.
struct OperatorEvent: Sendable {
    /// Seconds since the soak started, when the request was sent.
    var at: Double
    var verb: String
    var strategy: String?
    var forced: Bool
    /// `done`, `refused`, `error`, or `no answer`.
    var outcome: String
    var message: String
}

/// Random operator actions through the real control channel (a REQ socket speaking the JSON of
/// docs/control.md), seeded: every 20–220 ms one of pause (45 %) or resume (30 %) of a random
/// strategy, kill followed 50–300 ms later by reset (15 %; a refused reset is repeated with `force`,
/// which also clears a drawdown halt that would otherwise stay latched; a reset also clears a
/// fired dead man's switch), or checkin (10 %: with the resets, rare enough that the 1.08 s dead
/// man's switch fires now and then).
final class OperatorScript: Sendable {
    private let log = Mutex<[OperatorEvent]>([])
    private let finished = Atomic<Bool>(false)

    init(context: ZMQContext, endpoint: String, seed: UInt64, stop: StopFlag) {
        spawnThread { [self] in
            var random = SoakRandom(seed: seed)
            var socket: ZMQSocket? = nil
            func request(_ verb: String, _ strategy: String? = nil, force: Bool = false) -> OperatorEvent {
                let sent = monotonicSeconds() - SoakClock.start
                var body: [String: Any] = ["verb": verb, "operator": "soak", "reason": "soak step", "force": force]
                if let strategy { body["strategy"] = strategy }
                var event = OperatorEvent(at: sent, verb: verb, strategy: strategy, forced: force, outcome: "no answer", message: "")
                do {
                    if socket == nil {
                        let fresh = try ZMQSocket(context: context, type: .req)
                        try fresh.setLinger(milliseconds: 0)
                        try fresh.setReceiveTimeout(milliseconds: 5_000)
                        try fresh.connect(endpoint)
                        socket = fresh
                    }
                    let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
                    _ = try socket!.send([UInt8](data))
                    if let answer = try socket!.receiveMultipart(), let frame = answer.last,
                       let object = try JSONSerialization.jsonObject(with: Data(frame)) as? [String: Any] {
                        event.outcome = object["outcome"] as? String ?? "?"
                        event.message = object["message"] as? String ?? ""
                    } else {
                        // A REQ socket that got no answer cannot send again: start a new one.
                        socket?.close()
                        socket = nil
                    }
                } catch {
                    event.message = "\(error)"
                    socket?.close()
                    socket = nil
                }
                log.withLock { $0.append(event) }
                return event
            }
            var paused: [String] = []
            while !stop.isRaised {
                usleep(UInt32(20_000 + random.below(200_000)))
                if stop.isRaised { break }
                let roll = random.below(100)
                if roll < 45 {
                    let name = SoakConfig.strategies[random.below(SoakConfig.strategyCount)]
                    if request("pause", name).outcome == "done" && !paused.contains(name) { paused.append(name) }
                } else if roll < 75 {
                    // Resume one the script paused, or (when none is) a random one: a resume of a
                    // running strategy is a real request too.
                    let name = paused.isEmpty ? SoakConfig.strategies[random.below(SoakConfig.strategyCount)]
                                              : paused.remove(at: random.below(paused.count))
                    _ = request("resume", name)
                } else if roll < 90 {
                    _ = request("kill")
                    usleep(UInt32(50_000 + random.below(250_000)))
                    if request("reset").outcome == "refused" { _ = request("reset", force: true) }
                } else {
                    _ = request("checkin")
                }
            }
            // Leave the account as a reset leaves it, so the end of the run is not under a kill.
            if request("reset").outcome == "refused" { _ = request("reset", force: true) }
            socket?.close()
            finished.store(true, ordering: .releasing)
        }
    }

    /// Waits for the script's thread and returns every request with its answer, in order.
    func wait() -> [OperatorEvent] {
        while !finished.load(ordering: .acquiring) { usleep(20_000) }
        return log.withLock { $0 }
    }
}
