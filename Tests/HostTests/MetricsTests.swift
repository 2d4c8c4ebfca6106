import Engine
import Testing
@testable import Host

/// The metrics section's settings and the metrics server's request routing.
@Suite("Metrics settings and routing")
struct MetricsTests {
    static func parse(_ fragment: String) throws(ConfigError) -> MetricsConfig? {
        try ConfigLoader.parse(ConfigLoaderTests.valid + "\n" + fragment, file: "test.yaml").config.metrics
    }

    @Test func theSectionIsReadAndAbsentMeansNothingServed() throws {
        #expect(try Self.parse("") == nil)
        let metrics = try #require(try Self.parse("metrics:\n  listen: \"[::1]:9100\"\n  sample_interval_ms: 50\n"))
        #expect(metrics.sampleIntervalMs == 50)
        #expect(metrics.loopbackAddress?.host == "::1" && metrics.loopbackAddress?.port == 9100)
        let defaults = try #require(try Self.parse("metrics: {}\n"))
        #expect(defaults.listen == "127.0.0.1:9464" && defaults.sampleIntervalMs == 250)
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464), ("localhost:0", "127.0.0.1", 0), ("127.1.2.3:80", "127.1.2.3", 80),
        ("[::1]:9464", "::1", 9464),
    ] as [(String, String, Int)])
    func loopbackAddressesAreAccepted(listen: String, host: String, port: Int) {
        let address = MetricsConfig(listen: listen).loopbackAddress
        #expect(address?.host == host && address.map { Int($0.port) } == port)
    }

    @Test(arguments: [
        "0.0.0.0:9464", "10.0.0.1:9464", "[::]:9464", "example.com:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
        "127.0.0.1:+80", "127.0.0.1:80:80", ":9464", "http://127.0.0.1:9464", "[::1]9464", "127.0.0.256:80",
    ])
    func otherAddressesAreRefused(listen: String) throws {
        #expect(MetricsConfig(listen: listen).loopbackAddress == nil)
        try OperationsConfigTests.expectRefused("metrics:\n  listen: \"\(listen)\"\n", keyPath: "metrics.listen", message: "loopback")
    }

    @Test(arguments: [
        ("metrics:\n  sample_interval_ms: 0\n", "metrics.sample_interval_ms", "between 10 and 60000"),
        ("metrics:\n  sample_interval_ms: fast\n", "metrics.sample_interval_ms", "expected an integer"),
        ("metrics:\n  port: 9464\n", "metrics.port", "unknown key"),
        ("metrics:\n  listen: 9464\n", "metrics.listen", "not host:port"),
    ])
    func badSettingsAreRefusedNamingTheKey(fragment: String, keyPath: String, message: String) throws {
        try OperationsConfigTests.expectRefused(fragment, keyPath: keyPath, message: message)
    }

    @Test(arguments: [
        ("GET /metrics HTTP/1.1\r\n\r\n", MetricsHTTPServer.Route.metrics(head: false)),
        ("GET /metrics?name[]=x HTTP/1.0\r\nHost: a\r\n\r\n", .metrics(head: false)),
        ("HEAD /metrics HTTP/1.1\r\n\r\n", .metrics(head: true)),
    ])
    func scrapesAreServed(request: String, route: MetricsHTTPServer.Route) {
        #expect(MetricsHTTPServer.route(Array(request.utf8)) == route)
    }

    @Test(arguments: [
        ("POST /metrics HTTP/1.1\r\n\r\n", "405"), ("DELETE /metrics HTTP/1.1\r\n\r\n", "405"),
        ("GET / HTTP/1.1\r\n\r\n", "404"), ("GET /metrics/ HTTP/1.1\r\n\r\n", "404"),
        ("GET /metrics\r\n\r\n", "400"), ("GET  /metrics HTTP/1.1\r\n\r\n", "400"), ("GET /metrics SPDY/3\r\n\r\n", "400"),
        ("\r\n\r\n", "400"),
    ])
    func otherRequestsGetAnError(request: String, status: String) {
        guard case .error(let answer, let message, _) = MetricsHTTPServer.route(Array(request.utf8)) else {
            Issue.record("served: \(request.debugDescription)")
            return
        }
        #expect(answer.hasPrefix(status))
        #expect(!message.isEmpty)
    }

    @Test func aRequestLineThatIsNotUTF8IsABadRequest() {
        guard case .error(let status, _, _) = MetricsHTTPServer.route([0xc3, 0x28, 32, 47, 13, 10, 13, 10]) else {
            Issue.record("served")
            return
        }
        #expect(status.hasPrefix("400"))
    }
}
