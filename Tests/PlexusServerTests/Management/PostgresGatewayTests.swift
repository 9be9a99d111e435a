import Foundation
import PlexusCore
import Testing

@testable import PlexusServer

/// The gateway on `storage.url: postgres://…`: rows, traces and the management API's queries go to PostgreSQL.
/// Needs `PLEXUS_TEST_POSTGRES_URL` (scripts/test starts a throwaway server with scripts/postgres-test-server).
@Suite("Gateway on PostgreSQL", .serialized, .timeLimit(.minutes(2)))
struct PostgresGatewayTests {
    @Test func requestsAreLoggedInPostgresAndSurviveARestart() async throws {
        let base = try #require(
            ProcessInfo.processInfo.environment["PLEXUS_TEST_POSTGRES_URL"],
            "run scripts/postgres-test-server (scripts/test does) and export PLEXUS_TEST_POSTGRES_URL")
        let schema = "gw_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let yaml =
            managementYAML() + """

                storage: { url: "\(base)?schema=\(schema)" }
                debug: { capture: true }
                """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            #expect(try await gw.chat("demo").status == 200)
            #expect(try await gw.chat("via-messages", stream: true).status == 200)
            let rows = try await gw.rowsWhenWritten(2)
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0.outcome == .success && ($0.tokens.output ?? 0) > 0 })
            let listed = try await gw.admin(.GET, "/v0/management/usage").json["items"]?.arrayValue ?? []
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0["has_trace"]?.boolValue == true })
            let summary = try await gw.admin(.GET, "/v0/management/usage/summary?bucket=day").json
            #expect(summary["totals"]?["requests"]?.intValue == 2)
            // A `SECRET:label` token: the label is stored, filtered and grouped by in PostgreSQL too.
            let body = #"{"model":"demo","messages":[{"role":"user","content":"hi"}]}"#
            let labelled = try await gw.send("/v1/chat/completions", body: body, key: "\(TestGateway.key):alice")
            #expect(labelled.status == 200)
            #expect(try await gw.rowsWhenWritten(3).first?.attribution == "alice")
            let alice = try await gw.admin(.GET, "/v0/management/usage?attribution=alice").json["items"]?.arrayValue
            #expect(alice?.map { $0["attribution"]?.stringValue } == ["alice"])
            let byUser = try await gw.admin(.GET, "/v0/management/usage/summary?bucket=day&group_by=attribution").json
            #expect(byUser["buckets"]?.arrayValue?.map { $0["group"]?.stringValue } == [nil, "alice"])
            return try #require(rows.first?.requestID)
        }
        try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            let row = try await gw.admin(.GET, "/v0/management/usage/\(id)")
            #expect(row.status == 200, "the row is still there after a restart")
            let trace = try await gw.admin(.GET, "/v0/management/debug/traces/\(id)")
            #expect(trace.status == 200)
        }
    }
}
