import Foundation
import PostgresNIO

/// Where and how to connect, read from `storage.url` (`postgres://user:pass@host:5432/db?sslmode=…`).
///
/// A host that decodes to an absolute path (`postgres://user@%2Fvar%2Frun%2Fpostgresql/db`) is a Unix socket
/// folder, as with libpq. `sslmode` follows libpq: `disable`, `prefer` (the default), `require` (encrypted, not
/// verified), `verify-ca`, `verify-full`.
public struct PostgresEndpoint: Sendable, Equatable {
    /// TLS policy, named as libpq's `sslmode`.
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: SSLMode

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(url: String) throws(PostgresStoreError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"),
            let parts = URLComponents(string: url)
        else { throw .invalidURL("not a postgres:// URL") }
        host = parts.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        port = parts.port ?? 5432
        username = parts.user ?? "postgres"
        password = parts.password
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = path.isEmpty ? nil : path
        let mode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: mode) else { throw .invalidURL("unknown sslmode \(mode)") }
        self.sslMode = sslMode
    }

    /// A Unix socket path when the host is a folder.
    var socketPath: String? {
        host.hasPrefix("/") ? (host as NSString).appendingPathComponent(".s.PGSQL.\(port)") : nil
    }

    /// The TLS settings `sslMode` asks for; nil for `disable`.
    var tlsConfiguration: TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        return tls
    }

    /// The pool's configuration; `startup` are extra server settings (e.g. `search_path`).
    func clientConfiguration(startup: [(String, String)]) -> PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        if let socketPath {
            config = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch (sslMode, tlsConfiguration) {
                case (_, nil): .disable
                case (.prefer, let tls?): .prefer(tls)
                case (_, let tls?): .require(tls)
                }
            config = .init(
                host: host, port: port, username: username, password: password, database: database,
                tls: tls)
        }
        config.options.additionalStartupParameters = startup
        return config
    }

    /// The configuration of one direct connection (used to migrate before the pool runs).
    func connectionConfiguration(startup: [(String, String)]) throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socketPath {
            config = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch (sslMode, tlsConfiguration) {
                case (_, nil): .disable
                case (.prefer, let tls?): .prefer(try NIOSSLContext(configuration: tls))
                case (_, let tls?): .require(try NIOSSLContext(configuration: tls))
                }
            config = .init(
                host: host, port: port, username: username, password: password, database: database,
                tls: tls)
        }
        config.options.additionalStartupParameters = startup
        return config
    }
}

/// Why the PostgreSQL store could not open.
public enum PostgresStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `storage.url` could not be read.
    case invalidURL(String)
    /// The schema name is not a plain identifier.
    case invalidSchema(String)
    /// The database has a newer schema than this Plexus knows.
    case schemaTooNew(found: Int, known: Int)

    public var description: String {
        switch self {
        case .invalidURL(let why): "storage.url: \(why)"
        case .invalidSchema(let name): "invalid PostgreSQL schema name \(name) (letters, digits and _ only)"
        case .schemaTooNew(let found, let known):
            "the database schema is version \(found), newer than this Plexus knows (\(known)); upgrade Plexus"
        }
    }
}
