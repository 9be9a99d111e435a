import Foundation
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 21, point 2: a provider or model at its `max_concurrency` is passed over without a cooldown; with no
/// candidate left the client gets 429 in its protocol.
@Suite("max_concurrency", .serialized, .timeLimit(.minutes(2)))
struct MaxConcurrencyTests {
    static let yaml = """
        providers:
          a: { api_base_url: "mock://", max_concurrency: 1 }
          b: { api_base_url: "mock://", models: { "mock:tokens=30,tps=20": { max_concurrency: 1 } } }
        models:
          spill:
            selector: in_order
            targets:
              - { provider: a, model: "mock:tokens=30,tps=20" }
              - { provider: b, model: "mock:tokens=30,tps=20" }
        keys:
          tester: { secret: "${TEST_KEY}" }
        routing: { sticky_sessions: false }
        """

    func waitForInFlight(_ gw: TestGateway, _ n: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while gw.gateway.inFlight.count < n, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(gw.gateway.inFlight.count == n)
    }

    @Test func aFullTargetSpillsToTheNextAndNoneLeftIs429() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let first = Task { try await gw.chat("spill", stream: true) }
            try await waitForInFlight(gw, 1)
            let second = Task { try await gw.chat("spill", stream: true) }
            try await waitForInFlight(gw, 2)
            let third = try await gw.chat("spill")
            #expect(third.status == 429)
            #expect(third.body.contains("max_concurrency"))
            #expect(try await first.value.provider == "a")
            #expect(try await second.value.provider == "b", "a was full: the request spilled to b")
            #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "a full target does not cool")
            let rows = try await gw.rows()
            #expect(rows.filter { $0.outcome == .limited }.count == 1)
            #expect(rows.first { $0.outcome == .limited }?.attempts.isEmpty == true, "no attempt was made")
            // Both slots were given back when the streams ended (`rows` waits for their bookkeeping).
            #expect(gw.gateway.routing.slots.withLock { $0.inFlight(provider: "a") } == 0)
            let after = try await gw.chat("spill")
            #expect(after.provider == "a", "\(after.status) \(after.body)")
        }
    }
}
