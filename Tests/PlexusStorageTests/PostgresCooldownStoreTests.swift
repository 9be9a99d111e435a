#if canImport(PlexusStoragePostgres)
import Foundation
import Testing
@testable import PlexusStorage
@testable import PlexusStoragePostgres

/// The shared cooldown table: a success deletes only an entry set before its answer; a clear by hand deletes any.
@Suite("PostgreSQL store: cooldowns", .timeLimit(.minutes(2)))
struct PostgresCooldownStoreTests {
    static func entry(_ provider: String, setAt: Double) -> String {
        #"{"provider":"\#(provider)","model":"m","reason":"server_error","failures":1,"until":\#(setAt + 60),"setAt":\#(setAt)}"#
    }

    @Test(arguments: [(99.5 as Double?, ["a", "b"]), (100.0, ["b"]), (100.25, ["b"]), (nil, ["b"])])
    func aSuccessDeletesOnlyAnOlderEntry(setBefore: Double?, left: [String]) async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            let store = try await PostgresUsageStore.open(url: url, schema: schema, logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.running(store) { store in
                try await store.saveCooldown(provider: "a", model: "m", entry: Self.entry("a", setAt: 100))
                try await store.saveCooldown(provider: "b", model: "m", entry: Self.entry("b", setAt: 100))
                try await store.deleteCooldown(provider: "a", model: "m", setBefore: setBefore)
                let providers = try await store.cooldownEntries().compactMap { text -> String? in
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    return object?["provider"] as? String
                }
                #expect(providers.sorted() == left)
                try await store.deleteCooldown(provider: nil, model: nil, setBefore: nil)
                #expect(try await store.cooldownEntries().isEmpty)
            }
        }
    }
}
#endif
