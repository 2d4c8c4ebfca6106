import Foundation
import Journal
import TestKit
import Testing
import ZeroMQ

/// Malformed control requests against a running `gatehouse run` (docs/control.md, "Unusable
/// requests"), sent raw over a DEALER socket: non-JSON bytes, JSON that is not an object, an
/// unknown key, a missing, null, unknown or mistyped verb, a mistyped flag, an action without
/// its strategy, reason or operator, an empty frame, a frame over 64 KiB, extra frames (with
/// and without the REQ delimiter) and deeply nested JSON. Each gets one answer in the envelope
/// it came in, outcome `error`, with a message naming the problem, and is logged; the host
/// stays up, a request of exactly 64 KiB still works, `gatehouse ctl` still works, and the
/// journal holds exactly the valid actions before and after: nothing is lost, and an unusable
/// request is never journaled.
@Suite("Control channel bad input")
struct ControlBadInputTests {
    /// A DEALER on the control endpoint, its own context, bounded waits.
    final class RawClient {
        let context: ZMQContext
        let socket: ZMQSocket

        init(endpoint: String) throws {
            context = try ZMQContext()
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.setSendTimeout(milliseconds: 10_000)
            try socket.setReceiveTimeout(milliseconds: 10_000)
            try socket.connect(endpoint)
        }

        /// Sends `frames` as one message; the answer's frames, nil when none came within
        /// `waits` waits of 10 s. A request that gets an answer must be asked with enough waits
        /// for a loaded machine: an answer that comes after `ask` gave up would be taken as the
        /// next request's.
        func ask(_ frames: [[UInt8]], waits: Int = 6) throws -> [[UInt8]]? {
            let sent = try socket.send(multipart: frames)
            try #require(sent, "could not send within 10 s")
            for _ in 0..<waits {
                if let answer = try socket.receiveMultipart() { return answer }
            }
            return nil
        }

        /// Takes every answer already waiting (none is expected): how many there were.
        func drain() throws -> Int {
            usleep(200_000)
            var count = 0
            while try socket.receiveMultipart(dontWait: true) != nil { count += 1 }
            return count
        }

        deinit {
            socket.close()
            context.shutdown()
        }
    }

    /// One malformed request: what it is, its frames, and what the error message must say.
    struct Case: CustomStringConvertible {
        var description: String
        var frames: [[UInt8]]
        var message: String
        /// Whether the frames start with the empty delimiter a REQ socket adds (the answer then does too).
        var delimited: Bool
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A request with the REQ envelope: `[empty delimiter, body]`.
    static func req(_ description: String, _ body: String, _ message: String) -> Case {
        Case(description: description, frames: [[], bytes(body)], message: message, delimited: true)
    }

    /// `{"verb":"status"}` padded with spaces (still valid JSON) to `size` bytes.
    static func paddedStatus(size: Int) -> [UInt8] {
        let body = bytes("{\"verb\":\"status\"}")
        return body + [UInt8](repeating: 0x20, count: size - body.count)
    }

    static let killRequest = "{\"verb\":\"kill\",\"operator\":\"mallory\",\"reason\":\"should never happen\"}"

