import Engine
import Foundation
import Testing
@testable import Host

/// The `events`, `control` and `deadman` sections of the config: good values read back, an
/// empty or missing section takes the documented defaults, the range limits themselves are
/// accepted, and every bad setting (wrong type, out of range, unknown value, unknown key inside
/// the section, a non-loopback control endpoint without CURVE, warning at or above critical) is
/// refused with an error naming its key path.
@Suite("Operations config")
struct OperationsConfigTests {
    /// Two well-formed Z85 public keys (40 characters of the Z85 alphabet).
    static let clientKey = "0123456789abcdefghijklmnopqrstuvwxyzABCD"
    static let otherClientKey = "EFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh"

    /// The base config (one feed, one strategy) with `fragment` appended.
    static func text(_ fragment: String) -> String {
        ConfigLoaderTests.valid + "\n" + fragment
    }

    func parse(_ fragment: String) throws -> GatehouseConfig {
        try ConfigLoader.parse(Self.text(fragment), file: "ops.yaml").config
    }

    /// Checks that the base config with `fragment` is refused in ops.yaml at `keyPath`, with a
    /// message containing `message`.
    static func expectRefused(_ fragment: String, keyPath: String, message: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let refusal: ConfigError?
        do {
            _ = try ConfigLoader.parse(text(fragment), file: "ops.yaml")
            refusal = nil
        } catch {
            refusal = error
        }
        let error = try #require(refusal, "accepted: \(fragment)", sourceLocation: sourceLocation)
        #expect(error.file == "ops.yaml", sourceLocation: sourceLocation)
        #expect(error.keyPath == keyPath, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
    }

    // MARK: Good values

    @Test func goodEventsSettingsReadBack() throws {
        let config = try parse("events: {endpoint: \"ipc:///tmp/ev.sock\", decisions: not_approved, send_hwm: 7, heartbeat_interval_ms: 250}\n")
        let events = try #require(config.events)
        #expect(events.endpoint == "ipc:///tmp/ev.sock")
        #expect(events.decisions == .notApproved)
        #expect(events.sendHighWaterMark == 7)
        #expect(events.heartbeatIntervalMs == 250)
    }

    @Test func anEmptyEventsSectionTakesTheDocumentedDefaults() throws {
        let config = try parse("events: {}\n")
        let events = try #require(config.events)
        #expect(events.endpoint == "tcp://127.0.0.1:7100")
        #expect(events.decisions == .all)
        #expect(events.sendHighWaterMark == 100_000)
        #expect(events.heartbeatIntervalMs == 1_000)
    }

    @Test func withoutOperationsSectionsThereIsNoStreamNoControlAndNoDeadMansSwitch() throws {
        let config = try parse("")
        #expect(config.events == nil)
        #expect(config.control == nil)
        #expect(config.deadmanSection == nil && config.deadman == nil)
    }

    @Test func goodControlSettingsReadBack() throws {
        let config = try parse("control: {endpoint: \"ipc:///run/gatehouse/control.sock\", timeout_ms: 100}\n")
        let control = try #require(config.control)
        #expect(control.endpoint == "ipc:///run/gatehouse/control.sock")
        #expect(control.timeoutMs == 100)
        #expect(control.curve == nil)
    }

    @Test func anEmptyControlSectionTakesTheDocumentedDefaults() throws {
        let control = try #require(try parse("control: {}\n").control)
        #expect(control.endpoint == "ipc:///tmp/gatehouse-control.sock")
        #expect(control.timeoutMs == 5_000)
        #expect(control.curve == nil)
    }

    @Test func withCurveKeysANonLoopbackControlEndpointIsAccepted() throws {
        let fragment = """
            control:
              endpoint: tcp://0.0.0.0:7200
              curve:
                server_key_file: keys/host.key
                operators: {alice: "\(Self.clientKey)", bob.smith: "\(Self.otherClientKey)"}

            """
        let control = try #require(try parse(fragment).control)
        #expect(control.endpoint == "tcp://0.0.0.0:7200")
        let curve = try #require(control.curve)
        #expect(curve.serverKeyFile == "keys/host.key")
        #expect(curve.operators == ["alice": Self.clientKey, "bob.smith": Self.otherClientKey])
    }

