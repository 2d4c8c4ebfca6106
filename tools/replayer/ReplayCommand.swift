import ArgumentParser
import FeedReplay
import Foundation
import MarketData
import ZeroMQ

/// `gatehouse-replay`: publishes a ticks file over ZeroMQ in the Gatehouse feed wire format.
@main
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-replay",
        abstract: "Publish a ticks file (CSV) as market data over a ZeroMQ PUB socket.",
        discussion: """
            Binds an XPUB socket, waits for --subscribers subscriptions (so no tick is lost to a \
            late joiner), publishes [md.<venue>.<symbol>, payload] for every row, then an \
            end-of-stream frame on md.<venue>._eos. A full subscriber queue slows the replay \
            down rather than dropping ticks. CSV rows: ts_ns,symbol,price,size (trade) or \
            ts_ns,symbol,bid,bid_size,ask,ask_size (quote); '#' starts a comment line.
            """)

    @Option(name: .long, help: "The ticks file.")
    var ticks: String

    @Option(name: .long, help: "Endpoint to bind, e.g. tcp://127.0.0.1:5556 or ipc:///tmp/md.sock.")
    var bind: String = "tcp://127.0.0.1:5556"

    @Option(name: .long, help: "Venue named in the topics (md.<venue>.<symbol>).")
    var venue: String = "sim"

    @Option(name: .long, help: "Payload encoding: binary or json.")
    var encoding: String = "binary"

    @Option(name: .long, help: "Replay speed as a multiple of real time (e.g. 1, 60); omit for as fast as possible.")
    var speed: Double?

    @Option(name: .long, help: "Subscriptions to wait for before publishing (one per subscribed topic prefix of each subscriber).")
    var subscribers: Int = 1

    @Option(name: .long, help: "Seconds to wait for the subscribers before giving up.")
    var waitSeconds: Double = 60

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func validate() throws {
        guard PayloadEncoding(rawValue: encoding) != nil else { throw ValidationError("--encoding must be binary or json") }
        if let speed, !(speed > 0) { throw ValidationError("--speed must be > 0") }
        guard FeedTopic.isValidName(venue) else { throw ValidationError("--venue must be 1-32 of letters, digits, '_', '-', '/'") }
        guard subscribers >= 0 else { throw ValidationError("--subscribers must be >= 0") }
    }

    func run() throws {
        let file: TickFile
        do { file = try TickFile.load(path: ticks) } catch {
            throw ValidationError("\(error)")
        }
        let context = try ZMQContext()
        let publisher = try ReplayPublisher(context: context, bind: bind, venue: venue, encoding: PayloadEncoding(rawValue: encoding)!)
        defer { publisher.close() }
        log("bound \(publisher.endpoint); \(file.events.count) events, \(file.symbols.count) symbols; waiting for \(subscribers) subscriber(s)")
        guard try publisher.waitForSubscribers(subscribers, timeoutSeconds: waitSeconds) else {
            throw ValidationError("no \(subscribers) subscriber(s) within \(waitSeconds) s")
        }
        let start = Date()
        let sent = try publisher.publish(
            file, speed: speed.map { .realTime(multiple: $0) } ?? .asFastAsPossible,
            progress: quiet ? nil : { sent, total in
                let rate = Double(sent) / max(Date().timeIntervalSince(start), 1e-9)
                FileHandle.standardError.write(Data(String(format: "\rsent %d/%d (%.1f%%) %.0f frames/s", sent, total, 100 * Double(sent) / Double(max(total, 1)), rate).utf8))
            })
        if !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
        log(String(format: "sent %d frames and end-of-stream in %.3f s", sent, Date().timeIntervalSince(start)))
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data("gatehouse-replay: \(line)\n".utf8))
    }
}
