import PlexusCore

/// Semantic checks over a typed config: ranges, cross references, uniqueness, cycles.
///
/// Works on any `PlexusConfig` (loaded or built in code); `ConfigLoader` adds line numbers.
public enum ConfigValidator {
    /// One semantic problem, located by key path.
    public struct Issue: Sendable, Hashable {
        public var path: String
        public var message: String

        public init(_ path: String, _ message: String) {
            self.path = path
            self.message = message
        }
    }

    /// Every semantic problem in `config`, in section order.
    public static func issues(in config: PlexusConfig) -> [Issue] {
        var issues: [Issue] = []
        checkSettings(config, into: &issues)
        // Loaded files cannot repeat a name (YAML refuses duplicate keys); configs built in code can.
        checkUnique(config.providers.map(\.name), section: "providers", into: &issues)
        checkUnique(config.keys.map(\.name), section: "keys", into: &issues)
        for provider in config.providers { checkProvider(provider, into: &issues) }
        checkAliases(config, into: &issues)
        checkKeys(config, into: &issues)
        return issues
    }

    static func checkSettings(_ config: PlexusConfig, into issues: inout [Issue]) {
        func require(_ ok: Bool, _ path: String, _ message: String) {
            if !ok { issues.append(Issue(path, message)) }
        }
        let s = config.server
        let f = config.failover
        let c = config.cooldown
        require(!s.host.isEmpty, "server.host", "must not be empty")
        require((0...65535).contains(s.port), "server.port", "must be between 0 and 65535")
        require(s.maxBodyBytes > 0, "server.max_body_bytes", "must be greater than 0")
        require(s.headerTimeoutSeconds > 0, "server.header_timeout_seconds", "must be greater than 0")
        require(s.bodyTimeoutSeconds > 0, "server.body_timeout_seconds", "must be greater than 0")
        require(s.idleTimeoutSeconds > 0, "server.idle_timeout_seconds", "must be greater than 0")
        require(s.maxConnections >= 1, "server.max_connections", "must be at least 1")
        let u = config.upstream
        require(u.maxConnectionsPerHost >= 1, "upstream.max_connections_per_host", "must be at least 1")
        require(u.connectTimeoutSeconds > 0, "upstream.connect_timeout_seconds", "must be greater than 0")
        require(u.idleConnectionSeconds > 0, "upstream.idle_connection_seconds", "must be greater than 0")
        require(config.storage.retentionDays >= 1, "storage.retention_days", "must be at least 1")
        require(config.storage.debugRetentionDays >= 1, "storage.debug_retention_days", "must be at least 1")
        for (i, code) in f.retryableStatusCodes.enumerated() where !(100...599).contains(code) {
            issues.append(Issue("failover.retryable_status_codes[\(i)]", "\(code) is not an HTTP status code"))
        }
        require(f.maxAttempts >= 1, "failover.max_attempts", "must be at least 1")
        require(f.requestTimeoutSeconds > 0, "failover.request_timeout_seconds", "must be greater than 0")
        require(f.firstByteTimeoutSeconds > 0, "failover.first_byte_timeout_seconds", "must be greater than 0")
        require(c.initialSeconds > 0, "cooldown.initial_seconds", "must be greater than 0")
        require(c.maxSeconds >= c.initialSeconds, "cooldown.max_seconds", "must be at least initial_seconds")
        require(c.retryAfterCapSeconds >= 0, "cooldown.retry_after_cap_seconds", "must not be negative")
        require((0...1).contains(config.routing.explorationRate), "routing.exploration_rate", "must be between 0 and 1")
        require(config.pricing.refreshHours > 0, "pricing.refresh_hours", "must be greater than 0")
        let url = config.pricing.openrouterURL.lowercased()
        require(
            url.hasPrefix("http://") || url.hasPrefix("https://"), "pricing.openrouter_url",
            "expected an http(s):// URL")
    }

    static func checkUnique(_ names: [String], section: String, into issues: inout [Issue]) {
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            issues.append(Issue("\(section).\(name)", "duplicate name '\(name)'"))
        }
    }

    static func checkKeys(_ config: PlexusConfig, into issues: inout [Issue]) {
        let names = Set(config.models.flatMap(\.allNames))
        var secrets: [String: String] = [:]
        var digests: [[UInt8]: String] = [:]
        for key in config.keys {
            let path = "keys.\(key.name)"
            if key.name.trimmingSpaces.isEmpty { issues.append(Issue(path, "key name must not be empty")) }
            if let digest = key.secretDigest {
                checkDigest(digest, of: key, at: path, seen: &digests, into: &issues)
            } else if key.secret.isEmpty {
                issues.append(Issue("\(path).secret", "must not be empty"))
            } else if let other = secrets[key.secret] {
                issues.append(Issue("\(path).secret", "same secret as key '\(other)'; secrets must be unique"))
            } else {
                secrets[key.secret] = key.name
            }
            for (i, entry) in (key.allowedModels ?? []).enumerated() where !isKnownModelName(entry, names, config) {
                issues.append(
                    Issue(
                        "\(path).allowed_models[\(i)]",
                        "unknown model '\(entry)' (not an alias, "
                            + "additional alias, direct/PROVIDER/MODEL or direct/PROVIDER/* of this config)"))
            }
        }
    }

    /// A `secret_sha256` key: no `secret` beside it, a SHA-256-sized digest, unique among digest keys.
    static func checkDigest(
        _ digest: [UInt8], of key: KeyConfig, at path: String, seen: inout [[UInt8]: String], into issues: inout [Issue]
    ) {
        let path = "\(path).secret_sha256"
        if !key.secret.isEmpty {
            issues.append(Issue(path, KeyConfig.bothSecretsMessage))
        } else if digest.count != 32 {
            issues.append(Issue(path, KeyConfig.badDigestMessage))
        } else if let other = seen[digest] {
            issues.append(Issue(path, "same secret as key '\(other)'; secrets must be unique"))
        } else {
            seen[digest] = key.name
        }
    }

    /// Whether an `allowed_models` entry names something that exists.
    static func isKnownModelName(_ entry: String, _ aliasNames: Set<String>, _ config: PlexusConfig) -> Bool {
        if aliasNames.contains(entry) { return true }
        if entry == "direct/*" { return true }
        guard let direct = DirectModelName(entry) else { return false }
        guard let provider = config.provider(named: direct.provider) else { return false }
        return direct.model == "*" || provider.offers(model: direct.model)
    }
}
