import PlexusCore
import Yams

extension ConfigLoader {
    static func decodeServer(_ m: inout MappingReader) -> ServerConfig {
        var server = ServerConfig()
        server.host = m.string("host") ?? server.host
        server.port = m.integer("port") ?? server.port
        if let key = m.string("admin_key"), !key.isEmpty {
            server.adminKey = key
        }
        server.adminKeyReference = m.decoder.references[m.childPath("admin_key")]
        server.maxBodyBytes = m.integer("max_body_bytes") ?? server.maxBodyBytes
        server.corsOrigins = m.stringList("cors_origins") ?? server.corsOrigins
        server.allowAnonymous = m.bool("allow_anonymous") ?? server.allowAnonymous
        server.headerTimeoutSeconds = m.number("header_timeout_seconds") ?? server.headerTimeoutSeconds
        server.bodyTimeoutSeconds = m.number("body_timeout_seconds") ?? server.bodyTimeoutSeconds
        server.idleTimeoutSeconds = m.number("idle_timeout_seconds") ?? server.idleTimeoutSeconds
        server.maxConnections = m.integer("max_connections") ?? server.maxConnections
        m.rejectUnknownKeys()
        return server
    }

    static func decodeStorage(_ m: inout MappingReader) -> StorageConfig {
        var storage = StorageConfig()
        if let url = m.string("url") {
            storage.url = url
            switch StorageLocation.parse(url) {
            case .success(let location): storage.location = location
            case .failure(let error): m.decoder.report(error.message, at: m.childPath("url"))
            }
        }
        storage.retentionDays = m.integer("retention_days") ?? storage.retentionDays
        storage.debugRetentionDays = m.integer("debug_retention_days") ?? storage.debugRetentionDays
        m.rejectUnknownKeys()
        return storage
    }

    static func decodeFailover(_ m: inout MappingReader) -> FailoverConfig {
        var failover = FailoverConfig()
        failover.enabled = m.bool("enabled") ?? failover.enabled
        if let node = m.take("retryable_status_codes"),
            let items = m.decoder.list(node, at: m.childPath("retryable_status_codes"))
        {
            failover.retryableStatusCodes = items.compactMap { m.decoder.integer($0.node, at: $0.path) }
        }
        failover.maxAttempts = m.integer("max_attempts") ?? failover.maxAttempts
        failover.requestTimeoutSeconds = m.number("request_timeout_seconds") ?? failover.requestTimeoutSeconds
        failover.firstByteTimeoutSeconds = m.number("first_byte_timeout_seconds") ?? failover.firstByteTimeoutSeconds
        m.rejectUnknownKeys()
        return failover
    }

    static func decodeCooldown(_ m: inout MappingReader) -> CooldownConfig {
        var cooldown = CooldownConfig()
        cooldown.initialSeconds = m.number("initial_seconds") ?? cooldown.initialSeconds
        cooldown.maxSeconds = m.number("max_seconds") ?? cooldown.maxSeconds
        cooldown.retryAfterCapSeconds = m.number("retry_after_cap_seconds") ?? cooldown.retryAfterCapSeconds
        m.rejectUnknownKeys()
        return cooldown
    }

    static func decodeRouting(_ m: inout MappingReader) -> RoutingConfig {
        var routing = RoutingConfig()
        routing.explorationRate = m.number("exploration_rate") ?? routing.explorationRate
        routing.stickySessions = m.bool("sticky_sessions") ?? routing.stickySessions
        m.rejectUnknownKeys()
        return routing
    }

    static func decodeDebug(_ m: inout MappingReader) -> DebugConfig {
        var debug = DebugConfig()
        debug.capture = m.bool("capture") ?? debug.capture
        debug.captureOnError = m.bool("capture_on_error") ?? debug.captureOnError
        m.rejectUnknownKeys()
        return debug
    }

    static func decodeUpstream(_ m: inout MappingReader) -> UpstreamConfig {
        var upstream = UpstreamConfig()
        upstream.maxConnectionsPerHost = m.integer("max_connections_per_host") ?? upstream.maxConnectionsPerHost
        upstream.connectTimeoutSeconds = m.number("connect_timeout_seconds") ?? upstream.connectTimeoutSeconds
        upstream.idleConnectionSeconds = m.number("idle_connection_seconds") ?? upstream.idleConnectionSeconds
        m.rejectUnknownKeys()
        return upstream
    }

    static func decodePricingSettings(_ m: inout MappingReader) -> PricingConfig {
        var pricing = PricingConfig()
        pricing.openrouterURL = m.string("openrouter_url") ?? pricing.openrouterURL
        pricing.refreshHours = m.number("refresh_hours") ?? pricing.refreshHours
        m.rejectUnknownKeys()
        return pricing
    }

    /// A string naming one case of `E` (by raw value); unknown names are reported with the choices.
    static func decodeEnum<E: RawRepresentable & CaseIterable>(
        _ m: inout MappingReader, _ key: String, what: String
    ) -> E? where E.RawValue == String {
        guard let text = m.string(key) else { return nil }
        if let value = E(rawValue: text) { return value }
        let choices = E.allCases.map(\.rawValue).joined(separator: ", ")
        m.decoder.report("unknown \(what) '\(text)' (expected one of: \(choices))", at: m.childPath(key))
        return nil
    }
}
