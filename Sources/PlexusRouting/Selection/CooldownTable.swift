/// Per-target cooldowns with exponential backoff; a pure value the server keeps behind a lock and persists.
///
/// Entries expire by time; the consecutive failure count of a target outlives its entry (expiry, `prune`) and
/// is reset only by a success or a manual `clear`, so a target that fails again right after recovering waits
/// twice as long. Encoding the whole table keeps those counts; `entries` alone keeps the cooling targets.
public struct CooldownTable: Sendable, Equatable {
    private var table: [TargetID: CooldownEntry] = [:]
    /// Consecutive failures per target since its last success.
    public private(set) var failureCounts: [TargetID: Int] = [:]

    public init() {}

    /// Restores a table from persisted entries (their `failures` become the failure counts).
    public init(entries: [CooldownEntry]) {
        for entry in entries {
            table[entry.target] = entry
            failureCounts[entry.target] = max(failureCounts[entry.target] ?? 0, entry.failures)
        }
    }

    /// Every entry held (expired ones too until `prune`), sorted by expiry.
    public var entries: [CooldownEntry] { Self.sorted(table.values) }

    /// Records a failure of `target` at `now` and returns the entry set: the n-th consecutive failure cools for
    /// `initialSeconds × 2^(n−1)` capped at `maxSeconds`; a `retryAfter` (seconds) replaces that, capped at
    /// `retryAfterCapSeconds`.
    @discardableResult
    public mutating func recordFailure(
        _ target: TargetID, reason: CooldownReason, status: Int? = nil, retryAfter: Double?, now: Double,
        config: CooldownConfig
    ) -> CooldownEntry {
        let failures = (failureCounts[target] ?? 0) + 1
        failureCounts[target] = failures
        let duration: Double
        if let retryAfter, retryAfter.isFinite {
            duration = min(max(0, retryAfter), config.retryAfterCapSeconds)
        } else {
            duration = Self.backoff(failures: failures, config: config)
        }
        let entry = CooldownEntry(
            target: target, reason: reason, status: status, failures: failures, until: now + duration, setAt: now)
        table[target] = entry
        return entry
    }

    /// `initialSeconds × 2^(failures−1)`, capped at `maxSeconds`.
    public static func backoff(failures: Int, config: CooldownConfig) -> Double {
        let exponent = Double(min(max(failures, 1) - 1, 60))
        return min(max(0, config.initialSeconds) * Double.pow2(exponent), config.maxSeconds)
    }

    /// Clears the target's entry and failure count after a success whose answer was ready at `at`; returns whether
    /// anything was cleared. A cooldown set after `at` stands: a success is recorded after its answer is written,
    /// so a failure of a later request may already have cooled the target, and the older answer says nothing
    /// against it.
    @discardableResult
    public mutating func recordSuccess(_ target: TargetID, at: Double) -> Bool {
        if let entry = table[target], entry.setAt > at { return false }
        return clear(target)
    }

    /// The target's entry, active or expired (until pruned).
    public func entry(for target: TargetID) -> CooldownEntry? { table[target] }

    /// Whether the target is cooling at `now`.
    public func isCooling(_ target: TargetID, now: Double) -> Bool {
        table[target]?.isActive(now: now) ?? false
    }

    /// The entries still cooling at `now`, soonest expiry first.
    public func active(now: Double) -> [CooldownEntry] {
        Self.sorted(table.values.filter { $0.isActive(now: now) })
    }

    /// Manually clears a target (management API): its entry and its failure count. Returns whether it had one.
    @discardableResult
    public mutating func clear(_ target: TargetID) -> Bool {
        let hadEntry = table.removeValue(forKey: target) != nil
        let hadCount = failureCounts.removeValue(forKey: target) != nil
        return hadEntry || hadCount
    }

    /// Manually clears every target and failure count.
    public mutating func clearAll() {
        table.removeAll()
        failureCounts.removeAll()
    }

    /// Takes an entry another gateway set (several instances share cooldowns): it replaces this target's entry,
    /// and its failure count carries on from the larger of the two.
    public mutating func adopt(_ entry: CooldownEntry) {
        table[entry.target] = entry
        failureCounts[entry.target] = max(failureCounts[entry.target] ?? 0, entry.failures)
    }

    /// Restores a failure count without an entry (decoding).
    mutating func setFailureCount(_ failures: Int, for target: TargetID) {
        failureCounts[target] = failures > 0 ? failures : nil
    }

    /// Drops expired entries; failure counts stay until a success so the next failure still doubles.
    public mutating func prune(now: Double) {
        table = table.filter { $0.value.isActive(now: now) }
    }

    /// Expiry order, then target name, so listings are stable.
    private static func sorted(_ entries: some Sequence<CooldownEntry>) -> [CooldownEntry] {
        entries.sorted {
            ($0.until, $0.target.provider, $0.target.model) < ($1.until, $1.target.provider, $1.target.model)
        }
    }
}

extension Double {
    /// 2^exponent for a small non-negative whole exponent.
    fileprivate static func pow2(_ exponent: Double) -> Double {
        Double(sign: .plus, exponent: Int(exponent), significand: 1)
    }
}
