import Foundation
import Logging
import Testing

@testable import PlexusStorage

#if canImport(PlexusStoragePostgres)
@testable import PlexusStoragePostgres
#endif

/// A stored response is on disk when `insertResponse` returns: the server gives the client its id right after.
@Suite("Stored responses survive a restart", .timeLimit(.minutes(2)))
struct ResponseDurabilityTests {
    static let logger = Logger(label: "test")

    static func freshFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Opens a new store on `path`, checks that it reads `expected` back, and closes it.
    static func expectStored(_ expected: StoredResponse, at path: String) async throws {
        let store = try await SQLiteUsageStore.open(path: path, logger: logger)
        try await StorageFixtures.closing(store) { store async throws in
            #expect(try await store.storedResponse(id: expected.id) == expected)
        }
    }

    @Test func sqliteRowIsThereForANewStoreOnTheSameFile() async throws {
        let path = try Self.freshFolder().appendingPathComponent("usage.sqlite").path
        let written = ResponseStoreTests.response("resp_kept", previous: "resp_0", conversation: "resp_0")
        try await StorageFixtures.closing(try await SQLiteUsageStore.open(path: path, logger: Self.logger)) { first in
            try await first.insertResponse(written)
            // A second store while the first is still open: the row is in the file, not in the first's memory.
            try await Self.expectStored(written, at: path)
        }
        try await Self.expectStored(written, at: path)
    }

    /// What `kill -9` leaves: the database and WAL files as they are on disk, with no close or checkpoint.
    @Test func sqliteRowSurvivesACrashImageOfTheFiles() async throws {
        let folder = try Self.freshFolder()
        let path = folder.appendingPathComponent("usage.sqlite").path
        let crashed = try Self.freshFolder().appendingPathComponent("usage.sqlite").path
        let written = ResponseStoreTests.response("resp_crash")
        try await StorageFixtures.closing(try await SQLiteUsageStore.open(path: path, logger: Self.logger)) { store in
            try await store.insertResponse(written)
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
            }
        }
        try await Self.expectStored(written, at: crashed)
    }

    #if canImport(PlexusStoragePostgres)
    @Test func postgresRowIsThereForANewStoreOnTheSameSchema() async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            let written = ResponseStoreTests.response("resp_pg", previous: "resp_0", conversation: "resp_0")
            let first = try await PostgresUsageStore.open(url: url, schema: schema, logger: Self.logger)
            try await PostgresTestDatabase.running(first) { store async throws in
                try await store.insertResponse(written)
            }
            let second = try await PostgresUsageStore.open(url: url, schema: schema, logger: Self.logger)
            try await PostgresTestDatabase.running(second) { store async throws in
                #expect(try await store.storedResponse(id: "resp_pg") == written)
                #expect(try await store.deleteResponse(id: "resp_pg"))
            }
        }
    }
    #endif
}
