extension CooldownTable: Codable {
    /// A failure count kept without an entry (its cooldown expired or was pruned).
    private struct CountRecord: Codable {
        var provider: String
        var model: String
        var failures: Int
    }

    private enum CodingKeys: String, CodingKey {
        case entries, failureCounts
    }

    /// Decodes `{"entries": [...], "failureCounts": [{provider, model, failures}]}`; `failureCounts` is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(entries: try c.decode([CooldownEntry].self, forKey: .entries))
        for record in try c.decodeIfPresent([CountRecord].self, forKey: .failureCounts) ?? [] {
            let target = TargetID(provider: record.provider, model: record.model)
            setFailureCount(max(failureCounts[target] ?? 0, record.failures), for: target)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entries, forKey: .entries)
        let counts =
            failureCounts
            .map { CountRecord(provider: $0.key.provider, model: $0.key.model, failures: $0.value) }
            .sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }
        try c.encode(counts, forKey: .failureCounts)
    }
}
