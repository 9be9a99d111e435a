import Foundation
import Logging
import PlexusCore
import PlexusRouting
import PlexusStorage
import ServiceLifecycle
import Synchronization

/// Keeps several gateways on one PostgreSQL database in step (CONFIG.md "Several instances"): config versions,
/// cooldowns and live events travel as NOTIFY messages on the schema's channel; each instance applies what the
/// others announce. A lost connection is retried every second, and on its return the instance catches up from
/// the tables (the newest config version, the stored cooldowns, and the clears of those it knew), so missed
/// messages cost nothing lasting. The gateway serves once it listens, or when the database does not answer.
final class ClusterSync: Service, SharedConfig {
    /// This process among the instances (host, pid and a random part).
    let instance: String
    let store: any ClusterStore
    let config: ConfigManager
    let routing: RoutingState
    let events: EventHub
    let logger: Logger
    /// When each other instance last said its dashboard watches the live events.
    let watchers = Mutex<[String: Date]>([:])
    /// Local events waiting to be sent to watching instances.
    let pending = Mutex<[JSONValue]>([])
    /// Opens once this instance listens to the others and has caught up (or the database does not answer): the
    /// app serves after it, so no message sent after its first answer is missed.
    let ready = Gate()
    /// The cooldowns this instance knows the table holds: when each target's entry there was set.
    let stored: Mutex<[TargetID: Double]>

    init(store: any ClusterStore, config: ConfigManager, routing: RoutingState, events: EventHub, logger: Logger) {
        self.store = store
        self.config = config
        self.routing = routing
        self.events = events
        self.logger = logger
        // The entries kept from the last run were stored when set, if this instance shared them then.
        stored = Mutex(Dictionary(routing.cooldowns(now: 0).map { ($0.target, $0.setAt) }) { max($0, $1) })
        instance =
            "\(ProcessInfo.processInfo.hostName):\(getpid()):" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    // MARK: SharedConfig

    func latest() async throws -> ConfigVersion? { try await store.latestConfig() }

    func append(_ text: String, source: String, after: Int?) async throws -> Int? {
        try await store.appendConfig(text, source: source, instance: instance, after: after)?.version
    }

    func announce(version: Int) async {
        await send(["kind": "config", "version": .number(Double(version))])
    }

    func versions(limit: Int) async throws -> [ConfigVersion] { try await store.configVersions(limit: limit) }

    func version(_ number: Int) async throws -> ConfigVersion? { try await store.configVersion(number) }

    // MARK: Service

    func run() async {
        let changes = routing.cooldownChanges()
        let outbound = events.outboundEvents()
        do {
            try await config.share(through: self)
        } catch {
            logger.error(
                "the shared config could not be read; serving the file's until the database answers",
                metadata: ["error.message": "\(error)"])
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listenLoop() }
                group.addTask { await self.tickLoop() }
                group.addTask { for await change in changes { await self.share(change) } }
                group.addTask { for await event in outbound { self.queue(event) } }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Listens for the other instances; after each (re)connection, catches up from the tables.
    private func listenLoop() async {
        while !Task.isCancelled {
            do {
                try await store.listen(
                    listening: {
                        await self.catchUp()
                        self.ready.open()
                    },
                    receive: { payload in await self.receive(payload) })
            } catch {
                if Task.isCancelled { return }
                ready.open()
                logger.warning("instances channel lost; retrying", metadata: ["error.message": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Every 200 ms: sends queued events; every 5 s: says whether a dashboard watches here, forgets watchers not
    /// heard from in 15 s, and checks for a config version a lost message did not announce. After 10 s, the app
    /// serves even if the database has not answered yet.
    private func tickLoop() async {
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            tick += 1
            if tick == 50 { ready.open() }
            await flushEvents()
            guard tick % 25 == 0 else { continue }
            if events.hasLocalSubscribers { await send(["kind": "watching"]) }
            let cutoff = Date().addingTimeInterval(-15)
            let watched = watchers.withLock { w in
                w = w.filter { $0.value > cutoff }
                return !w.isEmpty
            }
            events.forward(watched)
            if let latest = try? await store.latestConfig() { await config.adopt(latest) }
        }
    }

    /// The newest config version and the stored cooldowns.
    func catchUp() async {
        do {
            if let latest = try await store.latestConfig() { await config.adopt(latest) }
            try await catchUpCooldowns()
        } catch {
            logger.warning("could not catch up with the other instances", metadata: ["error.message": "\(error)"])
        }
    }
}