    @Test func goodDeadmanSettingsReadBack() throws {
        let config = try parse("control: {}\ndeadman: {enabled: true, period_hours: 0.5, warning_pct: 50, critical_pct: 90}\n")
        let deadman = try #require(config.deadman)
        #expect(deadman.enabled)
        #expect(deadman.periodHours == 0.5)
        #expect(deadman.warningPct == 50)
        #expect(deadman.criticalPct == 90)
    }

    @Test func theDeadMansSwitchRunsByDefaultWithAControlChannelAndCanBeTurnedOff() throws {
        let byDefault = try #require(try parse("control: {}\n").deadman)
        #expect(byDefault.periodHours == 24 && byDefault.warningPct == 83 && byDefault.criticalPct == 96)
        let off = try parse("control: {}\ndeadman: {enabled: false}\n")
        #expect(off.deadmanSection?.enabled == false)
        #expect(off.deadman == nil)
        // Turned off, it needs no control channel.
        let alone = try parse("deadman: {enabled: false}\n")
        #expect(alone.control == nil && alone.deadman == nil)
    }

    @Test func theLimitsOfEachRangeAreAccepted() throws {
        let low = try parse("events: {send_hwm: 1, heartbeat_interval_ms: 10, max_subscriptions: 1}\ncontrol: {timeout_ms: 100}\n")
        #expect(low.events?.sendHighWaterMark == 1 && low.events?.heartbeatIntervalMs == 10 && low.events?.maxSubscriptions == 1)
        #expect(low.control?.timeoutMs == 100)
        let high = try parse("""
            events: {send_hwm: 10000000, heartbeat_interval_ms: 600000, max_subscriptions: 65536}
            control: {timeout_ms: 600000}
            deadman: {period_hours: 8760, warning_pct: 99.9, critical_pct: 99.99}

            """)
        #expect(high.events?.sendHighWaterMark == 10_000_000 && high.events?.heartbeatIntervalMs == 600_000)
        #expect(high.events?.maxSubscriptions == 65_536)
        #expect(high.control?.timeoutMs == 600_000)
        #expect(high.deadman?.periodHours == 8_760 && high.deadman?.criticalPct == 99.99)
    }

