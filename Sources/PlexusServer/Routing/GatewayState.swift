import Crypto
import Foundation
import PlexusCore
import PlexusRouting
import Synchronization

/// Everything a request needs from the configuration, built once per (re)load and never mutated. A class: a
/// request takes the snapshot and hands it on to each step, and copying the struct's fields cost about 6k.
final class GatewayState: Sendable {
    let config: PlexusConfig
    let keys: KeyTable
    let resolver: AliasResolver
    /// `candidateGroups(for:)` of every alias by name (the first alias of a name, as the resolver picks), built
    /// here because they depend on the config alone and building them cost about 9k instructions per request.
    private let groups: [String: [CandidateGroup]]
    /// `failover`'s request and first-byte timeouts as durations (made from seconds once, not per request).
    let requestTimeout: Duration
    /// When this configuration was applied: `/v1/models`' `created`, stable until the next reload (so is its ETag).
    let appliedAt = Date()
    let firstByteTimeout: Duration
    /// What attempts work out once per candidate of this snapshot.
    let memo = AttemptMemo()

    init(config: PlexusConfig) {
        self.config = config
        requestTimeout = .seconds(config.failover.requestTimeoutSeconds)
        firstByteTimeout = .seconds(config.failover.firstByteTimeoutSeconds)
        // The digest's bytes copied at once: `Array(digest)` walks it as a Sequence (about 2k instructions a request).
        keys = KeyTable(keys: config.keys) { SHA256.hash(data: $0).withUnsafeBytes { Array($0) } }
        let resolver = AliasResolver(config: config)
        self.resolver = resolver
        var groups: [String: [CandidateGroup]] = [:]
        for alias in config.models where groups[alias.name] == nil {
            groups[alias.name] = Self.candidateGroups(for: alias, resolver: resolver)
        }
        self.groups = groups
    }

    /// The alias's enabled targets on enabled providers, then each alias of its fallback chain (a target appears
    /// once, in the first alias that has it).
    func candidateGroups(for alias: AliasConfig) -> [CandidateGroup] {
        groups[alias.name] ?? Self.candidateGroups(for: alias, resolver: resolver)
    }

    /// The groups of an alias a pattern matched: its `model: "*"` targets (and its fallbacks') send `requested`.
    func candidateGroups(for alias: AliasConfig, requested: String) -> [CandidateGroup] {
        Self.candidateGroups(for: alias, resolver: resolver, requested: requested)
    }

    private static func candidateGroups(
        for alias: AliasConfig, resolver: AliasResolver, requested: String? = nil
    ) -> [CandidateGroup] {
        var seen = Set<TargetID>()
        return ([alias] + resolver.fallbackChain(for: alias)).map { a in
            let candidates = resolver.candidates(for: a, requested: requested)
            return CandidateGroup(alias: a, candidates: candidates.filter { seen.insert($0.target).inserted })
        }
    }
}

/// One alias's candidates, ordered by that alias's selector (nil alias: a `direct/` name).
struct CandidateGroup: Sendable {
    let alias: AliasConfig?
    let candidates: [Candidate]

    /// The groups with only the candidates that serve `kind`; the same array when all do (no copy per request).
    static func serving(_ kind: RequestKind, _ groups: [CandidateGroup]) -> [CandidateGroup] {
        guard groups.contains(where: { $0.candidates.contains { !$0.serves(kind) } }) else { return groups }
        return groups.map { CandidateGroup(alias: $0.alias, candidates: $0.candidates.filter { $0.serves(kind) }) }
    }
}

/// The current state; a reload swaps it, and requests in flight keep the snapshot they started with.
final class GatewayStateBox: Sendable {
    private let state: Mutex<GatewayState>
    /// Told of every state applied, the first included (settings that live outside the snapshot follow it).
    private let onApply: @Sendable (GatewayState) -> Void

    init(_ state: GatewayState, onApply: @escaping @Sendable (GatewayState) -> Void = { _ in }) {
        self.state = Mutex(state)
        self.onApply = onApply
        onApply(state)
    }

    var current: GatewayState { state.withLock { $0 } }

    func replace(_ new: GatewayState) {
        state.withLock { $0 = new }
        onApply(new)
    }
}
