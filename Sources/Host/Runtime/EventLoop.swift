import Engine
import Foundation
import Journal
import Logging
import MarketData
import Risk
import ZeroMQ

/// The host's one event-loop thread: owns every socket and every strategy, polls the feeds and
/// routes what they bring. Build it, `run` it and drop it on the same thread.
public final class EventLoop {
    private let host: PluginHost
    /// The engine the plugins trade through (`host.engine`).
    private let engine: Engine
    /// Operator requests into the engine (status, actions, promotion measurement).
    private let desk: OperatorDesk
    /// The order gateway, the engine's live venue (nil: `live_adapter` is not `gateway`).
    private let gateway: GatewayAdapter?
    /// What the gateway reported in one turn, reused.
    private var gatewayReports: [VenueReport] = []
    private let feeds: [FeedSubscriber]
    private let options: RunOptions
    private let stop: StopSignal
    private let logger: Logger
    private let hostID: String
    /// The operator control channel (nil: no `control` section).
    private let control: ControlChannel?
    /// The Prometheus scrape endpoint (nil: no `metrics` section).
    private let metricsServer: MetricsHTTPServer?

    /// Loads every plugin (calling each `create`) and connects every feed. Fails closed: any
    /// error leaves nothing running (strategies already created are destroyed).
    public init(config: LoadedConfig, context: ZMQContext, options: RunOptions, stop: StopSignal, logger: Logger) throws(HostStartError) {
        self.options = options
        self.stop = stop
        self.logger = logger
        self.hostID = config.config.host.id
        // A crash in a plugin (or the host) names what was running before the process dies.
        CrashReport.install(strategies: config.config.strategies.map(\.name))
        do {
            host = try PluginHost(config: config, logger: logger)
        } catch {
            throw .plugin(error)
        }
        host.enforcesWallTimeIsolation = options.enforcesWallTimeIsolation
        engine = host.engine
        // Before any journal is restored: its tail is re-decided in the clock it says it used.
        if options.enforcesWallTimeIsolation { engine.orderRateClock = .wall }
        desk = OperatorDesk(engine: engine, config: config)
        let decoder = FeedFrameDecoder(symbols: engine.symbols)
        let settings = config.config.host
        let clock = EventClockGuard(reference: options.eventClock == .wallClock
            ? .wallClock(aheadNs: Int64(settings.maxEventAheadSeconds * 1e9))
            : .feedTime(jumpNs: Int64(settings.maxEventJumpSeconds * 1e9)), readWall: EventSink.wallNs)
        var feeds: [FeedSubscriber] = []
        for feed in config.config.feeds {
            feeds.append(try FeedSubscriber(
                config: feed, context: context, decoder: decoder, clock: clock,
                warningInterval: config.config.host.dropWarningIntervalSeconds, logger: logger))
        }
        self.feeds = feeds
        let execution = config.config.execution
        if execution.liveAdapter == .gateway, let endpoint = execution.gatewayEndpoint {
            // Before the journal: a recovered state's gateway orders are handed to it.
            do {
                let venue = try GatewayAdapter(
                    endpoint: endpoint, context: context, identity: config.config.host.id,
                    ackTimeoutMs: execution.gatewayAckTimeoutMs, heartbeatIntervalMs: execution.gatewayHeartbeatIntervalMs,
                    fillBandPct: execution.gatewayFillBandPct, maxSendDelayMs: execution.gatewayMaxSendDelayMs, names: engine.names,
                    mark: { [unowned engine] symbol in engine.risk.book.mark(symbol) }, logger: logger)
                engine.attachLiveVenue(venue)
                gateway = venue
            } catch {
                for feed in feeds { feed.socket.close() }
                host.destroyAll()
                throw .gateway(endpoint: endpoint, detail: "\(error)")
            }
        } else {
            gateway = nil
        }
        // Closes what is open so far when a later part cannot start.
        let openHost = host, openFeeds = feeds, openGateway = gateway
        func abandon(_ publisher: RiskEventPublisher? = nil, _ control: ControlChannel? = nil, _ metrics: MetricsHTTPServer? = nil) {
            publisher?.close()
            control?.close()
            metrics?.stop()
            for feed in openFeeds { feed.close() }
            openGateway?.close()
            openHost.destroyAll()
        }
        var publisher: RiskEventPublisher?
        if let events = config.config.events {
            do {
                var secretKey: String?
                if let curve = events.curve {
                    do {
                        secretKey = try CurveKeyFile.read(config.resolvePath(curve.serverKeyFile)).secretKey
                    } catch {
                        throw ControlChannelError("events.curve.server_key_file: \(error.description)")
                    }
                }
                publisher = try RiskEventPublisher(
                    config: events, hostID: config.config.host.id, strategies: config.config.strategies.map(\.name),
                    serverSecretKey: secretKey, subscribersByKey: events.curve?.subscribersByKey, logger: logger)
            } catch {
                abandon()
                throw .events(endpoint: events.endpoint, detail: "\(error)")
            }
        }
        if let controlConfig = config.config.control {
            do {
                control = try ControlChannel(config: controlConfig, keyFilePath: controlConfig.curve.map { config.resolvePath($0.serverKeyFile) },
                                             context: context, logger: logger)
            } catch {
                abandon(publisher)
                throw .control(endpoint: controlConfig.endpoint, detail: "\(error)")
            }
        } else {
            control = nil
        }
        if let metricsConfig = config.config.metrics, let address = metricsConfig.loopbackAddress {
            let metrics = HostMetrics(strategyNames: config.config.strategies.map(\.name), feedNames: feeds.map(\.config.name),
                                      sampleIntervalMs: metricsConfig.sampleIntervalMs)
            do {
                metricsServer = try MetricsHTTPServer(host: address.host, port: address.port, registry: metrics.registry, logger: logger)
            } catch {
                abandon(publisher, control)
                throw .metrics(listen: metricsConfig.listen, detail: error.description)
            }
            host.metrics = metrics
        } else {
            metricsServer = nil
        }
        var writer: JournalWriter?
        if let journal = config.config.journal {
            // Last, so a refused journal leaves nothing else open (the strategies already created
            // are destroyed with the host).
            let path = config.resolvePath(journal.path)
            let opened: JournalWriter
            do {
                opened = try JournalWriter(path: path, options: JournalOptions(hostID: config.config.host.id))
            } catch {
                abandon(publisher, control, metricsServer)
                throw .journal(error.description)
            }
            writer = opened
            // Ids continue after the journal's; the state is rebuilt from its last snapshot and
            // the records after it (the tail, re-applied); the run's start is itself a record,
            // followed by the state the run starts from, which anchors the run's own tail.
            var recoveredFrom: (seq: Int64, tail: [String: Int])?
            var configChanges: [TransitionFact] = []
            do {
                let reader = try JournalReader(path: path)
                defer { reader.close() }
                let highest = try reader.highestIDs()
                engine.continueIDs(afterDecision: highest.decision, afterFill: highest.fill)
                if let last = try reader.lastSnapshot() {
                    let saved = try EngineState.decode(format: last.record.format, text: last.record.state, bytes: last.record.encoded)
                    configChanges = try engine.restore(saved)
                    // The tail was decided under the limits in force then: an operator's, if set.
                    let operatorLimits = try saved.limits.map { saved throws(RecoveryError) in try RecoveredLimits(saved, config: config) }
                    try operatorLimits?.resume(engine)
                    let tail = try reader.allRecords(afterSeq: last.seq)
                    recoveredFrom = (last.seq, try engine.replayTail(tail, after: saved))
                    configChanges += try operatorLimits?.settle(engine, config: config, logger: logger) ?? []
                }
            } catch {
                try? opened.close()
                abandon(publisher, control, metricsServer)
                throw .journal("cannot rebuild the state from the journal \(path): \(error)")
            }
            _ = opened.append(.stateChange(StateChangeRecord(
                eventTimeNs: engine.clockNs, wallTimeNs: EventSink.wallNs(), kind: "host", subject: config.config.host.id,
                fromState: "STOPPED", toState: "RUNNING", reason: "HOST_START", value: Double(engine.nextDecisionID), limitValue: nil)))
            // Strategies added, removed or re-allocated and limits the edited config changed since
            // the journal's state, before the state the run starts from (so a tail never holds them).
            for change in configChanges { _ = opened.append(.stateChange(JournalProjection.stateChange(change))) }
            let state = engine.captureState()
            do {
                _ = opened.append(group: [.snapshot(SnapshotRecord(
                    eventTimeNs: engine.clockNs, wallTimeNs: EventSink.wallNs(), format: EngineState.format,
                    reason: recoveredFrom == nil ? "start" : "recovered", encoded: try state.encoded()))])
            } catch {
                try? opened.close()
                abandon(publisher, control, metricsServer)
                throw .journal("cannot journal the state the run starts from: \(error)")
            }
            if let recoveredFrom {
                let book = state.risk.book
                logger.notice("state recovered from the journal", metadata: [
                    "snapshot_seq": "\(recoveredFrom.seq)",
                    "tail_records": "\(recoveredFrom.tail.values.reduce(0, +))",
                    "tail_ticks_blocks": "\(recoveredFrom.tail["market_ticks"] ?? 0)",
                    "tail_decisions": "\(recoveredFrom.tail["decisions"] ?? 0)",
                    "event_time_ns": "\(book.clockNs)",
                    "equity_usd": "\(book.equityUSD)", "peak_equity_usd": "\(book.peakEquityUSD)",
                    "open_positions": "\(book.strategies.reduce(0) { $0 + $1.openPositions })",
                    "resting_paper_orders": "\(state.paper.openOrders.reduce(0) { $0 + $1.count })",
                    "trading_state": "\(state.risk.controls.effectiveState.rawValue)",
                ])
            }
            logger.info("audit journal open", metadata: ["path": "\(path)"])
        } else {
            logger.warning("running without an audit journal (no `journal` section in the config)")
        }
        if writer != nil || publisher != nil {
            let names = engine.names
            // Each consumer has its own ring and thread: a journal that falls behind never holds up the stream.
            let journal = writer.map {
                JournalFeeder(ring: EventRing(capacity: config.config.journal?.queueCapacity ?? 16_384), writer: $0, names: names, logger: logger)
            }
            let stream = publisher.map { StreamFeeder(ring: EventRing(capacity: StreamFeeder.ringCapacity), publisher: $0, names: names) }
            host.sink = EventSink(journal: journal, stream: stream, logger: logger, backpressure: options.journalBackpressure,
                                  cadence: config.config.journal?.cadence ?? SnapshotCadence())
            if let publisher {
                // The run's start on the stream (the journal has it already).
                host.sink?.publish(.transition(TransitionFact(
                    kind: .host, subject: hostID, from: "STOPPED", to: "RUNNING", reason: "HOST_START",
                    value: Double(engine.nextDecisionID), eventTimeNs: engine.clockNs, wallTimeNs: EventSink.wallNs())))
                logger.info("risk event stream bound", metadata: ["endpoint": "\(publisher.endpoint)", "publisher_id": "\(publisher.publisherID)"])
            }
        }
        if let metricsServer {
            logger.notice("metrics served", metadata: ["url": "http://\(metricsServer.address)/metrics"])
        }
        if let control { logger.info("control channel bound", metadata: ["endpoint": "\(control.endpoint)", "curve": "\(control.zap != nil)"]) }
        gateway?.journal = host.sink
        desk.publishStatus(to: host.publisher)
    }

