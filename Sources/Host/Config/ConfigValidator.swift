import ZeroMQ
import MarketData

/// Checks a decoded config for what the types alone cannot express.
package struct ConfigValidator {
    /// The config file, named in every error.
    package let file: String

    /// A validator whose errors name `file`.
    package init(file: String) { self.file = file }

    /// Throws the first problem of `config`, naming its key path.
    package func validate(_ config: GatehouseConfig) throws(ConfigError) {
        if config.feeds.isEmpty { throw error("feeds", "at least one feed is required") }
        if config.strategies.isEmpty { throw error("strategies", "at least one strategy is required") }
        if !(config.host.dropWarningIntervalSeconds >= 0) {
            throw error("host.drop_warning_interval_seconds", "must be >= 0")
        }
        // Bounded so the ns conversion cannot overflow and a typo cannot switch the check off.
        if !(config.host.maxEventAheadSeconds > 0 && config.host.maxEventAheadSeconds <= 86_400) {
            throw error("host.max_event_ahead_seconds", "must be > 0 and at most 86400 (one day)")
        }
        if !(config.host.maxEventJumpSeconds > 0 && config.host.maxEventJumpSeconds <= 315_576_000) {
            throw error("host.max_event_jump_seconds", "must be > 0 and at most 315576000 (ten years)")
        }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        if !levels.contains(config.host.logLevel) {
            throw error("host.log_level", "must be one of \(levels.joined(separator: ", "))")
        }
        var feedNames: Set<String> = []
        for (index, feed) in config.feeds.enumerated() {
            let path = "feeds[\(index)]"
            if feed.name.isEmpty { throw error("\(path).name", "must not be empty") }
            if !feedNames.insert(feed.name).inserted { throw error("\(path).name", "duplicate feed name '\(feed.name)'") }
            try validateEndpoint(feed.endpoint, at: "\(path).endpoint")
            if feed.receiveHighWaterMark < 0 { throw error("\(path).receive_hwm", "must be >= 0") }
            if !(64...16_777_216).contains(feed.maxFrameBytes) {
                throw error("\(path).max_frame_bytes", "must be between 64 and 16777216 bytes")
            }
        }
        var strategyNames: Set<String> = []
        for (index, strategy) in config.strategies.enumerated() {
            let path = "strategies[\(index)]"
            if !Self.isIdentifier(strategy.name) {
                throw error("\(path).name", "'\(strategy.name)' must be 1-64 characters of letters, digits, '_' or '-'")
            }
            if !strategyNames.insert(strategy.name).inserted {
                throw error("\(path).name", "duplicate strategy name '\(strategy.name)'")
            }
            if strategy.plugin.isEmpty { throw error("\(path).plugin", "must not be empty") }
            if let pin = strategy.sha256, !Self.isSHA256Hex(pin) {
                throw error("\(path).sha256", "must be 64 hexadecimal digits")
            }
            if strategy.symbols.isEmpty { throw error("\(path).symbols", "at least one symbol is required") }
            for (symbolIndex, symbol) in strategy.symbols.enumerated() where !FeedTopic.isValidName(symbol) {
                throw error("\(path).symbols[\(symbolIndex)]", "'\(symbol)' is not a valid symbol (letters, digits, '_', '-', '/' ; no dots)")
            }
            if Set(strategy.symbols).count != strategy.symbols.count {
                throw error("\(path).symbols", "lists a symbol twice")
            }
            if !(strategy.allocatedCapitalUSD > 0) || !strategy.allocatedCapitalUSD.isFinite {
                throw error("\(path).allocated_capital_usd", "must be a positive amount")
            }
            if case .object = strategy.params {} else {
                throw error("\(path).params", "must be a mapping")
            }
        }
        try validateRisk(config)
        let promotion = config.promotion
        for (key, value) in [("promotion.min_days", promotion.minDays), ("promotion.max_drawdown_pct", promotion.maxDrawdownPct),
                             ("promotion.max_reject_rate_pct", promotion.maxRejectRatePct)]
        where !(value.isFinite && value >= 0) {
            throw error(key, "must be a number >= 0")
        }
        if promotion.minTrades < 0 { throw error("promotion.min_trades", "must be >= 0") }
        if !promotion.minSharpe.isFinite { throw error("promotion.min_sharpe", "must be a number") }
        if let journal = config.journal {
            if journal.path.isEmpty { throw error("journal.path", "must not be empty") }
            if !(journal.queueCapacity >= 16 && journal.queueCapacity <= 1_048_576) {
                throw error("journal.queue_capacity", "must be between 16 and 1048576 events")
            }
            if !(journal.snapshotEveryEvents >= 1 && journal.snapshotEveryEvents <= 10_000_000) {
                throw error("journal.snapshot_every_events", "must be between 1 and 10000000 events")
            }
            if !(journal.snapshotIntervalSeconds.isFinite && journal.snapshotIntervalSeconds >= 0
                 && journal.snapshotIntervalSeconds <= 86_400) {
                throw error("journal.snapshot_interval_seconds", "must be between 0 (events only) and 86400 seconds")
            }
        }
        for (key, value) in [("execution.paper.slippage_bps", config.execution.paperSlippageBps),
                             ("execution.paper.fee_bps", config.execution.paperFeeBps)]
        where !(value.isFinite && value >= 0 && value <= 1_000) {
            throw error(key, "must be between 0 and 1000 basis points")
        }
        if config.execution.liveAdapter == .gateway {
            guard let endpoint = config.execution.gatewayEndpoint, !endpoint.isEmpty else {
                throw error("execution.gateway.endpoint", "is required when execution.live_adapter is gateway")
            }
            try validateEndpoint(endpoint, at: "execution.gateway.endpoint")
        }
        if !(config.execution.gatewayAckTimeoutMs >= 1 && config.execution.gatewayAckTimeoutMs <= 600_000) {
            throw error("execution.gateway.ack_timeout_ms", "must be between 1 and 600000 milliseconds")
        }
        if !(config.execution.gatewayHeartbeatIntervalMs >= 10 && config.execution.gatewayHeartbeatIntervalMs <= 600_000) {
            throw error("execution.gateway.heartbeat_interval_ms", "must be between 10 and 600000 milliseconds")
        }
        if !(config.execution.gatewayFillBandPct > 0 && config.execution.gatewayFillBandPct <= 1_000) {
            throw error("execution.gateway.fill_band_pct", "must be > 0 and at most 1000 percent")
        }
        if !(config.execution.gatewayMaxSendDelayMs >= 1 && config.execution.gatewayMaxSendDelayMs <= 600_000) {
            throw error("execution.gateway.max_send_delay_ms", "must be between 1 and 600000 milliseconds")
        }
        try validateOperations(config)
    }

    func validateRisk(_ config: GatehouseConfig) throws(ConfigError) {
        if let failure = config.risk.limits.validationFailure() { throw error("risk.\(failure.key)", failure.message) }
        if let equity = config.risk.startingEquityUSD, !(equity > 0 && equity.isFinite) {
            throw error("risk.account.starting_equity_usd", "must be a positive amount")
        }
        let known = Set(config.allSymbols)
        for (index, cluster) in config.risk.limits.clusters.enumerated() {
            for (symbolIndex, symbol) in cluster.symbols.enumerated() where !known.contains(symbol) {
                throw error("risk.clusters[\(index)].symbols[\(symbolIndex)]", "'\(symbol)' is not a symbol of any strategy")
            }
        }
        for symbol in config.risk.limits.minOrderQuantity.keys.sorted() where !known.contains(symbol) {
            throw error("risk.account.min_order_quantity.\(symbol)", "'\(symbol)' is not a symbol of any strategy")
        }
        for symbol in config.risk.limits.instruments.keys.sorted() where !known.contains(symbol) {
            throw error("risk.instruments.\(symbol)", "'\(symbol)' is not a symbol of any strategy")
        }
        for (index, symbol) in config.risk.limits.restrictedSymbols.enumerated() where !known.contains(symbol) {
            throw error("risk.firewall.restricted_symbols[\(index)]", "'\(symbol)' is not a symbol of any strategy")
        }
    }

    /// `bound`: the host binds it (events, control). libzmq binds interfaces and IP addresses,
    /// never a host name, so `tcp://localhost:…` would pass here and fail at bind.
    func validateEndpoint(_ endpoint: String, at path: String, bound: Bool = false) throws(ConfigError) {
        let schemes = ["tcp://", "ipc://", "inproc://"]
        guard let scheme = schemes.first(where: { endpoint.hasPrefix($0) }), endpoint.count > scheme.count else {
            throw error(path, "'\(endpoint)' is not a ZeroMQ endpoint (tcp://host:port, ipc://path or inproc://name)")
        }
        if bound && scheme == "tcp://" {
            let host = endpoint.dropFirst(scheme.count).split(separator: ":", maxSplits: 1).first ?? ""
            if host.lowercased() == "localhost" {
                throw error(path, "'\(endpoint)' is not an address libzmq can bind (it binds interfaces and IP addresses, not host names): use tcp://127.0.0.1:\(endpoint.split(separator: ":").last ?? "port")")
            }
        }
    }

    func error(_ keyPath: String, _ message: String) -> ConfigError {
        ConfigError(file: file, keyPath: keyPath, message: message)
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
        }
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }
}

