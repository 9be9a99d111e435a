import Foundation
import Hummingbird
import Logging
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage
import PlexusUpstream
import ServiceLifecycle

/// The whole gateway: configuration, store, usage writer, upstream transports and the HTTP application.
public final class Gateway: Sendable {
    public let usageWriter: UsageWriter
    public let store: any UsageStore
    /// Runs the PostgreSQL connection pool; nil for SQLite.
    let storeService: (any Service)?
    let stateBox: GatewayStateBox
    let transports: Transports
    let routing: RoutingState
    let persistence: RoutingPersistence
    let events = EventHub()
    let metrics = GatewayMetrics()
    let inFlight = InFlightTable()
    let sessions = SessionStore()
    let capture: CaptureSettings
    let configManager: ConfigManager
    let retention: RetentionService
    let pricing: OpenRouterPricing
    /// Where key limits are counted: in memory, or in PostgreSQL for every instance.
    let ledger: any LimitLedger
    /// Several instances on PostgreSQL: shared config versions, cooldowns and live events; nil on SQLite.
    let cluster: ClusterSync?
    let logger: Logger

    /// Opens the store named by the config (`configFolder` anchors relative SQLite paths). With `configPath`, the
    /// management API writes changes back to that file and hand edits are picked up. The concrete parts the
    /// executable chooses come in `parts`.
    public init(
        config: PlexusConfig, configFolder: String, configPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, parts: GatewayParts, logger: Logger
    ) async throws {
        self.logger = logger
        switch config.storage.location {
        case .sqlite:
            let path = config.storage.location.sqlitePath(relativeTo: configFolder) ?? "plexus.sqlite"
            store = try await parts.openSQLite(path, logger)
            storeService = nil
        case .postgres(let url):
            (store, storeService) = try await parts.openPostgres(url, logger)
        }
        // Files the gateway keeps beside the database (cooldowns, the OpenRouter price cache); with PostgreSQL,
        // in `data/` beside the config file.
        let dataFolder =
            config.storage.location.sqlitePath(relativeTo: configFolder).map {
                ($0 as NSString).deletingLastPathComponent
            } ?? (configFolder as NSString).appendingPathComponent("data")
        try? FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
        usageWriter = UsageWriter(
            store: store, logger: logger,
            journal: try await Self.openJournal(in: dataFolder, store: store, logger: logger))
        // Cooldowns live beside the database so a restart keeps them.
        let cooldownFile = (dataFolder as NSString).appendingPathComponent("cooldowns.json")
        routing = RoutingState(cooldowns: RoutingPersistence.load(path: cooldownFile))
        persistence = RoutingPersistence(state: routing, path: cooldownFile, logger: logger)
        let transports = Transports(http: parts.httpTransport, mock: parts.mockTransport)
        self.transports = transports
        let stateBox = GatewayStateBox(GatewayState(config: config)) { state in
            transports.http.configure(UpstreamPoolSettings(state.config.upstream))
        }
        self.stateBox = stateBox
        capture = CaptureSettings(config.debug)
        let text = configPath.flatMap { FileManager.default.contents(atPath: $0) }.map {
            String(decoding: $0, as: UTF8.self)
        }
        configManager = ConfigManager(
            path: configPath, text: text, environment: environment, stateBox: stateBox, events: events, logger: logger)
        pricing = OpenRouterPricing(
            state: stateBox, routing: routing, transport: transports.http,
            cachePath: (dataFolder as NSString).appendingPathComponent("openrouter-prices.json"), logger: logger)
        retention = RetentionService(
            store: store,
            policy: {
                let storage = stateBox.current.config.storage
                return RetentionPolicy(usageDays: storage.retentionDays, traceDays: storage.debugRetentionDays)
            }, logger: logger)
        ledger = Self.limitLedger(store: store, logger: logger)
        if let shared = store as? any ClusterStore {
            cluster = ClusterSync(
                store: shared, config: configManager, routing: routing, events: events, logger: logger)
        } else {
            cluster = nil
        }
        if config.server.allowAnonymous {
            logger.warning("server.allow_anonymous is on: inference routes accept requests without a key")
        }
    }

    /// Key limits shared through the database when it can share them, else in memory with budgets read from the log.
    static func limitLedger(store: any UsageStore, logger: Logger) -> any LimitLedger {
        if let shared = store as? any SharedLimitStore { return SharedLimitLedger(store: shared, logger: logger) }
        let spend = store as? any SpendStore
        return MemoryLimitLedger { key, since in
            do {
                return try await spend?.spend(key: key, since: since) ?? (0, 0)
            } catch {
                logger.error(
                    "key budget: spend so far unreadable, counted from 0", metadata: ["error.message": "\(error)"])
                return (0, 0)
            }
        }
    }

