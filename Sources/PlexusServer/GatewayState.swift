import Crypto
import PlexusCore
import PlexusRouting
import Synchronization

/// Everything a request needs from the configuration, built once per (re)load and never mutated.
struct GatewayState: Sendable {
    let config: PlexusConfig
    let keys: KeyTable
    let resolver: AliasResolver

    init(config: PlexusConfig) {
        self.config = config
        keys = KeyTable(keys: config.keys) { Array(SHA256.hash(data: $0)) }
        resolver = AliasResolver(config: config)
    }

    /// The alias's enabled targets on enabled providers, then its fallback chain (no duplicates).
    func candidates(for alias: AliasConfig) -> [Candidate] {
        var seen = Set<TargetID>()
        var out: [Candidate] = []
        for a in [alias] + resolver.fallbackChain(for: alias) {
            for c in resolver.candidates(for: a) where seen.insert(c.target).inserted { out.append(c) }
        }
        return out
    }
}

/// The current state; a reload swaps it, and requests in flight keep the snapshot they started with.
final class GatewayStateBox: Sendable {
    private let state: Mutex<GatewayState>

    init(_ state: GatewayState) { self.state = Mutex(state) }

    var current: GatewayState { state.withLock { $0 } }

    func replace(_ new: GatewayState) { state.withLock { $0 = new } }
}
