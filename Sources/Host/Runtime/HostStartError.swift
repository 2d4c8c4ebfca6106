/// Why the host did not start. It never runs with part of its configuration missing.
public enum HostStartError: Error, CustomStringConvertible, Sendable {
    /// The config file is missing, malformed or invalid.
    case config(ConfigError)
    /// A strategy's plugin could not be loaded or created.
    case plugin(PluginLoadError)
    /// The audit journal could not be opened (missing or read-only folder, corrupt file, newer
    /// schema, another host holding it).
    case journal(String)
    /// A feed socket could not be set up.
    case feed(name: String, endpoint: String, detail: String)
    /// The order gateway's socket could not be set up.
    case gateway(endpoint: String, detail: String)
    /// The risk event stream's socket could not be bound.
    case events(endpoint: String, detail: String)
    /// The control channel could not be set up (socket, CURVE key file).
    case control(endpoint: String, detail: String)
    /// The metrics HTTP endpoint could not listen (address in use, not permitted).
    case metrics(listen: String, detail: String)

    public var description: String {
        switch self {
        case .config(let error): "config error: \(error)"
        case .plugin(let error): "plugin error: \(error)"
        case .journal(let detail): "journal error: \(detail)"
        case .feed(let name, let endpoint, let detail): "feed '\(name)' (\(endpoint)): \(detail)"
        case .gateway(let endpoint, let detail): "gateway (\(endpoint)): \(detail)"
        case .events(let endpoint, let detail): "event stream (events.endpoint \(endpoint)): \(detail)"
        case .control(let endpoint, let detail): "control channel (control.endpoint \(endpoint)): \(detail)"
        case .metrics(let listen, let detail): "metrics endpoint (metrics.listen \(listen)): \(detail)"
        }
    }
}