    /// Stores the rows a killed process left in its journal, then starts a new journal.
    static func openJournal(in folder: String, store: any UsageStore, logger: Logger) async throws -> UsageJournal {
        let left = UsageJournal.recover(directory: folder)
        if !left.rows.isEmpty {
            try await store.insert(left.rows)
            logger.notice("usage rows recovered from the journal", metadata: ["usage.rows": "\(left.rows.count)"])
        }
        for file in left.files { try? FileManager.default.removeItem(atPath: file) }
        return try UsageJournal(directory: folder)
    }

    /// The services to run, in ServiceGroup order, around `app`: the usage writer, cooldown persistence, retention,
    /// pricing and the config watch start before the app; the event heartbeat comes after it because a group stops
    /// in reverse order, and closing the event streams first lets the app drain its connections.
    public func services(around app: any Service) -> [any Service] {
        // The store's pool first: it stops last, after the writer's final flush.
        [storeService, ledger as? any Service, cluster].compactMap { $0 } + [
            usageWriter, persistence, retention, pricing, ConfigWatcher(manager: configManager, interval: .seconds(1)),
            HeapTrimmer(inFlight: inFlight, interval: .seconds(2)),
            // With several instances, the app listens once the database's config is in (the pool runs by then).
            cluster.map { StartAfter(app, gate: $0.ready) } ?? app, EventHeartbeat(hub: events),
        ]
    }

    /// The Hummingbird application; `onServerRunning` learns the bound port (tests bind port 0).
    public func application(
        host: String? = nil, port: Int? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let config = stateBox.current.config
        let router = Router(context: BasicRequestContext.self)
        let engine = ProxyEngine(
            state: stateBox, transports: transports, usage: usageWriter, routing: routing, events: events,
            capture: capture, metrics: metrics, inFlight: inFlight,
            responses: StoredResponses(store: store as? any ResponseStore, logger: logger), ledger: ledger,
            logger: logger)
        let inference = InferenceRoutes(engine: engine)
        inference.register(on: router)
        HealthRoutes().register(on: router)
        let management = ManagementContext(
            stateBox: stateBox, config: configManager, sessions: sessions, events: events, routing: routing,
            store: store, writer: usageWriter, capture: capture, metrics: metrics, inFlight: inFlight,
            ledger: ledger)
        ManagementRoutes(context: management).register(on: router)
        DashboardRoutes().register(on: router)
        let responder = InferenceResponder(routes: inference, router: router.buildResponder())
        var maxConnections = config.server.maxConnections
        if let limit = ConnectionLimiter.openFilesLimit(),
            case let budget = ConnectionLimiter.connectionBudget(openFilesLimit: limit), budget < maxConnections
        {
            logger.warning(
                "client connections capped below server.max_connections by the open-files limit",
                metadata: [
                    "server.max_connections": "\(maxConnections)", "connections.cap": "\(budget)",
                    "open_files.limit": "\(limit)",
                ])
            maxConnections = budget
        }
        let limiter = ConnectionLimiter(max: maxConnections)
        let logger = logger
        return Application(
            responder: responder,
            server: .gatewayHTTP1(
                responder: responder, serverName: "plexus", timeouts: ClientTimeouts(config.server), limiter: limiter),
            configuration: .init(
                address: .hostname(host ?? config.server.host, port: port ?? config.server.port),
                serverName: "plexus",
                // Thousands of clients connecting at once (a burst of agents) overflow a short accept queue, and
                // each dropped SYN costs its client a retry of 1 s, then 3 s, 7 s... (the kernel caps it at somaxconn).
                backlog: 4096),
            onServerRunning: { channel in
                // First in the listening socket's pipeline: it must see a failed accept before NIO's back-off does.
                try? await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptFailureHandler(limiter: limiter, logger: logger), position: .first)
                }.get()
                await onServerRunning(channel.localAddress?.port ?? 0)
            },
            logger: DeferredMetadataLogHandler.logger(wrapping: logger))
    }

    /// Closes connections and the store; call after the services stopped.
    public func shutdown() async {
        try? await transports.shutdown()
        await usageWriter.flush()
        try? await store.close()
    }
}

/// Why the gateway could not start.
public struct GatewayStartError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Liveness and readiness.
struct HealthRoutes {
    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in HTTPResponses.json(Array(#"{"status":"ok"}"#.utf8), status: 200) }
        router.get("/v0/management/health") { _, _ in HTTPResponses.json(Array(#"{"status":"ok"}"#.utf8), status: 200) }
        router.get("/ready") { _, _ in HTTPResponses.json(Array(#"{"status":"ready"}"#.utf8), status: 200) }
    }
}