    @Test func withCurveKeysANonLoopbackEventsEndpointIsAccepted() throws {
        let events = try #require(try parse("""
            events:
              endpoint: tcp://0.0.0.0:7100
              max_subscribers: 3
              curve: {server_key_file: host.key, subscribers: {desk: "\(Self.clientKey)"}}

            """).events)
        #expect(events.endpoint == "tcp://0.0.0.0:7100" && events.maxSubscribers == 3)
        #expect(events.curve?.subscribers == ["desk": Self.clientKey])
    }

    @Test func anIPCControlEndpointNeedsNoCurve() throws {
        let control = try #require(try parse("control: {endpoint: \"ipc:///tmp/ctl.sock\"}\n").control)
        #expect(control.endpoint == "ipc:///tmp/ctl.sock")
    }

    /// Over TCP any local user can connect, and a request's operator name is only a claim.
    @Test(arguments: ["inproc://ctl", "tcp://127.0.0.1:7200", "tcp://127.8.9.10:7200", "tcp://[::1]:7200"])
    func aLoopbackTCPControlEndpointNeedsCurve(endpoint: String) throws {
        try Self.expectRefused("control: {endpoint: \"\(endpoint)\"}\n", keyPath: "control.endpoint", message: "not an ipc:// endpoint")
        let curve = "control: {endpoint: \"\(endpoint)\", curve: {server_key_file: host.key, operators: {alice: \"\(Self.clientKey)\"}}}\n"
        #expect(try parse(curve).control?.endpoint == endpoint)
    }

    // MARK: Bad values

    @Test(arguments: [
        ("events: {endpoint: \"localhost:7100\"}\n", "events.endpoint", "not a ZeroMQ endpoint"),
        ("events: {endpoint: \"tcp://\"}\n", "events.endpoint", "not a ZeroMQ endpoint"),
        ("events: {endpoint: [tcp, x]}\n", "events.endpoint", "wrong type"),
        ("events: {decisions: approved}\n", "events.decisions", "'approved' is not one of: all, not_approved"),
        ("events: {decisions: [all]}\n", "events.decisions", "wrong type"),
        ("events: {send_hwm: 0}\n", "events.send_hwm", "between 1 and 10000000"),
        ("events: {send_hwm: -5}\n", "events.send_hwm", "between 1 and 10000000"),
        ("events: {send_hwm: 10000001}\n", "events.send_hwm", "between 1 and 10000000"),
        ("events: {send_hwm: 3000000000}\n", "events.send_hwm", "integer"),
        ("events: {send_hwm: lots}\n", "events.send_hwm", "integer"),
        ("events: {send_hwm: 1.5}\n", "events.send_hwm", "integer"),
        ("events: {heartbeat_interval_ms: 9}\n", "events.heartbeat_interval_ms", "between 10 and 600000"),
        ("events: {heartbeat_interval_ms: 600001}\n", "events.heartbeat_interval_ms", "between 10 and 600000"),
        ("events: {heartbeat_interval_ms: often}\n", "events.heartbeat_interval_ms", "integer"),
        ("events: {heartbeat_ms: 100}\n", "events.heartbeat_ms", "unknown key"),
        ("events: {hwm: 1}\n", "events.hwm", "send_hwm"),
        ("events: [tcp://127.0.0.1:7100]\n", "events", "mapping"),
        ("events: {endpoint: \"tcp://0.0.0.0:7100\"}\n", "events.endpoint", "not a loopback address"),
        ("events: {endpoint: \"tcp://10.1.2.3:7100\"}\n", "events.endpoint", "not a loopback address"),
        ("events: {max_subscribers: 0}\n", "events.max_subscribers", "between 1 and 1024"),
        ("events: {max_subscribers: 1025}\n", "events.max_subscribers", "between 1 and 1024"),
        ("events: {max_subscriptions: 0}\n", "events.max_subscriptions", "between 1 and 65536"),
        ("events: {max_subscriptions: 65537}\n", "events.max_subscriptions", "between 1 and 65536"),
        ("events: {curve: {server_key_file: host.key, subscribers: {}}}\n", "events.curve.subscribers", "at least one subscriber"),
        ("events: {curve: {server_key_file: host.key, subscribers: {desk: short}}}\n", "events.curve.subscribers.desk", "not a Z85 CURVE public key"),
        ("events: {curve: {server_key_file: \"\", subscribers: {desk: \"\(clientKey)\"}}}\n", "events.curve.server_key_file", "must not be empty"),
        ("events: {curve: {subscribers: {desk: \"\(clientKey)\"}}}\n", "events.curve.server_key_file", "missing"),
    ])
    func badEventsSettingsAreRefusedNamingTheKey(fragment: String, keyPath: String, message: String) throws {
        try Self.expectRefused(fragment, keyPath: keyPath, message: message)
    }

    @Test(arguments: [
        ("control: {endpoint: \"localhost:7200\"}\n", "control.endpoint", "not a ZeroMQ endpoint"),
        ("control: {endpoint: [ipc]}\n", "control.endpoint", "wrong type"),
        ("control: {endpoint: \"tcp://0.0.0.0:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://*:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://10.1.2.3:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://localhost.example.com:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://127.0.0.1.example.com:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://127.0.0.256:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://[::]:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {endpoint: \"tcp://eth0:7200\"}\n", "control.endpoint", "not an ipc:// endpoint"),
        ("control: {timeout_ms: 99}\n", "control.timeout_ms", "between 100 and 600000"),
        ("control: {timeout_ms: 600001}\n", "control.timeout_ms", "between 100 and 600000"),
        ("control: {timeout_ms: soon}\n", "control.timeout_ms", "integer"),
        ("control: {timeout: 100}\n", "control.timeout", "unknown key"),
        ("control: {curve: yes}\n", "control.curve", "mapping"),
        ("control: {endpoint: \"tcp://127.0.0.1:7200\"}\n", "control.endpoint", "TCP needs CURVE keys"),
        ("control: {endpoint: \"tcp://localhost:7200\"}\n", "control.endpoint", "not an address libzmq can bind"),
        ("events: {endpoint: \"tcp://LOCALHOST:7100\"}\n", "events.endpoint", "use tcp://127.0.0.1:7100"),
        ("control: {curve: {operators: {alice: \"\(clientKey)\"}}}\n", "control.curve.server_key_file", "missing"),
        ("control: {curve: {server_key_file: \"\", operators: {alice: \"\(clientKey)\"}}}\n", "control.curve.server_key_file", "must not be empty"),
        ("control: {curve: {server_key_file: [a], operators: {alice: \"\(clientKey)\"}}}\n", "control.curve.server_key_file", "wrong type"),
        ("control: {curve: {server_key_file: host.key}}\n", "control.curve.operators", "missing"),
        ("control: {curve: {server_key_file: host.key, operators: {}}}\n", "control.curve.operators", "at least one"),
        ("control: {curve: {server_key_file: host.key, operators: [\"\(clientKey)\"]}}\n", "control.curve.operators", "wrong type"),
        ("control: {curve: {server_key_file: host.key, operators: {alice: short}}}\n", "control.curve.operators.alice", "not a Z85 CURVE public key"),
        ("control: {curve: {server_key_file: host.key, operators: {alice: \"\(clientKey)\", bob: \"\(clientKey)X\"}}}\n", "control.curve.operators.bob", "not a Z85 CURVE public key"),
        ("control: {curve: {server_key_file: host.key, operators: {alice: \"0123456789abcdefghijklmnopqrstuvwxyzAB\\\"C\"}}}\n", "control.curve.operators.alice", "not a Z85 CURVE public key"),
        ("control: {curve: {server_key_file: host.key, operators: {alice: \"\(clientKey)\", bob: \"\(clientKey)\"}}}\n", "control.curve.operators.bob", "same key as 'alice'"),
        ("control: {curve: {server_key_file: host.key, operators: {\"al ice\": \"\(clientKey)\"}}}\n", "control.curve.operators", "not an operator name"),
        ("control: {curve: {server_key_file: host.key, client_public_keys: [\"\(clientKey)\"]}}\n", "control.curve.client_public_keys", "replaced by control.curve.operators"),
        ("control: {curve: {server_key_file: host.key, operators: {alice: \"\(clientKey)\"}, client_keys: []}}\n", "control.curve.client_keys", "unknown key"),
    ])
    func badControlSettingsAreRefusedNamingTheKey(fragment: String, keyPath: String, message: String) throws {
        try Self.expectRefused(fragment, keyPath: keyPath, message: message)
    }

    @Test(arguments: [
        ("deadman: {period_hours: 24}\n", "deadman", "needs a control section"),
        ("control: {}\ndeadman: {enabled: maybe}\n", "deadman.enabled", "true or false"),
        ("control: {}\ndeadman: {period_hours: 0}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
        ("control: {}\ndeadman: {period_hours: -1}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
        ("control: {}\ndeadman: {period_hours: 8761}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
        ("control: {}\ndeadman: {period_hours: .nan}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
        ("control: {}\ndeadman: {period_hours: .inf}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
        ("control: {}\ndeadman: {period_hours: a day}\n", "deadman.period_hours", "number"),
        ("control: {}\ndeadman: {period_hours: 1e-13}\n", "deadman.period_hours", "between one second"),
        ("control: {}\ndeadman: {warning_pct: 0}\n", "deadman.warning_pct", "below deadman.critical_pct"),
        ("control: {}\ndeadman: {warning_pct: 96}\n", "deadman.warning_pct", "below deadman.critical_pct"),
        ("control: {}\ndeadman: {warning_pct: 97, critical_pct: 96}\n", "deadman.warning_pct", "below deadman.critical_pct"),
        ("control: {}\ndeadman: {warning_pct: .nan}\n", "deadman.warning_pct", "below deadman.critical_pct"),
        ("control: {}\ndeadman: {warning_pct: high}\n", "deadman.warning_pct", "number"),
        ("control: {}\ndeadman: {critical_pct: 100}\n", "deadman.critical_pct", "below 100"),
        ("control: {}\ndeadman: {critical_pct: 150}\n", "deadman.critical_pct", "below 100"),
        ("control: {}\ndeadman: {critical_pct: 0}\n", "deadman.critical_pct", "above 0"),
        ("control: {}\ndeadman: {critical_pct: -10}\n", "deadman.critical_pct", "above 0"),
        ("control: {}\ndeadman: {critical_pct: .nan}\n", "deadman.critical_pct", "below 100"),
        ("control: {}\ndeadman: {period: 24}\n", "deadman.period", "unknown key"),
        ("control: {}\ndeadman: {enabled: false, period_hours: 0}\n", "deadman.period_hours", "between one second (0.000278) and 8760 hours"),
    ])
    func badDeadmanSettingsAreRefusedNamingTheKey(fragment: String, keyPath: String, message: String) throws {
        try Self.expectRefused(fragment, keyPath: keyPath, message: message)
    }
}