extension ConfigValidator {
    /// The event stream, the control channel and the dead man's switch.
    func validateOperations(_ config: GatehouseConfig) throws(ConfigError) {
        if let events = config.events {
            try validateEndpoint(events.endpoint, at: "events.endpoint", bound: true)
            if !(1...10_000_000).contains(events.sendHighWaterMark) {
                throw error("events.send_hwm", "must be between 1 and 10000000 messages")
            }
            if !(10...600_000).contains(events.heartbeatIntervalMs) {
                throw error("events.heartbeat_interval_ms", "must be between 10 and 600000 milliseconds")
            }
            if !(1...1_024).contains(events.maxSubscribers) {
                throw error("events.max_subscribers", "must be between 1 and 1024 subscribers")
            }
            if !(1...65_536).contains(events.maxSubscriptions) {
                throw error("events.max_subscriptions", "must be between 1 and 65536 subscriptions per subscriber")
            }
            if let curve = events.curve {
                if curve.serverKeyFile.isEmpty { throw error("events.curve.server_key_file", "must not be empty") }
                try validateKeyNames(curve.subscribers, at: "events.curve.subscribers", role: "subscriber")
            } else if !Self.isLoopback(events.endpoint) {
                throw error("events.endpoint", "'\(events.endpoint)' is not a loopback address; the stream serves other machines only with CURVE keys (events.curve)")
            }
        }
        if let control = config.control {
            try validateEndpoint(control.endpoint, at: "control.endpoint", bound: true)
            if let curve = control.curve {
                if curve.serverKeyFile.isEmpty { throw error("control.curve.server_key_file", "must not be empty") }
                try validateKeyNames(curve.operators, at: "control.curve.operators", role: "operator")
            } else if !control.endpoint.hasPrefix("ipc://") {
                throw error("control.endpoint", "'\(control.endpoint)' is not an ipc:// endpoint; over TCP, even on loopback, any local user could send commands under any name, so TCP needs CURVE keys (control.curve)")
            }
            if !(100...600_000).contains(control.timeoutMs) {
                throw error("control.timeout_ms", "must be between 100 and 600000 milliseconds")
            }
        }
        if let deadman = config.deadmanSection {
            if deadman.enabled && config.control == nil {
                throw error("deadman", "needs a control section: check-ins come over the control channel (or set deadman.enabled: false)")
            }
            // In nanoseconds below a second the period's levels would be zero or a few ns apart.
            if !(deadman.periodHours.isFinite && deadman.periodHours >= 1.0 / 3_600 && deadman.periodHours <= 8_760) {
                throw error("deadman.period_hours", "must be between one second (0.000278) and 8760 hours")
            }
            // The critical level first: a warning "below critical_pct" means nothing while
            // critical_pct itself is out of range (and the error must name the key that is).
            if !(deadman.criticalPct > 0 && deadman.criticalPct < 100) {
                throw error("deadman.critical_pct", "must be above 0 and below 100")
            }
            if !(deadman.warningPct > 0 && deadman.warningPct < deadman.criticalPct) {
                throw error("deadman.warning_pct", "must be above 0 and below deadman.critical_pct (\(deadman.criticalPct))")
            }
        }
        if let metrics = config.metrics {
            if metrics.loopbackAddress == nil {
                throw error("metrics.listen", "'\(metrics.listen)' is not host:port on a loopback address (127.0.0.1, localhost, [::1]); the metrics endpoint has no authentication")
            }
            if !(10...60_000).contains(metrics.sampleIntervalMs) {
                throw error("metrics.sample_interval_ms", "must be between 10 and 60000 milliseconds")
            }
        }
    }