    static let cases: [Case] = [
        req("plain text", "status please", "not a JSON object"),
        Case(description: "bytes that are not UTF-8", frames: [[], [0xFF, 0xFE, 0x80, 0x00, 0x7B]], message: "not a JSON object", delimited: true),
        req("truncated JSON", "{\"verb\":\"status\"", "not a JSON object"),
        req("a JSON array", "[\"status\"]", "not a JSON object"),
        req("a JSON string", "\"status\"", "not a JSON object"),
        req("a JSON number", "42", "not a JSON object"),
        req("an unknown key", "{\"verb\":\"status\",\"colour\":\"red\"}", "unknown key 'colour'"),
        req("an unknown key beside a valid kill", "{\"verb\":\"kill\",\"operator\":\"mallory\",\"reason\":\"x\",\"now\":true}", "unknown key 'now'"),
        req("no verb", "{\"operator\":\"mallory\",\"reason\":\"x\"}", "'verb' is missing"),
        req("a verb carrying a log line", "{\"verb\":\"x\\n2026-01-01T00:00:00+0000 critical gatehouse: FORGED\",\"operator\":\"m\",\"reason\":\"x\"}", "unknown verb 'x"),
        req("a key given twice", "{\"verb\":\"kill\",\"operator\":\"mallory\",\"reason\":\"x\",\"verb\":\"status\"}", "key 'verb' is given twice"),
        req("a key given twice, once escaped", "{\"verb\":\"status\",\"\\u0076erb\":\"kill\",\"operator\":\"m\",\"reason\":\"x\"}", "key 'verb' is given twice"),
        req("a null verb", "{\"verb\":null}", "'verb' is missing"),
        req("an unknown verb", "{\"verb\":\"explode\",\"operator\":\"mallory\",\"reason\":\"x\"}", "unknown verb 'explode'"),
        req("a verb in the wrong case", "{\"verb\":\"KILL\",\"operator\":\"mallory\",\"reason\":\"x\"}", "unknown verb 'KILL'"),
        req("a number as verb", "{\"verb\":5}", "'verb' has the wrong type"),
        req("a string as force", "{\"verb\":\"reset\",\"operator\":\"mallory\",\"reason\":\"x\",\"force\":\"yes\"}", "'force' has the wrong type"),
        req("a number as strategy", "{\"verb\":\"pause\",\"strategy\":7,\"operator\":\"mallory\",\"reason\":\"x\"}", "'strategy' has the wrong type"),
        req("pause without a strategy", "{\"verb\":\"pause\",\"operator\":\"mallory\",\"reason\":\"x\"}", "pause needs a strategy"),
        req("kill without a reason", "{\"verb\":\"kill\",\"operator\":\"mallory\"}", "kill needs a reason"),
        req("kill with a blank reason", "{\"verb\":\"kill\",\"operator\":\"mallory\",\"reason\":\"   \"}", "kill needs a reason"),
        req("kill without an operator", "{\"verb\":\"kill\",\"reason\":\"x\"}", "kill needs an operator name"),
        Case(description: "an empty frame after the delimiter", frames: [[], []], message: "the request is empty", delimited: true),
        Case(description: "one empty frame", frames: [[]], message: "the request is empty", delimited: false),
        Case(description: "one byte over 64 KiB", frames: [[], paddedStatus(size: 65_537)], message: "the request is 65537 bytes: at most 65536", delimited: true),
        Case(description: "a megabyte", frames: [[], paddedStatus(size: 1_048_576)], message: "the request is 1048576 bytes: at most 65536", delimited: true),
        Case(description: "two frames after the delimiter", frames: [[], bytes("{\"verb\":\"status\"}"), bytes(killRequest)], message: "2 frames", delimited: true),
        Case(description: "two frames without a delimiter, the second a valid kill", frames: [bytes("junk"), bytes(killRequest)], message: "2 frames", delimited: false),
        Case(description: "an empty frame then a valid kill, behind the delimiter", frames: [[], [], bytes(killRequest)], message: "2 frames", delimited: true),
        req("JSON nested 30,000 deep", String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000), "not a JSON object"),
        req("a verb nested 30,000 deep", "{\"verb\":" + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000) + "}", "not a JSON object"),
    ]

    @Test func everyMalformedRequestGetsAnErrorNamingItAndChangesNothing() throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try OperationsEndToEndTests.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder)
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")

        // Something journaled before the bad input.
        let before = try OperationsEndToEndTests.ctl(["pause", "ema_majors", "--reason", "before", "--operator", "alice"], config: config)
        #expect(before.0 == 0, "\(before.1)")

        let client = try RawClient(endpoint: "ipc://\(folder.path)/control.sock")
        for bad in Self.cases {
            let answer = try client.ask(bad.frames)
            let frames = try #require(answer, "\(bad): no answer")
            // The answer comes in the envelope the request came in.
            #expect(frames.count == (bad.delimited ? 2 : 1), "\(bad): \(frames.count) frames")
            if bad.delimited { #expect(frames.first?.isEmpty == true, "\(bad): no delimiter") }
            let reply = try #require(try JSONSerialization.jsonObject(with: Data(frames[frames.count - 1])) as? [String: Any], "\(bad)")
            #expect(reply["ok"] as? Bool == false, "\(bad): \(reply)")
            #expect(reply["outcome"] as? String == "error", "\(bad): \(reply)")
            #expect(reply["verb"] as? String == "", "\(bad): \(reply)")
            let message = reply["message"] as? String ?? ""
            #expect(message.contains(bad.message), "\(bad): \(message)")
            #expect(host.isRunning, "the host stopped after \(bad)")
        }

        // A flood of unusable requests is answered one by one, and logged at a limited rate.
        for index in 0..<1_200 {
            let answer = try client.ask([[], Self.bytes("not json")])
            try #require(answer != nil, "no answer to flood request \(index) within a minute")
        }

        // Past the socket's limit (1 MiB a part) libzmq disconnects the client before the request
        // is read into memory: no answer, and the host is unharmed.
        let huge = try RawClient(endpoint: "ipc://\(folder.path)/control.sock")
        #expect(try huge.ask([[], Self.paddedStatus(size: 8 << 20)], waits: 1) == nil, "an 8 MiB request was read and answered")
        #expect(host.isRunning, "the host stopped after an 8 MiB request")

        // The channel still serves: a request of exactly 64 KiB, one without the REQ envelope,
        // and `gatehouse ctl`.
        // (An answer left over would be taken as the next one's: none should be, and under a
        // loaded machine's suite one was, twice, though every request above had its answer.
        // Counted and dropped here, so the check below is of the 64 KiB request's own answer.)
        let leftOver = try client.drain()
        let limitAnswer = try client.ask([[], Self.paddedStatus(size: 65_536)])
        let limit = try #require(limitAnswer, "no answer at 64 KiB")
        #expect(String(decoding: limit.last ?? [], as: UTF8.self).contains("\"outcome\":\"done\""),
                "64 KiB refused: \(String(decoding: limit.last ?? [], as: UTF8.self)) (\(leftOver) answers were left over before it)")
        let bareAnswer = try client.ask([Self.bytes("{\"verb\":\"status\"}")])
        let bare = try #require(bareAnswer, "no answer without the envelope")
        #expect(bare.count == 1 && String(decoding: bare[0], as: UTF8.self).contains("\"outcome\":\"done\""))
        let status = try OperationsEndToEndTests.ctl(["status", "--json"], config: config)
        #expect(status.0 == 0, "\(status.1)")
        // The pause made before is still in force; none of the embedded kills reached the host.
        #expect(status.1.contains("\"kill_switch\":false"), "\(status.1)")
        #expect(status.1.contains("PAUSED_BY_OPERATOR"), "\(status.1)")
        let after = try OperationsEndToEndTests.ctl(["resume", "ema_majors", "--reason", "after", "--operator", "alice"], config: config)
        #expect(after.0 == 0, "\(after.1)")

        kill(host.processID, SIGTERM)
        let exitStatus = try host.waitForExit(seconds: 60)
        #expect(exitStatus == 0, "\(host.standardError)")
        // Every log event stayed on its own line: a newline in a request is written escaped.
        #expect(!host.standardError.split(separator: "\n").contains { $0.hasPrefix("2026-01-01T00:00:00+0000 critical") },
                "a request forged a log line")
        #expect(host.standardError.contains("\\n2026-01-01T00:00:00+0000 critical gatehouse: FORGED"))
        // The first hundred refusals were logged, then every thousandth.
        let refused = Self.cases.count + 1_200
        let logged = host.standardError.components(separatedBy: "control request refused").count - 1
        #expect(logged == 100 + refused / 1_000, "\(logged) refusals logged for \(refused) bad requests")

        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        let actions = try reader.records(.operatorAction).compactMap { entry -> String? in
            guard case .operatorAction(let a) = entry.record else { return nil }
            return "\(a.action) \(a.subject) \(a.actor) \(a.reason)"
        }
        #expect(actions == ["PAUSE ema_majors alice before", "RESUME ema_majors alice after"])
        let changes = try reader.records(.stateChange).compactMap { entry -> String? in
            guard case .stateChange(let c) = entry.record else { return nil }
            return "\(c.kind) \(c.reason) \(c.fromState)->\(c.toState)"
        }
        #expect(changes == [
            "host HOST_START STOPPED->RUNNING", "PAUSE OPERATOR RUNNING->PAUSED", "PAUSE OPERATOR PAUSED->RUNNING",
            "host HOST_STOP RUNNING->STOPPED",
        ], "\(changes)")
    }
}
