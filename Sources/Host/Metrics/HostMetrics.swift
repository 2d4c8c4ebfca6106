import CoreMetrics
import Engine
import MarketData
import class Prometheus.PrometheusCollectorRegistry
import Risk

#if canImport(Glibc)
import Glibc
#endif

/// The host's Prometheus metrics (docs/metrics.md), recorded through swift-metrics into a
/// registry of its own, which `MetricsHTTPServer` renders for each scrape.
///
/// Confined to the event-loop thread, like the host; only `registry` is read by the server
/// thread (the registry and the metric handles are thread-safe).
///
/// Cost on the hot path: a decided intent adds one histogram record (an uncontended lock and a
/// bucket search) and two monotonic clock reads (`DecisionStopwatch`). Everything else is
/// sampled by the loop every `sampleIntervalMs`, not per event: the decision counters advance to
/// the engine's own running counts (`EngineStrategy.decisions`), and the account, exposure,
/// queue, feed and stream figures are copied. Every handle is made once (decision counters on a
/// label set's first non-zero sample), so steady state allocates nothing.
final class HostMetrics: DecisionStopwatch {
    /// What the server renders.
    let registry: PrometheusCollectorRegistry
    private let factory: CatalogMetricsFactory
    /// Nanoseconds between two samples.
    let sampleIntervalNs: Int64
    /// Wall time of the next sample (ns since the Unix epoch).
    private(set) var nextSampleWallNs: Int64 = 0

    private let strategyNames: [String]
    private let verdictCount = Verdict.allCases.count + 1  // indexed by raw value (1...3)
    private let reasonCount = ReasonCode.allCases.count
    /// `gatehouse_decisions_total` by [strategy][verdict][reason], made on first use, and the
    /// engine's counts they were last advanced to.
    private var decisions: [CoreMetrics.Counter?]
    private var decisionsSeen: [UInt64]
    private let chainLatency: CoreMetrics.Timer

    private let feedNames: [String]
    private let feedTicks: [CoreMetrics.Counter]
    private var feedTicksSeen: [UInt64]
    /// `gatehouse_feed_drops_total` by [feed][reason], made on a reason's first drop.
    private var feedDrops: [CoreMetrics.Counter?]
    private var feedDropsSeen: [UInt64]
    private let dropReasonCount = FrameDropReason.allCases.count

    private let auditQueueDepth: CoreMetrics.Gauge
    private let journalQueueDepth: CoreMetrics.Gauge
    private let eventsPublished: CoreMetrics.Counter
    private let eventsDropped: CoreMetrics.Counter
    private var eventsPublishedSeen: UInt64 = 0
    private var eventsDroppedSeen: UInt64 = 0
    private let eventSubscribers: CoreMetrics.Gauge
    private let eventSubscribersRefused: CoreMetrics.Counter
    private let eventSubscriptionsRefused: CoreMetrics.Counter
    private let eventSubscribersDropped: CoreMetrics.Counter
    private var eventSubscribersRefusedSeen: UInt64 = 0
    private var eventSubscriptionsRefusedSeen: UInt64 = 0
    private var eventSubscribersDroppedSeen: UInt64 = 0
    private let equity: CoreMetrics.Gauge
    private let peakEquity: CoreMetrics.Gauge
    private let drawdown: CoreMetrics.Gauge
    private let grossExposure: CoreMetrics.Gauge
    private let tradingState: CoreMetrics.Gauge
    private let killSwitch: CoreMetrics.Gauge
    private let strategyExposure: [CoreMetrics.Gauge]
    private let controlUnusable: CoreMetrics.Counter
    private let controlClientsRefused: CoreMetrics.Counter
    private var controlUnusableSeen: UInt64 = 0
    private var controlClientsRefusedSeen: UInt64 = 0
    private let strategyUnrealized: [CoreMetrics.Gauge]
    private let callbackOverruns: [CoreMetrics.Counter]
    private var callbackOverrunsSeen: [UInt64]
    private let strategyLoopShare: [CoreMetrics.Gauge]

