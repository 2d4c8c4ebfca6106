import Engine
import Foundation
import Journal
import Testing
import ZeroMQ
@testable import Host

/// A host with gcc-built fixture strategies, a real SQLite journal in a temporary folder and,
/// when asked, the risk event stream with a subscriber already connected: the audit path of
/// `gatehouse run` (ring, feeder thread, writer, XPUB) without the feed and control sockets, so a
/// test drives the host one market event, one wall-clock instant or one operator request at a time.
final class JournaledHost {
    /// One message of the risk event stream, as a subscriber received it.
    struct StreamEvent {
        var topic: String
        var kind: String
        /// The envelope's `seq` (-1 if it had none).
        var seq: Int = -1
        var data: [String: Any]
    }

    let folder: URL
    let host: PluginHost
    let journalPath: String
    private let traces: [String: String]
    let sink: EventSink
    private let writer: JournalWriter
    private let context: ZMQContext?
    private let subscriber: ZMQSocket?
    private var finished = false

    /// Strategies as (name, symbols, extra fixture params); `config` is YAML appended to the config
    /// (risk, execution, control, deadman sections). Each strategy traces to its own file.
    /// `pauseJournal`: the journal writer takes nothing until `resumeJournal` (a journal that
    /// falls behind); `streamRingCapacity`: the stream's ring (small, to see it overflow).
    init(strategies: [(name: String, symbols: [String], params: String)], config extra: String, stream: Bool = false,
         pauseJournal: Bool = false, streamRingCapacity: Int = StreamFeeder.ringCapacity) throws {
        folder = try TestSupport.temporaryFolder()
        let plugin = try TestSupport.buildFixture(in: folder)
        var traces: [String: String] = [:]
        var entries: [String] = []
        for (name, symbols, params) in strategies {
            let trace = folder.appendingPathComponent("\(name).trace").path
            traces[name] = trace
            let all = "{trace_path: \"\(trace)\"\(params.isEmpty ? "" : ", " + params)}"
            entries.append(TestSupport.strategy(name, plugin: plugin, symbols: symbols, params: all))
        }
        self.traces = traces
        let loaded = try ConfigLoader.load(path: try TestSupport.writeConfig(in: folder, strategies: entries, extra: extra))
        host = try PluginHost(config: loaded, logger: TestSupport.logger)
        journalPath = folder.appendingPathComponent("journal.sqlite").path
        let writer = try JournalWriter(path: journalPath, options: JournalOptions(hostID: "test-host", queueCapacity: pauseJournal ? 1 : 16_384))
        if pauseJournal { writer.pauseForTesting() }
        self.writer = writer
        var publisher: RiskEventPublisher?
        if stream {
            let context = try ZMQContext()
            let endpoint = "ipc://\(folder.path)/events.sock"
            var events = EventsConfig(endpoint: endpoint)
            // Heartbeats often, so the first one (proof the subscription is live) comes at once.
            events.heartbeatIntervalMs = 10
            publisher = try RiskEventPublisher(config: events, hostID: "test-host", strategies: strategies.map(\.name), logger: TestSupport.logger)
            let socket = try ZMQSocket(context: context, type: .sub)
            try socket.setReceiveTimeout(milliseconds: 100)
            try socket.subscribe("risk.")
            try socket.connect(endpoint)
            self.context = context
            subscriber = socket
        } else {
            context = nil
            subscriber = nil
        }
        let names = host.engine.names
        sink = EventSink(
            journal: JournalFeeder(ring: EventRing(capacity: 4_096), writer: writer, names: names, logger: TestSupport.logger),
            stream: publisher.map { StreamFeeder(ring: EventRing(capacity: streamRingCapacity), publisher: $0, names: names) },
            logger: TestSupport.logger)
        host.sink = sink
        if stream {
            // Whatever is published before the subscription reaches the publisher is lost to this
            // subscriber (ZeroMQ's slow joiner): wait for a heartbeat before driving the host.
            let deadline = Date().addingTimeInterval(30)
            var subscribed = false
            while !subscribed && Date() < deadline {
                subscribed = try receive()?.kind == "heartbeat"
            }
            try #require(subscribed, "no heartbeat reached the subscriber within 30 s")
        }
    }

    deinit {
        host.destroyAll()
        // A test that stopped early (a failed #require) must not leave the audit thread running.
        if !finished {
            writer.resumeForTesting()
            sink.stop()
        }
        subscriber?.close()
    }

    /// One trade of `symbol`, delivered as the feed would.
    func trade(_ symbol: String, price: Double, at ts: Int64) {
        host.deliver(.trade(symbolID: host.engine.symbols.lookup(symbol)!, timestampNs: ts, price: price, size: 1))
    }

    /// The fixture trace of `strategy`, one line per callback.
    func lines(_ strategy: String) -> [String] { TestSupport.traceLines(traces[strategy]!) }

    /// Ends the run as the event loop does: destroys the strategies (their traces end with
    /// `destroy`), journals the final state and the host's stop, and waits until everything is
    /// committed and published. Returns the stream's events (heartbeats left out) when there is a
    /// stream, after reading up to the host's stop, the last event published.
    @discardableResult
    func finish() throws -> [StreamEvent] {
        finished = true
        host.destroyAll()
        sink.recordStop(host.engine.captureState())
        sink.stop(final: TransitionFact(kind: .host, subject: "test-host", from: "RUNNING", to: "STOPPED", reason: "HOST_STOP",
                                        eventTimeNs: host.engine.clockNs, wallTimeNs: EventSink.wallNs()))
        guard subscriber != nil else { return [] }
        var events: [StreamEvent] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard let event = try receive() else { continue }
            if event.kind == "heartbeat" { continue }
            if event.kind == "state", event.data["kind"] as? String == "host", event.data["to"] as? String == "STOPPED" { return events }
            events.append(event)
        }
        Issue.record("the host's stop was not published within 30 s; received \(events.map(\.topic))")
        return events
    }

    /// Lets a journal paused at init take its queue again.
    func resumeJournal() { writer.resumeForTesting() }

    /// The next stream message, nil when none arrived within the receive timeout.
    func receive() throws -> StreamEvent? {
        guard let frames = try subscriber?.receiveMultipart(), frames.count == 2 else { return nil }
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(frames[1])) as? [String: Any])
        return StreamEvent(topic: String(decoding: frames[0], as: UTF8.self), kind: envelope["kind"] as? String ?? "?",
                           seq: envelope["seq"] as? Int ?? -1, data: envelope["data"] as? [String: Any] ?? [:])
    }

    /// A JSON number of a stream event as a Double (JSONSerialization hands out NSNumber or a
    /// Swift number depending on the platform).
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let number as Double: number
        case let number as Int: Double(number)
        default: nil
        }
    }

    /// Every journal record with its sequence number, in journal order (after `finish`).
    func journal() throws -> [JournalEntry] {
        let reader = try JournalReader(path: journalPath)
        defer { reader.close() }
        return try reader.allRecords()
    }

    /// The state changes of the journal, with their sequence numbers, of `kind` (all when nil).
    static func stateChanges(_ entries: [JournalEntry], kind: String? = nil) -> [(seq: Int64, change: StateChangeRecord)] {
        entries.compactMap { entry in
            guard case .stateChange(let change) = entry.record, kind == nil || change.kind == kind else { return nil }
            return (entry.seq, change)
        }
    }
}
