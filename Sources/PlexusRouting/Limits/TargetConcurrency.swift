/// Requests in flight per provider and per target, for `max_concurrency` (CONFIG.md "Providers").
///
/// Only providers and models with a cap are counted. A slot is taken before an attempt and given back when the
/// request ends (a stream holds it to its last event); a full target is passed over like a cooling one, without a
/// cooldown.
public struct TargetConcurrency: Sendable {
    private var providers: [String: Int] = [:]
    private var targets: [TargetID: Int] = [:]

    public init() {}

    /// Whether `candidate` has a cap at all (if not, it needs no slot).
    public static func isCapped(_ candidate: Candidate) -> Bool {
        candidate.provider.maxConcurrency != nil || candidate.modelMaxConcurrency != nil
    }

    /// Takes a slot at `candidate`, or says it is full.
    public mutating func acquire(_ candidate: Candidate) -> Bool {
        let provider = candidate.provider.name
        if let cap = candidate.provider.maxConcurrency, providers[provider, default: 0] >= cap { return false }
        if let cap = candidate.modelMaxConcurrency, targets[candidate.target, default: 0] >= cap { return false }
        if candidate.provider.maxConcurrency != nil { providers[provider, default: 0] += 1 }
        if candidate.modelMaxConcurrency != nil { targets[candidate.target, default: 0] += 1 }
        return true
    }

    /// Gives back a slot taken by `acquire(candidate)`.
    public mutating func release(_ candidate: Candidate) {
        if candidate.provider.maxConcurrency != nil { Self.decrement(&providers, candidate.provider.name) }
        if candidate.modelMaxConcurrency != nil { Self.decrement(&targets, candidate.target) }
    }

    /// Requests in flight to `provider` (counted only while it has a cap).
    public func inFlight(provider: String) -> Int { providers[provider, default: 0] }

    /// Requests in flight to `target` (counted only while its model has a cap).
    public func inFlight(target: TargetID) -> Int { targets[target, default: 0] }

    private static func decrement<K: Hashable>(_ counts: inout [K: Int], _ key: K) {
        guard let n = counts[key] else { return }
        counts[key] = n > 1 ? n - 1 : nil
    }
}
