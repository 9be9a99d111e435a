import Foundation
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 21, point 4: with PostgreSQL storage, two instances count one key's limits together.
/// Needs `PLEXUS_TEST_POSTGRES_URL` (scripts/test starts a throwaway server with scripts/postgres-test-server).
@Suite("Key limits across instances", .serialized, .timeLimit(.minutes(2)))
struct SharedLimitsTests {
    static func yaml(_ limits: String, schema: String) throws -> String {
        let base = try #require(
            ProcessInfo.processInfo.environment["PLEXUS_TEST_POSTGRES_URL"],
            "run scripts/postgres-test-server (scripts/test does) and export PLEXUS_TEST_POSTGRES_URL")
        return KeyLimitsTests.yaml(
            limits, model: "mock:tokens=30,tps=30",
            extra: """
                storage: { url: "\(base)?schema=\(schema)" }
                """)
    }

    static func schema() -> String {
        "lim_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    /// Runs `body` with two gateways on one database.
    static func twoInstances(
        _ yaml: String, _ body: @Sendable @escaping (TestGateway, TestGateway) async throws -> Void
    ) async throws {
        try await TestGateway.with(yaml: yaml) { one in
            try await TestGateway.with(yaml: yaml) { two in try await body(one, two) }
        }
    }

    @Test func sixRequestsPerMinuteAcrossTwoInstancesIsSix() async throws {
        try await Self.twoInstances(try Self.yaml("{ requests_per_minute: 6 }", schema: Self.schema())) { one, two in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<12 { group.addTask { try await (i % 2 == 0 ? one : two).chat("demo").status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 6, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 6)
        }
    }

    @Test func aStreamOnOneInstanceHoldsTheKeysConcurrencyOnTheOther() async throws {
        try await Self.twoInstances(try Self.yaml("{ concurrent_requests: 1 }", schema: Self.schema())) { one, two in
            let stream = Task { try await one.chat("demo", stream: true).status }
            let deadline = ContinuousClock.now + .seconds(5)
            while one.gateway.inFlight.count < 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let refused = try await two.chat("demo")
            #expect(refused.status == 429)
            #expect(refused.body.contains("1 concurrent requests"))
            #expect(try await stream.value == 200)
            // The finish is counted off the request path: wait until the other instance sees the slot free.
            var status = 0
            for _ in 0..<50 {
                status = try await two.chat("demo").status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == 200)
        }
    }

    @Test func aBudgetSpentOnOneInstanceRefusesOnTheOther() async throws {
        try await Self.twoInstances(try Self.yaml("{ budget: { usd: 0.0001, period: month } }", schema: Self.schema()))
        {
            one, two in
            #expect(try await one.chat("demo").status == 200)
            var status = 0
            for _ in 0..<50 {
                status = try await two.chat("demo").status
                if status == 429 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == 429)
            let use = try await two.admin(.GET, "/v0/management/limits?key=tester").json["keys"]?[0]
            #expect((use?["budget"]?["spent_usd"]?.doubleValue ?? 0) > 0.0001)
        }
    }
}
