import Foundation
import PlexusCore
import Testing

@testable import PlexusStorage

/// One filter of the usage list and the rows it must select.
struct UsageFilterCase: Sendable, CustomTestStringConvertible {
    var name: String
    var query: UsageQuery
    var matches: @Sendable (UsageRecord) -> Bool
    var testDescription: String { name }
}

@Suite("Usage list: filters and keyset pagination", .timeLimit(.minutes(2)))
struct UsageQueryTests {
    static let base = 1_700_000_000.123456789

    static let cases: [UsageFilterCase] = [
        .init(name: "all", query: UsageQuery(limit: 7)) { _ in true },
        .init(
            name: "from/to",
            query: UsageQuery(
                from: Date(timeIntervalSince1970: base + 3.7),
                to: Date(timeIntervalSince1970: base + 11.1), limit: 4)
        ) {
            $0.startedAt.timeIntervalSince1970 >= base + 3.7 && $0.startedAt.timeIntervalSince1970 < base + 11.1
        },
        .init(name: "key", query: UsageQuery(key: "k2", limit: 5)) { $0.keyName == "k2" },
        .init(name: "attribution", query: UsageQuery(limit: 6, attribution: "bob")) { $0.attribution == "bob" },
        .init(name: "alias", query: UsageQuery(alias: "b", limit: 9)) { $0.alias == "b" },
        .init(name: "provider", query: UsageQuery(provider: "p3", limit: 3)) { $0.provider == "p3" },
        .init(name: "model", query: UsageQuery(model: "m4", limit: 4)) { $0.upstreamModel == "m4" },
        .init(name: "outcome", query: UsageQuery(outcome: .error, limit: 6)) { $0.outcome == .error },
        .init(name: "streamed", query: UsageQuery(streamed: true, limit: 8)) { $0.streamed },
        .init(name: "passthrough false", query: UsageQuery(passthrough: false, limit: 10)) { !$0.passthrough },
        .init(name: "kind", query: UsageQuery(kind: .embeddings, limit: 6)) { $0.kind == .embeddings },
        .init(name: "client api", query: UsageQuery(clientProtocol: .responses, limit: 7)) {
            $0.clientProtocol == .responses
        },
        .init(name: "target api", query: UsageQuery(targetProtocol: .chat, limit: 7)) { $0.targetProtocol == .chat },
        .init(
            name: "combined",
            query: UsageQuery(
                from: Date(timeIntervalSince1970: base + 5), provider: "p1",
                streamed: true, limit: 2)
        ) {
            $0.startedAt.timeIntervalSince1970 >= base + 5 && $0.provider == "p1" && $0.streamed
        },
        .init(name: "nothing", query: UsageQuery(key: "nobody", limit: 5)) { _ in false },
    ]

    @Test(arguments: StoreBackend.allCases, cases)
    func pagesWalkEveryMatchingRowOnce(backend: StoreBackend, _ filter: UsageFilterCase) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert(StorageFixtures.varied)
            let expected = StorageFixtures.varied.filter(filter.matches).sorted {
                ($0.startedAt, $0.requestID) > ($1.startedAt, $1.requestID)
            }
            var seen: [UsageRecord] = []
            var query = filter.query
            for _ in 0..<200 {
                let page = try await store.usage(query: query)
                #expect(page.items.count <= query.limit)
                seen += page.items
                guard let next = page.nextCursor else { break }
                #expect(page.items.count == query.limit)
                query.cursor = next
            }
            #expect(seen.map(\.requestID) == expected.map(\.requestID))
            #expect(Set(seen.map(\.requestID)).count == seen.count)
            #expect(seen.allSatisfy(filter.matches))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func rowsComeBackWhole(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            var row = StorageFixtures.row(
                "whole", at: "2026-11-25T12:00:00.250Z", cost: 0.5, ttft: 12, tps: 40,
                attribution: "alice")
            row.attempts = [
                .init(
                    provider: "p", model: "m", api: "chat", status: 529, error: "overloaded",
                    durationMs: 5, passthrough: true)
            ]
            try await store.insert([row])
            let page = try await store.usage(query: UsageQuery())
            #expect(page.items == [row])
            #expect(page.nextCursor == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases, [(0, 1), (1, 1), (500, 137), (10_000, 137), (-3, 1)])
    func limitIsClampedTo500(backend: StoreBackend, limitAndCount: (Int, Int)) async throws {
        let (limit, count) = limitAndCount
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert(StorageFixtures.varied)
            let page = try await store.usage(query: UsageQuery(limit: limit))
            #expect(page.items.count == count)
            #expect((page.nextCursor == nil) == (count == 137))
        }
    }

    @Test(arguments: StoreBackend.allCases, ["", "garbage!", "bm90LWEtY3Vyc29y", "eHg6cmVxLTE"])
    func badCursorsAreRejected(backend: StoreBackend, cursor: String) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            await #expect(throws: StorageQueryError.invalidCursor) {
                try await store.usage(query: UsageQuery(cursor: cursor))
            }
        }
    }

    @Test func cursorRoundTripsExactly() throws {
        let cursor = PageCursor(time: 1_700_000_000.123456789, tie: "req:with:colons/é")
        #expect(try PageCursor(encoded: cursor.encoded) == cursor)
        #expect(!cursor.encoded.contains("="))
    }
}
