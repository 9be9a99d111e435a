import Foundation
import Logging
import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusServer

/// How an instance keeps its cooldowns in step when messages from the others are lost: the catch-up from the
/// table after a reconnection, the retried write, and a start that waits for the listener.
@Suite("Cluster cooldowns without the messages")
struct ClusterSyncCooldownTests {
    let store = MemoryClusterStore()
    let routing = RoutingState()
    let sync: ClusterSync
    let target = TargetID(provider: "p", model: "m")

    init() throws {
        let config = try ConfigLoader.load(
            yaml: "providers: { p: { api_base_url: \"mock://\" } }\nmodels: {}\n", environment: [:],
            fileName: "plexus.yaml")
        let events = EventHub()
        let manager = ConfigManager(
            path: nil, text: nil, environment: [:], stateBox: GatewayStateBox(GatewayState(config: config)),
            events: events, logger: Logger(label: "test"))
        sync = ClusterSync(
            store: store, config: manager, routing: routing, events: events, logger: Logger(label: "test"))
    }

    func entry(setAt: Double) -> CooldownEntry {
        CooldownEntry(target: target, reason: .serverError, status: 500, failures: 1, until: setAt + 60, setAt: setAt)
    }

    func text(_ entry: CooldownEntry) throws -> String {
        String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)
    }

    func message(_ entry: CooldownEntry) throws -> String {
        let message: JSONValue = ["kind": "cooldown_set", "from": "other", "entry": .string(try text(entry))]
        return message.jsonString
    }

    /// A failure here, which cools the target and is not stored yet.
    func failHere() {
        routing.failed(
            target, reason: .serverError, status: 500, retryAfter: nil, config: CooldownConfig(),
            sample: PerformanceSample(at: RoutingState.now(), durationMs: 1, success: false))
    }

    var cooling: Bool { routing.isCooling(target, now: RoutingState.now()) }

    @Test func aClearWhoseMessageWasMissedIsCaughtUpFromTheTable() async throws {
        let set = entry(setAt: RoutingState.now())
        try await store.saveCooldown(provider: "p", model: "m", entry: try text(set))
        await sync.receive(try message(set))
        #expect(cooling)
        // Another instance clears it while this one is not listening: the row goes, the message is lost.
        try await store.deleteCooldown(provider: nil, model: nil, setBefore: nil)
        #expect(cooling)
        await sync.catchUp()
        #expect(!cooling, "the table no longer holds the cooldown this instance had stored")
    }

    @Test func aCooldownNotYetStoredSurvivesTheCatchUp() async throws {
        failHere()
        await sync.catchUp()
        #expect(cooling, "set here a moment ago, on its way to the table")
    }

    @Test func aNewerCooldownSetHereStandsWhenTheOlderStoredOneIsGone() async throws {
        let old = entry(setAt: RoutingState.now() - 120)
        await sync.receive(try message(old))
        failHere()
        await sync.catchUp()
        #expect(cooling, "only the cooldown the table held is cleared")
    }

    @Test func aWriteTheDatabaseRefusesIsTriedAgainThenAnnounced() async throws {
        store.state.withLock { $0.refuseWrites = 2 }
        await sync.share(.set(entry(setAt: RoutingState.now())))
        let (writes, stored, notified) = store.state.withLock { ($0.writes, $0.cooldowns.count, $0.notified) }
        #expect(writes == 3)
        #expect(stored == 1)
        #expect(notified.count == 1 && notified.first?.contains("cooldown_set") == true)
    }

    @Test func theGatewayServesOnlyOnceItListens() async throws {
        let run = Task { await sync.run() }
        defer { run.cancel() }
        let early = Task { await sync.ready.wait() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!sync.ready.isOpen, "not before the listener is in place")
        store.openListener()
        try await withTimeout(.seconds(5)) { await early.value }
        #expect(sync.ready.isOpen)
    }
}
