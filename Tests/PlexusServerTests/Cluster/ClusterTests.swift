import AsyncHTTPClient
import Foundation
import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusServer

/// Issue 22, points 1, 2 and 4: two instances on one PostgreSQL database share config versions, cooldowns and
/// live events. Needs `PLEXUS_TEST_POSTGRES_URL` (scripts/test starts a throwaway server).
@Suite("Several instances on PostgreSQL", .serialized, .timeLimit(.minutes(3)))
struct ClusterTests {
    static func yaml(schema: String) throws -> String {
        let base = try #require(
            ProcessInfo.processInfo.environment["PLEXUS_TEST_POSTGRES_URL"],
            "run scripts/postgres-test-server (scripts/test does) and export PLEXUS_TEST_POSTGRES_URL")
        return managementYAML(
            """
            storage: { url: "\(base)?schema=\(schema)" }
            cooldown: { initial_seconds: 60, max_seconds: 120 }
            """
        ).replacingOccurrences(
            of: "models:\n",
            with: """
                models:
                  flaky:
                    targets: [ { provider: demo, model: "mock:fail=500" } ]

                """)
    }

    static func twoInstances(
        _ body: @Sendable @escaping (TestGateway, TestGateway, _ schema: String) async throws -> Void
    ) async throws {
        let schema = "cl_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let yaml = try yaml(schema: schema)
        try await TestGateway.with(yaml: yaml) { one in
            try await TestGateway.with(yaml: yaml) { two in try await body(one, two, schema) }
        }
    }

    /// Polls `check` every 20 ms for at most `limit`; returns how long it took to hold, or nil.
    static func within(_ limit: Duration, _ check: @Sendable () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try await check() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func aConfigChangeOnOneInstanceReachesTheOtherAndVersionsRestore() async throws {
        try await Self.twoInstances { one, two, _ in
            #expect(try await two.chat("added").status == 404)
            let put = try await one.admin(
                .PUT, "/v0/management/models/added",
                body: #"{"targets": [{"provider": "demo", "model": "demo-fast"}]}"#)
            #expect(put.status == 200, "\(put.body)")
            let took = try await Self.within(.seconds(1)) { try await two.chat("added").status == 200 }
            #expect(took != nil, "the other instance serves the new alias within a second")
            print("config change reached the other instance in \(took.map { "\($0)" } ?? "never")")
            #expect(two.configText.contains("added:"), "its file is kept in step")
            let versions = try await two.admin(.GET, "/v0/management/config/versions").json
            let listed = versions["versions"]?.arrayValue ?? []
            #expect(listed.count == 2)
            #expect(listed.first?["source"]?.stringValue == "api" && listed.last?["source"]?.stringValue == "seed")
            #expect(versions["installed"]?.intValue == 2)
            let seed = try await two.admin(.GET, "/v0/management/config/versions/1")
            #expect(!seed.body.contains("added:"))
            let restored = try await two.admin(.POST, "/v0/management/config/versions/1/restore")
            #expect(restored.status == 200 && restored.json["shared_version"]?.intValue == 3)
            let gone = try await Self.within(.seconds(1)) { try await one.chat("added").status == 404 }
            #expect(gone != nil, "the restore reached the first instance")
        }
    }

    @Test func anEditOnAStaleBaseIsRefusedNotLost() async throws {
        try await Self.twoInstances { one, two, _ in
            // Both instances start from version 1; `two` has not heard of `one`'s change when it writes.
            let shared = try #require(one.gateway.cluster)
            let text = try await shared.latest()?.text ?? ""
            #expect(try await shared.append(text + "\n# one\n", source: "api", after: 1) == 2)
            #expect(try await shared.append(text + "\n# two\n", source: "api", after: 1) == nil)
            _ = two
        }
    }

    @Test func aCooldownSetOnOneInstanceIsSeenByTheOtherAndClearedEverywhere() async throws {
        try await Self.twoInstances { one, two, _ in
            _ = try await one.chat("flaky")
            #expect(!one.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "the failure cooled the target")
            let took = try await Self.within(.seconds(1)) {
                !two.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty
            }
            #expect(took != nil, "seen by the other instance within a second")
            print("cooldown reached the other instance in \(took.map { "\($0)" } ?? "never")")
            let listed = try await two.admin(.GET, "/v0/management/cooldowns").json["cooldowns"]?.arrayValue ?? []
            #expect(listed.first?["model"]?.stringValue == "mock:fail=500")
            #expect(try await two.admin(.DELETE, "/v0/management/cooldowns").status == 200)
            let cleared = try await Self.within(.seconds(1)) {
                one.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty
            }
            #expect(cleared != nil, "a clear on either instance clears both")
        }
    }

    @Test func aClearMadeWhileAnInstanceIsNotListeningReachesItWhenItReturns() async throws {
        try await Self.twoInstances { one, two, schema in
            _ = try await one.chat("flaky")
            let seen = try await Self.within(.seconds(3)) {
                !two.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty
            }
            #expect(seen != nil)
            // Both lose their connections; `two` clears at once and stores the clear as soon as its pool can, while
            // `one` waits a second before it listens again.
            #expect(try Self.terminatePlexusConnections(schema: schema) > 0)
            #expect(try await two.admin(.DELETE, "/v0/management/cooldowns").status == 200)
            // Up to 3 s for a write stuck on a connection that was ended, then its retry and the catch-up.
            let cleared = try await Self.within(.seconds(15)) {
                one.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty
            }
            #expect(cleared != nil, "the clear reached the instance that was not listening")
        }
    }

    @Test func oneInstancesDashboardSeesTheOthersTraffic() async throws {
        try await Self.twoInstances { one, two, _ in
            var request = HTTPClientRequest(url: two.base + "/v0/management/events")
            request.headers.add(name: "x-admin-key", value: TestGateway.adminKey)
            let events = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            var iterator = events.body.makeAsyncIterator()
            _ = try await iterator.next()  // ": connected"
            // `two` says it watches every 5 s; `one` forwards once it has heard that.
            // Generous: on a machine busy with the rest of the suite, the first watch can come late.
            let forwarding = try await Self.within(.seconds(15)) { one.gateway.events.hasSubscribers }
            #expect(forwarding != nil)
            #expect(try await one.chat("demo").status == 200)
            var seen = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while !seen.contains("event: request_finished"), ContinuousClock.now < deadline,
                let chunk = try await iterator.next()
            {
                seen += String(buffer: chunk)
            }
            #expect(seen.contains("event: request_finished"))
            #expect(seen.contains(one.gateway.cluster?.instance ?? "?"), "tagged with the instance that served it")
        }
    }

    @Test func anInstanceThatLosesTheDatabaseCatchesUpWhenItReturns() async throws {
        try await Self.twoInstances { one, two, schema in
            // Every Plexus connection dropped at once, the listeners' too; the pools and listeners reconnect.
            _ = try await one.admin(.GET, "/v0/management/usage")
            #expect(try Self.terminatePlexusConnections(schema: schema) > 0)
            #expect(try await two.chat("demo").status == 200, "still serving")
            let put = try await Self.within(.seconds(5)) {
                try await one.admin(
                    .PUT, "/v0/management/models/later",
                    body: #"{"targets": [{"provider": "demo", "model": "demo-fast"}]}"#
                ).status == 200
            }
            #expect(put != nil)
            let took = try await Self.within(.seconds(8)) { try await two.chat("later").status == 200 }
            #expect(took != nil, "the other instance caught up")
        }
    }

    /// Ends every connection the test's gateways hold (they name themselves `plexus/` and their schema), as a
    /// database restart would; other suites' gateways on the same server keep theirs.
    static func terminatePlexusConnections(schema: String) throws -> Int {
        let url = try #require(ProcessInfo.processInfo.environment["PLEXUS_TEST_POSTGRES_URL"])
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [
            url, "-qAtc",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'plexus/\(schema)'",
        ]
        let output = Pipe()
        psql.standardOutput = output
        try psql.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
