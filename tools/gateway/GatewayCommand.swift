import ArgumentParser
import Foundation
import Synchronization
import Gateway
import MarketData
import ZeroMQ

/// `gatehouse-gateway`: the reference order gateway. It speaks the gateway protocol on a ROUTER
/// socket and fills orders against the same market-data feed the host reads.
@main
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-gateway",
        abstract: "A reference order gateway that fills orders against a market-data feed.",
        discussion: """
            Binds a ROUTER socket for hosts (docs/gateway-protocol.md) and subscribes to a feed. \
            A new order is acknowledged at once (or rejected: unknown symbol, quantity above \
            --max-quantity). A market order fills in full at the next trade (at its price) or \
            quote (at the ask for a buy, the bid for a sell) of its symbol; a limit order rests \
            until a trade or quote reaches it and fills at the better of its limit and that \
            price. Fees are --fee-bps of the notional. Cancels, status requests and heartbeats \
            are answered. --hold-acks N takes the first N orders without any answer until the \
            host asks for their status (to exercise the host's handling of overdue answers). \
            On exit (SIGINT, SIGTERM, or the feed's end of stream with --until-end-of-stream) it \
            prints a JSON summary on standard output.
            """)

    @Option(name: .long, help: "ROUTER endpoint to bind for hosts.")
    var bind: String = "tcp://127.0.0.1:5560"

    @Option(name: .long, help: "The market-data feed to subscribe to (the publisher's endpoint).")
    var feed: String

    @Option(name: .long, help: "Topic prefix to subscribe to.")
    var topics: String = "md."

    @Option(name: .long, help: "Symbols traded, comma-separated.")
    var symbols: String

    @Option(name: .long, help: "Fee, basis points of a fill's notional.")
    var feeBps: Double = 5

    @Option(name: .long, help: "Largest quantity accepted in one order; larger orders are rejected.")
    var maxQuantity: Double = .greatestFiniteMagnitude

    @Option(name: .long, help: "Take the first N orders without answering until the host asks for their status.")
    var holdAcks: Int = 0

    @Flag(name: .long, help: "Exit after the feed's end-of-stream frame.")
    var untilEndOfStream = false

    @Option(name: .long, help: "Append the client order id of every new order received to this file, one per line, as it arrives.")
    var receivedLog: String?

    func validate() throws {
        guard feeBps >= 0, feeBps.isFinite else { throw ValidationError("--fee-bps must be a finite number >= 0") }
        guard maxQuantity > 0 else { throw ValidationError("--max-quantity must be > 0") }
        guard holdAcks >= 0 else { throw ValidationError("--hold-acks must be >= 0") }
        guard !symbols.isEmpty else { throw ValidationError("--symbols must name at least one symbol") }
    }

    func run() throws {
        let table = SymbolTable()
        for symbol in symbols.split(separator: ",") { table.intern(String(symbol)) }
        var venue = ReferenceVenue(symbols: table, feeBps: feeBps, maxQuantity: maxQuantity, holdAcks: holdAcks)
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.setLinger(milliseconds: 0)
        // A host that reconnects (same routing id) takes over its id at once.
        try router.setRouterHandover(true)
        try router.bind(bind)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.setLinger(milliseconds: 0)
        try subscriber.setReceiveHighWaterMark(0)
        try subscriber.connect(feed)
        try subscriber.subscribe(topics)
        defer {
            router.close()
            subscriber.close()
        }
        let receivedFile: UnsafeMutablePointer<FILE>?
        if let receivedLog {
            guard let file = fopen(receivedLog, "a") else { throw ValidationError("--received-log: cannot open \(receivedLog)") }
            receivedFile = file
        } else {
            receivedFile = nil
        }
        defer { if let receivedFile { fclose(receivedFile) } }
        let stop = StopFlag.install()
        log("listening on \(try router.lastEndpoint()), feed \(feed), symbols \(table.allNames.joined(separator: ","))")
        let decoder = FeedFrameDecoder(symbols: table)
        var poller = ZMQPoller()
        try poller.addReadable(router)
        try poller.addReadable(subscriber)
        var ended = false
        while !stop.isSet && !(untilEndOfStream && ended) {
            guard try poller.poll(timeoutMilliseconds: 50) > 0 else { continue }
            if poller.isReadable(0) {
                while let frames = try router.receiveMultipart(dontWait: true) {
                    guard frames.count == 2 else {
                        venue.malformed += 1
                        log("dropped a message of \(frames.count) frames (expected identity and one payload)")
                        continue
                    }
                    let answers = venue.handle(frames[1], from: frames[0])
                    // Logged before any answer leaves: a reader of the log never lags the host.
                    for id in venue.received {
                        if let receivedFile { fputs(id + "\n", receivedFile); fflush(receivedFile) }
                    }
                    venue.received.removeAll(keepingCapacity: true)
                    for (message, identity) in answers {
                        _ = try router.send(multipart: [identity, message.encoded()])
                    }
                }
            }
            if poller.isReadable(1) {
                while let frames = try subscriber.receiveMultipart(dontWait: true) {
                    guard frames.count == 2 else { continue }
                    let frame = frames[0].withUnsafeBytes { topic in frames[1].withUnsafeBytes { decoder.decode(topic: topic, payload: $0) } }
                    switch frame {
                    case .event(let event):
                        for (message, identity) in venue.marketEvent(event) {
                            _ = try router.send(multipart: [identity, message.encoded()])
                        }
                    case .endOfStream:
                        ended = true
                    case .dropped:
                        continue
                    }
                }
            }
        }
        let summary = try JSONSerialization.data(withJSONObject: venue.summary, options: [.sortedKeys])
        print(String(decoding: summary, as: UTF8.self))
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("gatehouse-gateway: \(message)\n".utf8))
    }
}

/// SIGINT/SIGTERM set a flag the loop checks.
final class StopFlag: @unchecked Sendable {
    // @unchecked: `sources` is only written by `install`, before the flag is shared. The flag
    // itself is atomic: the signal source's queue sets it while the loop reads it (as a plain Bool
    // it was a data race, which ThreadSanitizer reported, and an optimizer may read it only once).
    private let flag = Atomic<Bool>(false)
    private var sources: [DispatchSourceSignal] = []

    /// Whether SIGINT or SIGTERM has arrived.
    var isSet: Bool { flag.load(ordering: .relaxed) }

    static func install() -> StopFlag {
        let flag = StopFlag()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { flag.flag.store(true, ordering: .relaxed) }
            source.resume()
            flag.sources.append(source)
        }
        return flag
    }
}