    /// Runs until a stop is requested (or, with `stopAtEndOfStream`, every feed has ended), then
    /// destroys the strategies and closes the feeds. Returns what happened.
    public func run() throws -> RunSummary {
        let start = ContinuousClock.now
        let startCPU = Self.threadCPUSeconds()
        metricsServer?.start()
        defer {
            host.destroyAll()
            for feed in feeds { feed.close() }
            control?.close()
            if let gateway {
                if !gateway.dropped.isEmpty || !gateway.orders.isEmpty {
                    logger.warning("gateway at stop", metadata: [
                        "orders_in_flight": "\(gateway.orders.count)", "messages_received": "\(gateway.messagesReceived)",
                        "dropped": "\(gateway.dropped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
                    ])
                }
                gateway.close()
            }
            // The state the run ends in, marks of the last ticks included, for a clean restart.
            host.sink?.recordStop(engine.captureState())
            // Everything recorded so far reaches the file and the stream before the run returns, then the run's end.
            host.sink?.stop(final: TransitionFact(kind: .host, subject: hostID, from: "RUNNING", to: "STOPPED", reason: "HOST_STOP",
                                                  eventTimeNs: engine.clockNs, wallTimeNs: EventSink.wallNs()))
            host.metrics?.sample(host: host, feeds: feeds, control: control, nowWallNs: EventSink.wallNs())
            metricsServer?.stop()
        }
        var poller = ZMQPoller()
        for feed in feeds { try poller.addReadable(feed.socket) }
        if let gateway { try poller.addReadable(gateway.socket) }
        let gatewayIndex = feeds.count
        let controlIndex = try control.map { try poller.addReadable($0.socket) }
        let zapIndex = try control?.zap.map { try poller.addReadable($0) }
        // Connection events of the sockets the host connects: a lost connection is reconnected.
        var keepers = feeds.map(\.keeper)
        if let gateway { keepers.append(gateway.keeper) }
        var keeperIndices: [Int] = []
        for keeper in keepers { keeperIndices.append(try poller.addReadable(keeper.monitorSocket)) }
        logger.info("event loop running", metadata: ["feeds": "\(feeds.count)", "strategies": "\(engine.strategies.count)"])
        // The strategies' on_start: after recovery, before the first market event.
        host.start()
        while !stop.isRequested {
            // Orders waiting for their journal commit leave within a millisecond of it, and a
            // measured promotion is answered as soon.
            let timeout = gateway?.hasHeld == true || desk.pendingPromotion != nil ? 1 : options.pollTimeoutMilliseconds
            if try poller.poll(timeoutMilliseconds: timeout) > 0 {
                for (index, feed) in feeds.enumerated() where poller.isReadable(index) {
                    let read = try feed.drain(budget: options.drainBudget) { host.deliver($0) }
                    options.messagesRead?.add(read)
                }
                if gateway != nil { serviceGateway(readable: poller.isReadable(gatewayIndex)) }
                if let zapIndex, poller.isReadable(zapIndex) { control?.serviceZAP() }
                if let controlIndex, poller.isReadable(controlIndex) {
                    control?.serviceRequests { [desk] in desk.perform($0, nowWallNs: EventSink.wallNs(), replyTo: $1) }
                }
            } else if gateway != nil {
                serviceGateway(readable: false)
            }
            for (keeper, index) in zip(keepers, keeperIndices) where keeper.isReconnectPending || poller.isReadable(index) {
                keeper.service(nowWallNs: EventSink.wallNs())
            }
            if engine.deadman != nil || host.metrics != nil {
                let nowWallNs = EventSink.wallNs()
                if engine.deadman != nil && host.isRunning { engine.serviceDeadman(nowWallNs: nowWallNs) }
                if let metrics = host.metrics, metrics.isSampleDue(nowWallNs: nowWallNs) {
                    metrics.sample(host: host, feeds: feeds, control: control, nowWallNs: nowWallNs)
                }
            }
            if desk.pendingPromotion != nil, let (address, reply) = desk.finishPromotion(nowWallNs: EventSink.wallNs()) {
                control?.reply(reply, to: address)
            }
            desk.publishStatus(to: host.publisher)
            if options.stopAtEndOfStream, feeds.allSatisfy({ $0.endOfStreamCount > 0 }) { break }
        }
        // An orderly stop: the strategies' on_stop, then the gateway's answers to what they sent.
        host.stop()
        try settleGateway()
        if let pending = desk.pendingPromotion {
            // Stopping before the measurement came back: say so rather than leave the client waiting.
            desk.pendingPromotion = nil
            control?.reply(OperatorReply(outcome: "refused", message: "the host is stopping: \(pending.request.strategy ?? "?") was not promoted",
                                         verb: pending.request.verb.rawValue), to: pending.address)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary(wallSeconds: seconds, loopCPUSeconds: Self.threadCPUSeconds() - startCPU)
    }

    /// After the strategies' `on_stop`: services the gateway until every order has its first
    /// answer (or was given up), for at most its send delay and ack timeout, so their fills and
    /// rejects reach the strategies before `destroy`.
    private func settleGateway() throws {
        guard let gateway, gateway.awaitsAnswers else { return }
        var poller = ZMQPoller()
        try poller.addReadable(gateway.socket)
        let deadline = EventSink.wallNs() + gateway.answerBoundNs
        while gateway.awaitsAnswers && EventSink.wallNs() < deadline {
            let readable = try poller.poll(timeoutMilliseconds: 1) > 0
            serviceGateway(readable: readable)
        }
        if gateway.awaitsAnswers {
            logger.warning("stopping with gateway orders unanswered", metadata: ["orders_in_flight": "\(gateway.orders.count)"])
        }
    }

    /// Sends the gateway's orders whose journal commit has come, reads its answers (when
    /// `readable`), runs its timeouts and heartbeat, and hands what they did to the engine.
    private func serviceGateway(readable: Bool) {
        guard let gateway, host.acceptsVenueReports else { return }
        let now = EventSink.wallNs()
        if gateway.hasHeld, let sink = host.sink { gateway.releaseHeld(nowWallNs: now, isCommitted: sink.isCommitted) }
        gatewayReports.removeAll(keepingCapacity: true)
        if readable {
            do {
                try gateway.receive(into: &gatewayReports, nowWallNs: now)
            } catch {
                logger.error("gateway receive failed", metadata: ["endpoint": "\(gateway.endpoint)", "error": "\(error)"])
            }
        }
        gateway.tick(nowWallNs: now, into: &gatewayReports)
        host.apply(gatewayReports)
    }

    /// CPU time of the calling thread, seconds.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    func summary(wallSeconds: Double, loopCPUSeconds: Double = 0) -> RunSummary {
        let feedSummaries = feeds.map { feed in
            var dropped: [String: UInt64] = [:]
            for reason in FrameDropReason.allCases where feed.drops[reason.rawValue] > 0 {
                dropped[reason.name] = feed.drops[reason.rawValue]
            }
            return RunSummary.Feed(
                name: feed.config.name, events: feed.eventsReceived, dropped: dropped,
                framesAnnounced: feed.endOfStreamCount > 0 ? feed.framesAnnounced : nil)
        }
        let strategySummaries = engine.strategies.map { strategy in
            var decisions: [String: UInt64] = [:]
            for verdict in Verdict.allCases { decisions[verdict.description] = strategy.decisions(verdict) }
            var reasons: [String: UInt64] = [:]
            for reason in ReasonCode.allCases where strategy.decisions(for: reason) > 0 {
                reasons[reason.description] = strategy.decisions(for: reason)
            }
            return RunSummary.Strategy(
                name: strategy.name, mode: EventNames.mode(strategy.mode), events: strategy.eventsDelivered,
                intents: strategy.intents, decisions: decisions, reasons: reasons, fills: strategy.fills,
                realizedUSD: engine.risk.book.strategy(strategy.id).realizedUSD,
                unrealizedUSD: engine.risk.book.unrealizedUSD(strategy: strategy.id))
        }
        let digest = String(engine.decisionDigest, radix: 16)
        return RunSummary(
            ticks: engine.eventsRouted, feeds: feedSummaries, strategies: strategySummaries,
            equityUSD: engine.risk.book.equityUSD, liveGrossUSD: engine.risk.book.liveGrossUSD,
            decisionDigest: String(repeating: "0", count: 16 - digest.count) + digest,
            wallSeconds: wallSeconds,
            ticksPerSecond: wallSeconds > 0 ? Double(engine.eventsRouted) / wallSeconds : 0,
            loopCPUSeconds: loopCPUSeconds)
    }
}