    /// Makes every handle but the lazily made decision and drop counters.
    init(strategyNames: [String], feedNames: [String], sampleIntervalMs: Int) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let factory = CatalogMetricsFactory(registry: registry)
        self.factory = factory
        sampleIntervalNs = Int64(sampleIntervalMs) * 1_000_000
        self.strategyNames = strategyNames
        self.feedNames = feedNames
        decisions = Array(repeating: nil, count: strategyNames.count * verdictCount * reasonCount)
        decisionsSeen = Array(repeating: 0, count: strategyNames.count * verdictCount * reasonCount)
        chainLatency = CoreMetrics.Timer(label: MetricsCatalog.chainLatency.name, factory: factory)
        feedTicks = feedNames.map { CoreMetrics.Counter(label: MetricsCatalog.feedTicks.name, dimensions: [("feed", $0)], factory: factory) }
        feedTicksSeen = Array(repeating: 0, count: feedNames.count)
        feedDrops = Array(repeating: nil, count: feedNames.count * FrameDropReason.allCases.count)
        feedDropsSeen = Array(repeating: 0, count: feedNames.count * FrameDropReason.allCases.count)
        func gauge(_ family: MetricsCatalog.Family, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
            CoreMetrics.Gauge(label: family.name, dimensions: dimensions, factory: factory)
        }
        auditQueueDepth = gauge(MetricsCatalog.auditQueueDepth)
        journalQueueDepth = gauge(MetricsCatalog.journalQueueDepth)
        eventsPublished = CoreMetrics.Counter(label: MetricsCatalog.eventsPublished.name, factory: factory)
        eventsDropped = CoreMetrics.Counter(label: MetricsCatalog.eventsDropped.name, factory: factory)
        eventSubscribers = CoreMetrics.Gauge(label: MetricsCatalog.eventSubscribers.name, factory: factory)
        eventSubscribersRefused = CoreMetrics.Counter(label: MetricsCatalog.eventSubscribersRefused.name, factory: factory)
        eventSubscriptionsRefused = CoreMetrics.Counter(label: MetricsCatalog.eventSubscriptionsRefused.name, factory: factory)
        eventSubscribersDropped = CoreMetrics.Counter(label: MetricsCatalog.eventSubscribersDropped.name, factory: factory)
        equity = gauge(MetricsCatalog.equity)
        peakEquity = gauge(MetricsCatalog.peakEquity)
        drawdown = gauge(MetricsCatalog.drawdown)
        grossExposure = gauge(MetricsCatalog.grossExposure)
        tradingState = gauge(MetricsCatalog.tradingState)
        killSwitch = gauge(MetricsCatalog.killSwitch)
        strategyExposure = strategyNames.map { gauge(MetricsCatalog.strategyExposure, [("strategy", $0)]) }
        strategyUnrealized = strategyNames.map { gauge(MetricsCatalog.strategyUnrealized, [("strategy", $0)]) }
        callbackOverruns = strategyNames.map {
            CoreMetrics.Counter(label: MetricsCatalog.callbackOverruns.name, dimensions: [("strategy", $0)], factory: factory)
        }
        callbackOverrunsSeen = Array(repeating: 0, count: strategyNames.count)
        strategyLoopShare = strategyNames.map { gauge(MetricsCatalog.strategyLoopShare, [("strategy", $0)]) }
        controlUnusable = CoreMetrics.Counter(label: MetricsCatalog.controlUnusable.name, factory: factory)
        controlClientsRefused = CoreMetrics.Counter(label: MetricsCatalog.controlClientsRefused.name, factory: factory)
    }

    // MARK: Per decision (loop thread)

    /// When a decision starts: monotonic time, ns.
    func start() -> Int64 { Self.monotonicNs() }

    /// Records how long the chain took for one decision.
    func stop(startedAt: Int64) {
        chainLatency.recordNanoseconds(Self.monotonicNs() - startedAt)
    }

    /// Monotonic time, ns (only differences mean anything).
    private static func monotonicNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    // MARK: Sampling (loop thread)

    /// Whether a sample is due at wall time `nowWallNs`.
    func isSampleDue(nowWallNs: Int64) -> Bool { nowWallNs >= nextSampleWallNs }

    /// Copies the account, exposure, queue, feed and stream figures into their metrics.
    /// Counters kept elsewhere as running totals advance by what was added since the last sample.
    func sample(host: PluginHost, feeds: [FeedSubscriber], control: ControlChannel?, nowWallNs: Int64) {
        nextSampleWallNs = nowWallNs + sampleIntervalNs
        let engine = host.engine
        for (index, strategy) in engine.strategies.enumerated() {
            for verdict in Verdict.allCases {
                for reason in ReasonCode.allCases {
                    let slot = (index * verdictCount + Int(verdict.rawValue)) * reasonCount + Int(reason.rawValue)
                    let total = strategy.decisions(verdict, reason)
                    guard total > decisionsSeen[slot] else { continue }
                    let counter = decisions[slot] ?? CoreMetrics.Counter(
                        label: MetricsCatalog.decisions.name,
                        dimensions: [("strategy", strategyNames[index]), ("verdict", verdict.description), ("reason", reason.description)],
                        factory: factory)
                    decisions[slot] = counter
                    advance(counter, total: total, seen: &decisionsSeen[slot])
                }
            }
        }
        if let control {
            advance(controlUnusable, total: control.badRequests, seen: &controlUnusableSeen)
            advance(controlClientsRefused, total: control.refusedClients, seen: &controlClientsRefusedSeen)
        }
        for (index, feed) in feeds.enumerated() {
            advance(feedTicks[index], total: feed.eventsReceived, seen: &feedTicksSeen[index])
            for reason in FrameDropReason.allCases {
                let slot = index * dropReasonCount + reason.rawValue
                let total = feed.drops[reason.rawValue]
                guard total > feedDropsSeen[slot] else { continue }
                let counter = feedDrops[slot] ?? CoreMetrics.Counter(
                    label: MetricsCatalog.feedDrops.name, dimensions: [("feed", feedNames[index]), ("reason", reason.name)], factory: factory)
                feedDrops[slot] = counter
                advance(counter, total: total, seen: &feedDropsSeen[slot])
            }
        }
        if let journal = host.sink?.journal {
            auditQueueDepth.record(journal.ring.count)
            journalQueueDepth.record(journal.journalQueueDepth)
        }
        if let publisher = host.publisher {
            advance(eventsPublished, total: publisher.published, seen: &eventsPublishedSeen)
            advance(eventsDropped, total: publisher.dropped, seen: &eventsDroppedSeen)
            eventSubscribers.record(publisher.subscribers)
            advance(eventSubscribersRefused, total: publisher.subscribersRefused, seen: &eventSubscribersRefusedSeen)
            advance(eventSubscriptionsRefused, total: publisher.subscriptionsRefused, seen: &eventSubscriptionsRefusedSeen)
            advance(eventSubscribersDropped, total: publisher.subscribersDropped, seen: &eventSubscribersDroppedSeen)
        }
        let book = engine.risk.book
        equity.record(book.equityUSD)
        peakEquity.record(book.peakEquityUSD)
        drawdown.record(book.drawdownPct)
        grossExposure.record(book.liveGrossUSD)
        let state: Int64 = switch engine.risk.controls.effectiveState {
        case .active: 0
        case .reducing: 1
        case .halted: 2
        }
        tradingState.record(state)
        killSwitch.record(engine.risk.controls.killSwitch ? 1 : 0)
        for index in strategyNames.indices {
            let id = UInt32(index + 1)
            strategyExposure[index].record(book.grossUSD(strategy: id))
            strategyUnrealized[index].record(book.unrealizedUSD(strategy: id))
            advance(callbackOverruns[index], total: host.watchdog.overruns(index), seen: &callbackOverrunsSeen[index])
            strategyLoopShare[index].record(host.watchdog.lastWindowSharePct(index))
        }
    }

    /// Advances `counter` to the running `total` kept elsewhere.
    private func advance(_ counter: CoreMetrics.Counter, total: UInt64, seen: inout UInt64) {
        guard total > seen else { return }
        counter.increment(by: Int64(total - seen))
        seen = total
    }
}
