import Foundation
import Logging
import NIOPosix
import PlexusCore
import SQLiteNIO

/// The usage log in an SQLite file, in WAL mode: usage rows through `SQLiteRowInserter`, everything else through
/// one sqlite-nio connection.
public final class SQLiteUsageStore: UsageStore {
    let connection: SQLiteConnection
    /// Usage rows go through their own connection and prepared statement (see `SQLiteRowInserter`).
    private let inserter: SQLiteRowInserter
    private let logger: Logger

    static let columns = [
        "request_id", "started_at", "key_name", "alias", "provider", "upstream_model", "client_protocol",
        "target_protocol", "passthrough", "streamed", "status", "http_status", "input_tokens", "cache_read_tokens",
        "cache_write_tokens", "output_tokens", "reasoning_tokens", "ttft_ms", "duration_ms", "output_tokens_per_second",
        "stop_reason", "error_text", "attempts", "cost_input", "cost_cache_read", "cost_cache_write", "cost_output",
        "cost_reasoning", "cost_total", "kind", "tokens_estimated", "attribution",
    ]

    private init(connection: SQLiteConnection, inserter: SQLiteRowInserter, logger: Logger) {
        self.connection = connection
        self.inserter = inserter
        self.logger = logger
    }

    /// Opens (creating folders and the file as needed) and migrates the database at `path`.
    public static func open(path: String, logger: Logger) async throws -> SQLiteUsageStore {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            try await migrate(connection, logger: logger)
            let inserter = try await NIOThreadPool.singleton.runIfActive {
                try SQLiteRowInserter(path: path, table: "usage", columns: columns)
            }
            return SQLiteUsageStore(connection: connection, inserter: inserter, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func migrate(_ connection: SQLiteConnection, logger: Logger) async throws {
        _ = try await connection.query("PRAGMA journal_mode=WAL", [])
        _ = try await connection.query("PRAGMA synchronous=NORMAL", [])
        _ = try await connection.query("PRAGMA busy_timeout=5000", [])
        let version = try await connection.query("PRAGMA user_version", []).first?.column("user_version")?.integer ?? 0
        for (index, step) in SQLiteMigrations.steps.enumerated() where index >= version {
            // One transaction per step: a crash mid-step leaves the previous version, not half a schema.
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            do {
                for statement in step { _ = try await connection.query(statement, []) }
                _ = try await connection.query("PRAGMA user_version = \(index + 1)", [])
                _ = try await connection.query("COMMIT", [])
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
            logger.info("storage migrated", metadata: ["storage.version": "\(index + 1)"])
        }
    }

    public func insert(_ rows: [UsageRecord]) async throws {
        guard !rows.isEmpty else { return }
        let inserter = self.inserter
        try await NIOThreadPool.singleton.runIfActive {
            BackgroundPriority.lowerCurrentThread()
            try inserter.insert(rows) { record, row in record.bind(to: row) }
        }
    }

    public func recent(limit: Int) async throws -> [UsageRecord] {
        let rows = try await connection.query(
            "SELECT * FROM usage ORDER BY started_at DESC, rowid DESC LIMIT ?", [.integer(limit)])
        return rows.compactMap(UsageRecord.init(row:))
    }

    public func record(id: String) async throws -> UsageRecord? {
        let rows = try await connection.query("SELECT * FROM usage WHERE request_id = ?", [.text(id)])
        return rows.first.flatMap(UsageRecord.init(row:))
    }

    public func close() async throws {
        let inserter = self.inserter
        try await NIOThreadPool.singleton.runIfActive { inserter.close() }
        try await connection.close()
    }
}

/// Schema steps; index + 1 is the `user_version` after each.
enum SQLiteMigrations {
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE usage (
                request_id TEXT PRIMARY KEY, started_at REAL NOT NULL, key_name TEXT, alias TEXT, provider TEXT,
                upstream_model TEXT, client_protocol TEXT NOT NULL, target_protocol TEXT,
                passthrough INTEGER NOT NULL, streamed INTEGER NOT NULL, status TEXT NOT NULL,
                http_status INTEGER NOT NULL, input_tokens INTEGER, cache_read_tokens INTEGER,
                cache_write_tokens INTEGER, output_tokens INTEGER, reasoning_tokens INTEGER, ttft_ms REAL,
                duration_ms REAL NOT NULL, output_tokens_per_second REAL, stop_reason TEXT, error_text TEXT)
            """,
            "CREATE INDEX usage_started_at ON usage (started_at)",
        ],
        [
            "ALTER TABLE usage ADD COLUMN attempts TEXT",
            "ALTER TABLE usage ADD COLUMN cost_input REAL",
            "ALTER TABLE usage ADD COLUMN cost_cache_read REAL",
            "ALTER TABLE usage ADD COLUMN cost_cache_write REAL",
            "ALTER TABLE usage ADD COLUMN cost_output REAL",
            "ALTER TABLE usage ADD COLUMN cost_reasoning REAL",
            "ALTER TABLE usage ADD COLUMN cost_total REAL",
        ],
        [
            // Keyset pagination walks (started_at, request_id); the filter indexes end in started_at for the order.
            "DROP INDEX IF EXISTS usage_started_at",
            "CREATE INDEX usage_started_id ON usage (started_at, request_id)",
            "CREATE INDEX usage_key ON usage (key_name, started_at)",
            "CREATE INDEX usage_alias ON usage (alias, started_at)",
            "CREATE INDEX usage_provider ON usage (provider, started_at)",
            "CREATE INDEX usage_model ON usage (upstream_model, started_at)",
            """
            CREATE TABLE traces (
                request_id TEXT PRIMARY KEY, started_at REAL NOT NULL, key_name TEXT, alias TEXT, provider TEXT,
                status TEXT, body TEXT NOT NULL)
            """,
            "CREATE INDEX traces_started_id ON traces (started_at, request_id)",
            """
            CREATE TABLE errors (
                id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, at REAL NOT NULL, provider TEXT, model TEXT,
                status INTEGER, message TEXT NOT NULL, excerpt TEXT)
            """,
            "CREATE INDEX errors_at ON errors (at)",
            "CREATE INDEX errors_request ON errors (request_id)",
        ],
        [
            // Embeddings calls share the log; rows from before were all chat, with the upstream's own counts.
            "ALTER TABLE usage ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'",
            "ALTER TABLE usage ADD COLUMN tokens_estimated INTEGER NOT NULL DEFAULT 0",
        ],
        [
            // Stored OpenAI Responses; the JSON columns last, so the short ones stay on the row's first page.
            """
            CREATE TABLE responses (
                id TEXT PRIMARY KEY, key_name TEXT NOT NULL, created_at REAL NOT NULL, model TEXT NOT NULL,
                previous_response_id TEXT, conversation_id TEXT NOT NULL, request_id TEXT NOT NULL,
                input TEXT NOT NULL, response TEXT NOT NULL)
            """,
            "CREATE INDEX responses_created_at ON responses (created_at)",
            "CREATE INDEX responses_key ON responses (key_name, created_at)",
        ],
        [
            // The label of a `SECRET:label` token, for per-user reports; older rows have none.
            "ALTER TABLE usage ADD COLUMN attribution TEXT",
            "CREATE INDEX usage_attribution ON usage (attribution, started_at)",
        ],
        [
            // One B-tree less per usage row for most rows: those without an attribution stay out of its index.
            "DROP INDEX usage_attribution",
            "CREATE INDEX usage_attribution ON usage (attribution, started_at) WHERE attribution IS NOT NULL",
        ],
    ]
}
