/// The `metrics` section: Prometheus metrics served over HTTP (docs/metrics.md). Without it
/// nothing is served.
///
/// The endpoint has no authentication, so it only binds a loopback address; a scraper on another
/// machine reaches it through a local agent or a tunnel.
public struct MetricsConfig: Decodable, Sendable {
    /// `host:port` the HTTP server listens on: `127.0.0.1:9464`, `localhost:9464`, `[::1]:9464`.
    /// Port 0 takes a free port, written in the log line `metrics served`.
    public var listen: String = "127.0.0.1:9464"
    /// Milliseconds between two samples of the account, exposure, queue and feed gauges by the
    /// event loop. A scrape sees values at most this old; decisions and the chain latency are
    /// counted as they happen.
    public var sampleIntervalMs: Int = 250

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, sampleIntervalMs = "sample_interval_ms"
    }

    public init(listen: String) { self.listen = listen }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? listen
        sampleIntervalMs = try container.decodeIfPresent(Int.self, forKey: .sampleIntervalMs) ?? sampleIntervalMs
    }

    /// `listen` split into a numeric loopback address and a port, or nil when it is not
    /// `host:port` with a loopback host (`localhost` reads as 127.0.0.1).
    public var loopbackAddress: (host: String, port: UInt16)? {
        let host: Substring, port: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]"), listen[listen.index(after: close)...].hasPrefix(":") else { return nil }
            host = listen[listen.index(after: listen.startIndex)..<close]
            port = listen[listen.index(close, offsetBy: 2)...]
            guard host == "::1" else { return nil }
        } else {
            let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, ConfigValidator.isLoopbackHost(parts[0]) else { return nil }
            (host, port) = (parts[0], parts[1])
        }
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt16(port) else { return nil }
        return (host == "localhost" ? "127.0.0.1" : String(host), number)
    }
}
