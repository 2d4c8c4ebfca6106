// swift-tools-version: 6.1
import PackageDescription

/// Gatehouse: a trading runtime that loads strategy plugins with dlopen, feeds them ZeroMQ market
/// data and puts every order intent through one in-process risk chain.
///
/// Modules depend only downward: StrategyABI (C contract) ← MarketData ← Engine ← Host ←
/// OfflineTools ← gatehouse, with Risk ← Engine, Journal and Engine ← Promotion ← Host. Risk and
/// Engine know nothing of ZeroMQ, SQLite or plugins.
let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-replay", targets: ["GatehouseReplay"]),
        .executable(name: "gatehouse-gateway", targets: ["GatehouseGateway"]),
        .executable(name: "gatehouse-bench-feed", targets: ["FeedBenchmark"]),
        .executable(name: "gatehouse-bench-risk", targets: ["RiskBenchmark"]),
        .executable(name: "gatehouse-bench-journal", targets: ["JournalBenchmark"]),
        .executable(name: "gatehouse-bench-ticks", targets: ["TickFileBenchmark"]),
        .executable(name: "gatehouse-bench-attacks", targets: ["AttackBenchmark"]),
        .executable(name: "gatehouse-soak", targets: ["Soak"]),
        // Example strategies, built as the shared libraries the host loads with dlopen.
        .library(name: "EMACrossover", type: .dynamic, targets: ["EMACrossover"]),
        .library(name: "Breakout", type: .dynamic, targets: ["Breakout"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"), // 1.11: LogHandler.log(event:)
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // System libraries (Debian: libzmq3-dev, libsqlite3-dev). Nothing vendored.
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // The plugin contract: one C header, plain C, nothing else.
        .target(name: "StrategyABI"),

        // A small, safe wrapper over libzmq.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),

        // Feed wire format (JSON and binary), topics, symbol interning. No sockets.
        .target(name: "MarketData", dependencies: ["StrategyABI"]),

        // Pure, deterministic risk types and decisions. No I/O.
        .target(name: "Risk"),

        // The SQLite audit journal: schema and migrations, one writer thread with group commits, reads.
        .target(name: "Journal", dependencies: ["CSQLite"]),

        // The order-gateway protocol (docs/gateway-protocol.md): messages and their JSON frames.
        .target(name: "Gateway"),

        // Reading tick files and publishing them over ZeroMQ (the replayer tool and the demo).
        .target(
            name: "FeedReplay",
            dependencies: ["MarketData", "ZeroMQ", "StrategyABI"]
        ),

        // The engine: book, risk chain, venues behind one Venue protocol, timers, operator verbs,
        // unwind, alerts, dead man's switch; every fact leaves it as one typed EngineEvent, on a
        // ring, with its recoverable state. No sockets, no SQLite, no dlopen, no clock read.
        .target(
            name: "Engine",
            dependencies: ["Risk", "MarketData", .product(name: "Logging", package: "swift-log")]
        ),

        // A strategy's shadow record measured from the journal against the promotion criteria:
        // `gatehouse promote` and the running host's `ctl promote` measure with the same code.
        .target(name: "Promotion", dependencies: ["Engine", "Journal", "Risk"]),

        // The host: config, plugin host (dlopen, C marshalling), feeds, gateway, journal and
        // stream projections, control channel, metrics, the event loop and its services.
        .target(
            name: "Host",
            dependencies: [
                "StrategyABI", "ZeroMQ", "MarketData", "Risk", "Engine", "FeedReplay", "Journal", "Gateway", "Promotion",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // The tools that run beside the runtime, not in it: what-if decisions (`gatehouse
        // decide`), the journal's state report (`gatehouse state`) and the demo (a replayer and
        // the host in one process).
        .target(
            name: "OfflineTools",
            dependencies: [
                "Host", "Engine", "Risk", "Journal", "FeedReplay", "MarketData", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The command-line tool: thin, calls Host and OfflineTools.
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "Host", "OfflineTools", "Promotion", "FeedReplay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // tools/: publishes a ticks file over ZeroMQ PUB.
        .executableTarget(
            name: "GatehouseReplay",
            dependencies: [
                "FeedReplay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/replayer"
        ),

        // tools/: the reference order gateway, filling orders against a feed.
        .executableTarget(
            name: "GatehouseGateway",
            dependencies: [
                "Gateway", "MarketData", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/gateway"
        ),

        // Benchmarks/: feed-path throughput and latency beside a raw libzmq baseline, and the book
        // workload (`gatehouse replay` of 8 strategies, journal off and on, beside raw SQLite).
        .executableTarget(
            name: "FeedBenchmark",
            dependencies: [
                "Host", "OfflineTools", "ZeroMQ", "MarketData", "FeedReplay", "StrategyABI", "Journal", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/FeedBenchmark"
        ),

        // Benchmarks/: decision latency of the whole risk chain (BENCHMARKS.md).
        .executableTarget(name: "RiskBenchmark", dependencies: ["Risk"], path: "Benchmarks/RiskBenchmark"),

        // Benchmarks/: journal writer throughput beside a raw SQLite insert loop, append latency.
        .executableTarget(name: "JournalBenchmark", dependencies: ["Journal", "CSQLite"], path: "Benchmarks/JournalBenchmark"),

        // Benchmarks/: ticks-file parsing, streamed and whole, beside a read-only baseline; peak memory.
        .executableTarget(name: "TickFileBenchmark", dependencies: ["FeedReplay", "MarketData"], path: "Benchmarks/TickFileBenchmark"),

        // Benchmarks/: the real host's memory under hostile peers (subscriptions, stalled
        // subscribers, connections past the cap, huge control requests and feed frames).
        .executableTarget(name: "AttackBenchmark", dependencies: ["ZeroMQ"], path: "Benchmarks/AttackBenchmark"),

        // Benchmarks/: the soak (RELIABILITY.md): the real host under a long run of 64 strategies
        // with operator actions and faults, then its invariants checked from the journal, the
        // event stream and the run summary.
        .executableTarget(
            name: "Soak",
            dependencies: ["ZeroMQ", "Journal", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/Soak"
        ),

        // Example strategies (Plugins/). Each only sees the C contract.
        .target(name: "EMACrossover", dependencies: ["StrategyABI"], path: "Plugins/EMACrossover"),
        // A C target: no public headers of its own, it only includes the contract.
        .target(name: "Breakout", dependencies: ["StrategyABI"], path: "Plugins/Breakout", publicHeadersPath: "."),

        // Fuzz targets (docs/fuzzing-and-sanitizers.md): each runs one parser on arbitrary bytes
        // and checks what it promises beyond "no trap"; a seeded mutation driver over the seed
        // corpora in Tests/Fuzz. Run by FuzzTests in every `swift test`, and by libFuzzer on
        // demand (tools/fuzz.sh).
        .target(name: "FuzzTargets", dependencies: ["MarketData", "Gateway", "Engine", "Host", "OfflineTools"]),

        // Test helpers: child processes with bounded waits (posix_spawn, every other descriptor
        // closed in the child). Used by the tests only.
        .target(name: "CChildSpawn", path: "Tests/CChildSpawn"),
        .target(name: "TestKit", dependencies: ["CChildSpawn"], path: "Tests/TestKit"),

        // Tests, one target per module plus end-to-end tests that drive the real binary.
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "MarketDataTests", dependencies: ["MarketData", "StrategyABI"]),
        .testTarget(name: "RiskTests", dependencies: ["Risk"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "TestKit"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway"]),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Risk", "MarketData", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "FeedReplayTests", dependencies: ["FeedReplay", "MarketData", "ZeroMQ"]),
        .testTarget(
            name: "HostTests",
            dependencies: ["Host", "OfflineTools", "Promotion", "Engine", "Risk", "Journal", "StrategyABI", "ZeroMQ", "MarketData", "FeedReplay", "CSQLite", "TestKit"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ZeroMQ", "MarketData", "Journal", "Engine", "TestKit", "CSQLite", "Gateway"]),
    ]
)

// The libFuzzer executable (tools/fuzz.sh): only declared when the script asks for it, because its
// `main` comes from libFuzzer (`-sanitize=fuzzer`), so it cannot link in an ordinary build, and an
// ordinary build (CI's) should not pay for it. Everything it runs is in FuzzTargets, which is.
if Context.environment["GATEHOUSE_LIBFUZZER"] == "1" {
    package.products.append(.executable(name: "gatehouse-fuzz", targets: ["GatehouseFuzz"]))
    package.targets.append(.executableTarget(name: "GatehouseFuzz", dependencies: ["FuzzTargets"], path: "tools/fuzz"))
}
