import Testing

/// The storage backends every store test runs against; PostgreSQL only where the target is built in.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    #if canImport(PlexusStoragePostgres)
    case postgres
    #endif

    var testDescription: String { rawValue }
}
