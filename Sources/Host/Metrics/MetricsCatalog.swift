import CoreMetrics
import Prometheus

/// Every metric the host exports: its Prometheus name, type and help text, in one place
/// (docs/metrics.md lists the same). The host records through the swift-metrics API; the
/// catalog's factory hands those handles to a Prometheus registry with the help text attached.
enum MetricsCatalog {
    /// One exported metric family.
    struct Family {
        let name: String
        let help: String
    }

    static let decisions = Family(name: "gatehouse_decisions_total",
                                  help: "Risk chain decisions, by strategy, verdict (APPROVE, RESHAPE, REJECT) and reason code name.")
    static let chainLatency = Family(name: "gatehouse_chain_latency_seconds",
                                     help: "Time the risk chain takes to decide one valid intent, from the chain's entry to its verdict.")
    static let feedTicks = Family(name: "gatehouse_feed_ticks_total", help: "Market events decoded from a feed.")
    static let feedDrops = Family(name: "gatehouse_feed_drops_total", help: "Feed frames dropped as invalid, by feed and drop reason.")
    static let auditQueueDepth = Family(name: "gatehouse_audit_queue_depth",
                                        help: "Engine events waiting in the event loop's ring to the journal feeder thread (the stream has a ring of its own).")
    static let journalQueueDepth = Family(name: "gatehouse_journal_queue_depth",
                                          help: "Records waiting in the journal writer's queue for the SQLite commit.")
    static let eventsPublished = Family(name: "gatehouse_events_published_total", help: "Risk events sent on the event stream.")
    static let eventsDropped = Family(name: "gatehouse_events_dropped_total",
                                      help: "Risk events lost for every subscriber: to the stream's full ring, or a failed send (their seq stays used, so subscribers see a gap). A message lost at one subscriber's full queue is not counted here.")
    static let eventSubscribers = Family(name: "gatehouse_events_subscribers", help: "Subscribers connected to the event stream now.")
    static let eventSubscribersRefused = Family(name: "gatehouse_events_subscribers_refused_total",
                                                help: "Event stream connections refused in their handshake: over events.max_subscribers, or a CURVE key not listed.")
    static let eventSubscriptionsRefused = Family(name: "gatehouse_events_subscriptions_refused_total",
                                                  help: "Event stream subscriptions not applied because no topic of this host starts with them.")
    static let eventSubscribersDropped = Family(name: "gatehouse_events_subscribers_dropped_total",
                                                help: "Event stream connections the host ended for holding more than events.max_subscriptions subscriptions.")
    static let equity = Family(name: "gatehouse_equity_usd", help: "Account equity: starting equity plus live realized and unrealized PnL, USD.")
    static let peakEquity = Family(name: "gatehouse_peak_equity_usd", help: "Highest account equity seen, USD.")
    static let drawdown = Family(name: "gatehouse_drawdown_pct", help: "Account drawdown from the peak equity, percent.")
    static let grossExposure = Family(name: "gatehouse_gross_exposure_usd", help: "Live gross exposure of the account at the marks, USD.")
    static let strategyExposure = Family(name: "gatehouse_strategy_exposure_usd",
                                         help: "Gross exposure of one strategy at the marks (shadow strategies too), USD.")
    static let strategyUnrealized = Family(name: "gatehouse_strategy_unrealized_pnl_usd",
                                           help: "Unrealized PnL of one strategy at the marks, USD.")
    static let tradingState = Family(name: "gatehouse_trading_state",
                                     help: "Account trading state: 0 ACTIVE, 1 REDUCING, 2 HALTED.")
    static let killSwitch = Family(name: "gatehouse_kill_switch", help: "1 while the kill switch is engaged, else 0.")
    static let callbackOverruns = Family(name: "gatehouse_callback_overruns_total",
                                         help: "Plugin callbacks of one strategy that ran past risk.firewall.callback_budget_ms of wall time.")
    static let strategyLoopShare = Family(name: "gatehouse_strategy_loop_share_pct",
                                          help: "Share of the last loop-time window one strategy's callbacks took, percent of wall time.")
    static let controlUnusable = Family(name: "gatehouse_control_requests_unusable_total",
                                        help: "Control requests refused as unusable (malformed, unknown verb, no reason); nothing was done or journaled.")
    static let controlClientsRefused = Family(name: "gatehouse_control_clients_refused_total",
                                              help: "Control clients refused by CURVE authentication (key not listed).")

    static let all: [Family] = [
        decisions, chainLatency, feedTicks, feedDrops, auditQueueDepth, journalQueueDepth, eventsPublished, eventsDropped,
        eventSubscribers, eventSubscribersRefused, eventSubscriptionsRefused, eventSubscribersDropped, equity, peakEquity, drawdown, grossExposure, strategyExposure, strategyUnrealized, tradingState, killSwitch,
        controlUnusable, controlClientsRefused, callbackOverruns, strategyLoopShare,
    ]

    /// Buckets of the chain latency histogram: a decision takes microseconds, so the library's
    /// defaults (5 ms and up) would put every one in the first bucket.
    static let chainLatencyBuckets: [Duration] = [
        .nanoseconds(500), .microseconds(1), .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(20),
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(10),
    ]
}

/// A swift-metrics factory over one Prometheus registry that attaches the catalog's help text
/// and histogram buckets. One per host, not bootstrapped globally, so several hosts (tests) in
/// one process never share counters.
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        let help = MetricsCatalog.all.first { $0.name == label }?.help
        precondition(help != nil, "metric \(label) is not in MetricsCatalog")
        return MetricNameDescriptor(metricName: label, unitName: "", helpText: help!)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // The host records only last values (gauges); an aggregating recorder would need buckets
        // the catalog does not define.
        precondition(!aggregate, "metric \(label): only gauges are recorded")
        return registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: MetricsCatalog.chainLatencyBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
