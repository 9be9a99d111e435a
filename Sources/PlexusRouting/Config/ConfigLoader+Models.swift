import Foundation
import PlexusCore
import Yams

extension ConfigLoader {
    static func decodeAliases(_ section: MappingReader) -> [AliasConfig] {
        section.entries.map { entry in
            var alias = AliasConfig(name: entry.key)
            guard var m = MappingReader(entry.value, at: section.childPath(entry.key), decoder: section.decoder) else {
                return alias
            }
            alias.additionalAliases = m.stringList("additional_aliases") ?? []
            alias.patterns = (m.stringList("patterns") ?? []).map(ModelPattern.init)
            alias.selector = decodeEnum(&m, "selector", what: "selector") ?? .random
            alias.priority = decodeEnum(&m, "priority", what: "priority") ?? .selector
            if let node = m.take("targets"), let items = m.decoder.list(node, at: m.childPath("targets")) {
                alias.targets = items.compactMap { decodeTarget($0.node, at: $0.path, m.decoder) }
            }
            alias.fallback = m.string("fallback")
            alias.contextLength = positiveInteger(&m, "context_length")
            alias.maxOutputTokens = positiveInteger(&m, "max_output_tokens")
            m.rejectUnknownKeys()
            return alias
        }
    }

    static func decodeTarget(_ node: Node, at path: String, _ decoder: ConfigDecoder) -> TargetConfig? {
        guard var m = MappingReader(node, at: path, decoder: decoder) else { return nil }
        let provider = m.requiredString("provider")
        let model = m.requiredString("model")
        let weight = m.number("weight")
        let enabled = m.bool("enabled")
        m.rejectUnknownKeys()
        guard let provider, let model else { return nil }
        return TargetConfig(provider: provider, model: model, weight: weight ?? 1, enabled: enabled ?? true)
    }

    static func decodeKeys(_ section: MappingReader) -> [KeyConfig] {
        section.entries.map { entry in
            var key = KeyConfig(name: entry.key, secret: "")
            guard var m = MappingReader(entry.value, at: section.childPath(entry.key), decoder: section.decoder) else {
                return key
            }
            decodeKeySecret(&key, &m)
            key.comment = m.string("comment")
            key.allowedModels = m.stringList("allowed_models")
            if let node = m.value("limits") { key.limits = decodeLimits(node, at: m.childPath("limits"), m.decoder) }
            if let text = m.string("expires_at") {
                key.expiresAt = parseTimestamp(text)
                if key.expiresAt == nil {
                    m.decoder.report(
                        "expected an ISO 8601 date-time such as 2027-01-01T00:00:00Z", at: m.childPath("expires_at"))
                }
            }
            m.rejectUnknownKeys()
            return key
        }
    }

    /// `limits: {requests_per_minute, tokens_per_minute, concurrent_requests, budget: {usd, period}}`.
    static func decodeLimits(_ node: Node, at path: String, _ decoder: ConfigDecoder) -> KeyLimits? {
        guard var m = MappingReader(node, at: path, decoder: decoder) else { return nil }
        var limits = KeyLimits()
        limits.requestsPerMinute = positiveInteger(&m, "requests_per_minute")
        limits.tokensPerMinute = positiveInteger(&m, "tokens_per_minute")
        limits.concurrentRequests = positiveInteger(&m, "concurrent_requests")
        if let node = m.value("budget"), var b = MappingReader(node, at: m.childPath("budget"), decoder: decoder) {
            let has = { (key: String) in b.entries.contains { $0.key == key } }
            if !has("usd") { b.reportMissing("usd") }
            if !has("period") { b.reportMissing("period") }
            let usd = b.number("usd")
            let period: BudgetPeriod? = decodeEnum(&b, "period", what: "budget period")
            if let usd, usd < 0 { decoder.report("must be 0 or more", at: b.childPath("usd")) }
            b.rejectUnknownKeys()
            if let usd, usd >= 0, let period { limits.budget = KeyLimits.Budget(usd: usd, period: period) }
        }
        m.rejectUnknownKeys()
        return limits.isEmpty ? nil : limits
    }

    /// `secret` or `secret_sha256`, exactly one of them.
    static func decodeKeySecret(_ key: inout KeyConfig, _ m: inout MappingReader) {
        let hasSecret = m.entries.contains { $0.key == "secret" }
        guard m.entries.contains(where: { $0.key == "secret_sha256" }) else {
            key.secret = m.requiredString("secret") ?? ""
            key.secretReference = m.decoder.references[m.childPath("secret")]
            return
        }
        let path = m.childPath("secret_sha256")
        if hasSecret {
            _ = m.take("secret")
            m.decoder.report(KeyConfig.bothSecretsMessage, at: path)
        }
        // An unusable digest is kept as `[]`: still a digest key, so the validator reports `secret_sha256`
        // (once: this path) rather than a missing `secret`.
        guard let hex = m.string("secret_sha256") else {
            key.secretDigest = []
            return
        }
        key.secretDigest = KeyConfig.digest(fromHex: hex) ?? []
        if key.secretDigest == [], !hasSecret { m.decoder.report(KeyConfig.badDigestMessage, at: path) }
    }

    /// ISO 8601 / YAML timestamps: `2027-01-01T00:00:00Z`, with fractions or offsets, or a bare date (UTC).
    public static func parseTimestamp(_ text: String) -> Date? {
        Date.construct(from: Node.Scalar(text.trimmingSpaces))
    }
}
