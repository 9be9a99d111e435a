import PlexusRouting
import Synchronization

/// What the server works out once per candidate of a config snapshot (the fixed part of its upstream requests,
/// the routing fields of its answers), by a small slot the caller assigns (protocol and mode). It belongs to the
/// snapshot, so a reload starts it empty; each entry keeps its candidate, so an identity is never reused while it
/// is a key.
final class CandidateMemo<Value: Sendable>: Sendable {
    private struct Key: Hashable {
        let candidate: ObjectIdentifier
        let slot: Int
    }

    private let table = Mutex<[Key: (candidate: Candidate, value: Value)]>([:])

    /// The value of `slot` for `candidate`, made by `make` the first time.
    func value(for candidate: Candidate, slot: Int, _ make: () -> Value) -> Value {
        let key = Key(candidate: candidate.identity, slot: slot)
        if let kept = table.withLock({ $0[key]?.value }) { return kept }
        let made = make()
        table.withLock { $0[key] = (candidate, made) }
        return made
    }
}