    /// Whether `endpoint` only reaches this machine: `ipc://`, `inproc://`, or `tcp://` on a
    /// loopback address (127.0.0.0/8, `localhost`, `[::1]`).
    static func isLoopback(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        // tcp://[interface;]host:port: a source interface before ';' is not what is bound.
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return false }
            return address[address.index(after: address.startIndex)..<close] == "::1"
        }
        return isLoopbackHost(address.split(separator: ":", maxSplits: 1).first ?? "")
    }

    /// Whether an IPv4 `host` (no port) names only this machine: `localhost` or 127.0.0.0/8 in
    /// dotted decimal. (A bracketed IPv6 host is loopback when it is `::1`.)
    static func isLoopbackHost(_ host: Substring) -> Bool {
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// A CURVE name → key mapping: at least one entry, names as `isOperatorName`, Z85 keys, no
    /// key under two names.
    private func validateKeyNames(_ entries: [String: String], at key: String, role: String) throws(ConfigError) {
        if entries.isEmpty {
            throw error(key, "must list at least one \(role) and key (no client could connect)")
        }
        var names: [String: String] = [:]
        for (name, publicKey) in entries.sorted(by: { $0.key < $1.key }) {
            if !Self.isOperatorName(name) {
                throw error(key, "'\(name)' is not a\(role == "operator" ? "n" : "") \(role) name (1 to 64 letters, digits, '_', '-' or '.')")
            }
            if !CurveKeys.isZ85Key(publicKey) {
                throw error("\(key).\(name)", "'\(publicKey)' is not a Z85 CURVE public key (40 characters)")
            }
            if let other = names[publicKey] {
                throw error("\(key).\(name)", "has the same key as '\(other)': each key names one \(role)")
            }
            names[publicKey] = name
        }
    }

    /// An operator name as it is journaled: 1 to 64 ASCII letters, digits, `_`, `-` or `.`.
    static func isOperatorName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D || byte == 0x2E
        }
    }
}
