import Logging
import PostgresNIO

/// Schema steps; index + 1 is the `plexus_schema_version` after each.
///
/// Times are double precision epoch seconds, as in SQLite, so cursors and bucket arithmetic agree bit for bit.
/// Text that lists sort or page by is `COLLATE "C"` (byte order, like SQLite's BINARY) so both backends order
/// ties and groups the same way.
enum PostgresMigrations {
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE usage (
                request_id TEXT COLLATE "C" PRIMARY KEY, started_at DOUBLE PRECISION NOT NULL,
                key_name TEXT COLLATE "C", alias TEXT COLLATE "C", provider TEXT COLLATE "C",
                upstream_model TEXT COLLATE "C", client_protocol TEXT NOT NULL, target_protocol TEXT,
                passthrough BOOLEAN NOT NULL, streamed BOOLEAN NOT NULL, status TEXT NOT NULL,
                http_status BIGINT NOT NULL, input_tokens BIGINT, cache_read_tokens BIGINT, cache_write_tokens BIGINT,
                output_tokens BIGINT, reasoning_tokens BIGINT, ttft_ms DOUBLE PRECISION,
                duration_ms DOUBLE PRECISION NOT NULL, output_tokens_per_second DOUBLE PRECISION, stop_reason TEXT,
                error_text TEXT, attempts TEXT, cost_input DOUBLE PRECISION, cost_cache_read DOUBLE PRECISION,
                cost_cache_write DOUBLE PRECISION, cost_output DOUBLE PRECISION, cost_reasoning DOUBLE PRECISION,
                cost_total DOUBLE PRECISION)
            """,
            // Keyset pagination walks (started_at, request_id); the filter indexes end in started_at for the order.
            "CREATE INDEX usage_started_id ON usage (started_at, request_id)",
            "CREATE INDEX usage_key ON usage (key_name, started_at)",
            "CREATE INDEX usage_alias ON usage (alias, started_at)",
            "CREATE INDEX usage_provider ON usage (provider, started_at)",
            "CREATE INDEX usage_model ON usage (upstream_model, started_at)",
            """
            CREATE TABLE traces (
                request_id TEXT COLLATE "C" PRIMARY KEY, started_at DOUBLE PRECISION NOT NULL,
                key_name TEXT, alias TEXT, provider TEXT, status TEXT, body TEXT NOT NULL)
            """,
            "CREATE INDEX traces_started_id ON traces (started_at, request_id)",
            """
            CREATE TABLE errors (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, request_id TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL, provider TEXT, model TEXT, status BIGINT, message TEXT NOT NULL,
                excerpt TEXT)
            """,
            "CREATE INDEX errors_at ON errors (at, id)",
            "CREATE INDEX errors_request ON errors (request_id)",
        ],
        [
            // Embeddings calls share the log; rows from before were all chat, with the upstream's own counts.
            "ALTER TABLE usage ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'",
            "ALTER TABLE usage ADD COLUMN tokens_estimated BOOLEAN NOT NULL DEFAULT FALSE",
        ],
        [
            // Stored OpenAI Responses; the JSON columns are TOASTed (compressed, out of line) when large.
            """
            CREATE TABLE responses (
                id TEXT COLLATE "C" PRIMARY KEY, key_name TEXT COLLATE "C" NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, model TEXT NOT NULL, previous_response_id TEXT,
                conversation_id TEXT NOT NULL, request_id TEXT NOT NULL, input TEXT NOT NULL, response TEXT NOT NULL)
            """,
            "CREATE INDEX responses_created_at ON responses (created_at)",
            "CREATE INDEX responses_key ON responses (key_name, created_at)",
        ],
        [
            // Key limits shared by every instance: one row per recent or unfinished request of a limited key, and
            // each key's spend per budget period.
            """
            CREATE TABLE limit_requests (
                request_id TEXT COLLATE "C" PRIMARY KEY, key_name TEXT COLLATE "C" NOT NULL,
                admitted_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION, tokens BIGINT NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX limit_requests_key ON limit_requests (key_name, admitted_at)",
            """
            CREATE TABLE limit_spend (
                key_name TEXT COLLATE "C" NOT NULL, period TEXT NOT NULL, period_start DOUBLE PRECISION NOT NULL,
                usd DOUBLE PRECISION NOT NULL DEFAULT 0, unpriced BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (key_name, period, period_start))
            """,
        ],
        [
            // The label of a `SECRET:label` token, for per-user reports; groups sort in byte order as in SQLite.
            "ALTER TABLE usage ADD COLUMN attribution TEXT COLLATE \"C\"",
            "CREATE INDEX usage_attribution ON usage (attribution, started_at)",
        ],
        [
            // Several instances: the config as versioned YAML, and the cooldowns every instance applies.
            """
            CREATE TABLE config_versions (
                version BIGINT PRIMARY KEY, text TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                source TEXT NOT NULL, instance TEXT NOT NULL)
            """,
            """
            CREATE TABLE cooldowns (
                provider TEXT COLLATE "C" NOT NULL, model TEXT COLLATE "C" NOT NULL, entry TEXT NOT NULL,
                PRIMARY KEY (provider, model))
            """,
        ],
        [
            // One B-tree less per usage row for most rows: those without an attribution stay out of its index.
            "DROP INDEX usage_attribution",
            "CREATE INDEX usage_attribution ON usage (attribution, started_at) WHERE attribution IS NOT NULL",
        ],
    ]

    /// Brings the schema `search_path` names (`schema`, created if missing) up to date in one transaction.
    ///
    /// Several gateways may share the database and start together: an advisory lock (per schema) makes the
    /// others wait, then find nothing left to do.
    static func run(on connection: PostgresConnection, schema: String?, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(coalesce(\(schema), current_schema()) || '.plexus'))",
                logger: logger)
            if let schema {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""),
                    logger: logger)
            }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS plexus_schema_version (version INTEGER NOT NULL)",
                logger: logger)
            var version = 0
            for try await (v) in try await connection.query(
                "SELECT version FROM plexus_schema_version",
                logger: logger
            ).decode(Int.self) {
                version = max(version, v)
            }
            guard version <= steps.count else {
                throw PostgresStoreError.schemaTooNew(found: version, known: steps.count)
            }
            guard version < steps.count else { return }
            for step in steps[version...] {
                for statement in step {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
            try await connection.query("DELETE FROM plexus_schema_version", logger: logger)
            try await connection.query(
                "INSERT INTO plexus_schema_version (version) VALUES (\(steps.count))",
                logger: logger)
            logger.info("storage migrated", metadata: ["storage.version": "\(steps.count)"])
        }
    }
}
