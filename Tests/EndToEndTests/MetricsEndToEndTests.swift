import Foundation
import Journal
import TestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The Prometheus endpoint of a running `gatehouse run`, scraped over real HTTP: what it counts
/// agrees with the run summary and the journal, bad requests get 4xx answers without stopping it,
/// and an address it may not or cannot use stops the start with the setting named.
@Suite("Metrics endpoint")
struct MetricsEndToEndTests {
    /// The port in the host's `metrics served` log line.
    static func port(in standardError: String) throws -> UInt16 {
        let marker = "url=http://127.0.0.1:"
        let start = try #require(standardError.range(of: marker), "no metrics URL logged: \(standardError)")
        let digits = standardError[start.upperBound...].prefix { $0.isNumber }
        return try #require(UInt16(digits))
    }

    @Test func aScrapeAgreesWithTheRunSummaryAndTheJournal() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let feed = "ipc://\(folder.path)/md.sock"
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try OperationsEndToEndTests.config(feed: feed, journal: journal, in: folder) {
            $0.replacingOccurrences(of: "sample_interval_ms: 250", with: "sample_interval_ms: 20")
        }
        let host = try ProcessDriver("gatehouse", ["run", "--config", config, "--json"])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        let port = try Self.port(in: host.standardError)

        // Before any tick: served, and every account gauge is there.
        let first = try HTTPProbe.get("/metrics", port: port)
        #expect(first.status == 200)
        #expect(first.head.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(first.body.contains("# HELP gatehouse_equity_usd "))
        #expect(first.body.contains("# TYPE gatehouse_chain_latency_seconds histogram"))

        let replayer = try ProcessDriver("gatehouse-replay", ["--ticks", RecoveryTests.ticks, "--bind", feed, "--quiet"])
        #expect(try replayer.waitForExit() == 0)
        let rows = try GatehouseCommandTests.rowCount(RecoveryTests.ticks)
        // The ticks counter is sampled: wait until it shows every row (every decision is made by then).
        var samples: [String: Double] = [:]
        let deadline = Date().addingTimeInterval(60)
        repeat {
            samples = HTTPProbe.samples(try HTTPProbe.get("/metrics", port: port).body)
            if samples["gatehouse_feed_ticks_total{feed=\"sim\"}"] == Double(rows) { break }
            usleep(20_000)
        } while Date() < deadline
        #expect(samples["gatehouse_feed_ticks_total{feed=\"sim\"}"] == Double(rows))

        // Bad requests: answered, and the server goes on.
        #expect(try HTTPProbe.send(Array("POST /metrics HTTP/1.1\r\n\r\n".utf8), port: port).status == 405)
        #expect(try HTTPProbe.get("/secrets", port: port).status == 404)
        #expect(try HTTPProbe.send(Array("not http at all\r\n\r\n".utf8), port: port).status == 400)
        #expect(try HTTPProbe.send([0xff, 0xfe, 13, 10, 13, 10], port: port).status == 400)
        #expect(try HTTPProbe.send(Array(("GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: 20_000)).utf8), port: port).status == 431)
        // Slow loris: twenty clients trickle a request a byte at a time, each byte well within
        // any per-read timeout. Scrapes are still answered, and the tricklers dropped.
        let tricklers = try (0..<20).map { _ in try HTTPProbe.open(port: port) }
        defer { for fd in tricklers { close(fd) } }
        let trickling = Date().addingTimeInterval(6)
        let trickle = Thread {
            var sent = 0
            let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
            while Date() < trickling {
                for fd in tricklers { _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent % request.count, 1, Int32(MSG_NOSIGNAL)) } }
                sent += 1
                usleep(300_000)
            }
        }
        trickle.start()
        for _ in 0..<8 {
            // The probe gives up after 5 s without an answer: a server held by the tricklers fails here.
            let answer = try HTTPProbe.get("/metrics", port: port)
            #expect(answer.status == 200)
            usleep(500_000)
        }
        // An unusable control request (no reason) is counted.
        let unusable = try OperationsEndToEndTests.ctl(["kill", "--operator", "alice"], config: config)
        #expect(unusable.0 == 2, "\(unusable.1)")
        var after = try HTTPProbe.get("/metrics", port: port)
        let sampled = Date().addingTimeInterval(30)
        while HTTPProbe.samples(after.body)["gatehouse_control_requests_unusable_total"] != 1 && Date() < sampled {
            usleep(20_000)
            after = try HTTPProbe.get("/metrics", port: port)
        }
        #expect(after.status == 200)
        let last = HTTPProbe.samples(after.body)
        #expect(last["gatehouse_control_requests_unusable_total"] == 1)
        #expect(last["gatehouse_control_clients_refused_total"] == 0)

        let stop = kill(host.processID, SIGTERM)
        #expect(stop == 0)
        #expect(try host.waitForExit() == 0, "\(host.standardError)")
        let summary = try GatehouseCommandTests.decode(host.standardOutput)

        // Decisions by strategy and verdict: the scrape equals the run summary and the journal.
        var scraped = 0.0
        for strategy in summary.strategies {
            for (verdict, count) in strategy.decisions {
                let series = last.filter { $0.key.hasPrefix("gatehouse_decisions_total{strategy=\"\(strategy.name)\",verdict=\"\(verdict)\"") }
                #expect(series.values.reduce(0, +) == Double(count), "\(strategy.name) \(verdict)")
                scraped += series.values.reduce(0, +)
            }
        }
        let reader = try JournalReader(path: journal)
        defer { reader.close() }
        #expect(scraped == Double(try reader.count(.decision)))
        #expect(scraped > 0)
        // Every decided intent was timed (plugin intents that reached the chain; none are invalid here).
        #expect(last["gatehouse_chain_latency_seconds_count"] == scraped)
        #expect(abs((last["gatehouse_equity_usd"] ?? 0) - summary.equityUSD) < 1e-6)
        #expect(last["gatehouse_feed_drops_total{feed=\"sim\",reason=\"bad_topic\"}"] == nil)
        #expect(last["gatehouse_trading_state"] == 0)
        #expect((last["gatehouse_events_published_total"] ?? 0) > scraped)
        #expect(last["gatehouse_events_dropped_total"] == 0)
        for strategy in summary.strategies {
            #expect(last["gatehouse_strategy_exposure_usd{strategy=\"\(strategy.name)\"}"] != nil)
        }
    }

    @Test func aNonLoopbackListenAddressIsAConfigError() throws {
        let folder = try ProcessDriver.temporaryFolder()
        let config = try GatehouseCommandTests.config(feedEndpoint: "ipc://\(folder.path)/md.sock", in: folder)
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 0.0.0.0:9464")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config])
        #expect(status == 2)
        #expect(stderr.contains("metrics.listen"), "\(stderr)")
        #expect(stderr.contains("loopback"), "\(stderr)")
    }

    @Test func aPortInUseStopsTheStartAndNothingIsJournaled() throws {
        // Hold a loopback port, then ask the host for it.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)

        let folder = try ProcessDriver.temporaryFolder()
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let config = try OperationsEndToEndTests.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder) {
            $0.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
        }
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config])
        #expect(status == 1)
        #expect(stderr.contains("metrics.listen 127.0.0.1:\(port)"), "\(stderr)")
        #expect(stderr.contains("in use"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: journal), "a journal was started for a host that never ran")
    }
}
