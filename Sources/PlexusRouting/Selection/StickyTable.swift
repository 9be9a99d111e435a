/// Conversation key -> the target that last served it well, with a TTL and a bounded size (oldest evicted).
public struct StickyTable: Sendable {
    /// Seconds a remembered target stays valid.
    public let ttl: Double
    public let capacity: Int
    private var table: [UInt64: Entry] = [:]
    /// Keys in the order they were remembered, with that time; stale pairs are skipped when evicting.
    private var order: [(key: UInt64, at: Double)] = []
    private var orderHead = 0

    private struct Entry: Sendable {
        var target: TargetID
        var at: Double
    }

    public init(ttl: Double = 3600, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// Remembered conversations (expired ones too until evicted or pruned).
    public var count: Int { table.count }

    /// Remembers that `target` served the conversation `key` at `now`.
    public mutating func remember(_ key: UInt64, target: TargetID, now: Double) {
        table[key] = Entry(target: target, at: now)
        order.append((key, now))
        while table.count > capacity, orderHead < order.count {
            let oldest = order[orderHead]
            orderHead += 1
            if table[oldest.key]?.at == oldest.at { table[oldest.key] = nil }
        }
        compactIfNeeded()
    }

    /// The target remembered for `key`, unless older than `ttl` at `now`.
    public func target(for key: UInt64, now: Double) -> TargetID? {
        guard let entry = table[key], now - entry.at <= ttl else { return nil }
        return entry.target
    }

    /// Forgets one conversation.
    public mutating func forget(_ key: UInt64) {
        table[key] = nil
    }

    /// Forgets every conversation pinned to `target` (e.g. a target removed from the config).
    public mutating func forget(target: TargetID) {
        table = table.filter { $0.value.target != target }
    }

    /// Drops conversations older than `ttl` at `now`.
    public mutating func prune(now: Double) {
        table = table.filter { now - $0.value.at <= ttl }
        rebuildOrder()
    }

    /// Keeps the eviction queue proportional to the table (a key remembered often leaves stale pairs behind).
    private mutating func compactIfNeeded() {
        if order.count - orderHead > 2 * capacity + 64 {
            rebuildOrder()
        } else if orderHead > 1024, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    private mutating func rebuildOrder() {
        order = table.map { ($0.key, $0.value.at) }.sorted { $0.at < $1.at }
        orderHead = 0
    }
}

/// Stable conversation keys for sticky routing.
public enum ConversationKey {
    /// 64-bit FNV-1a of `bytes` (the server feeds it the serialized first messages).
    public static func hash(of bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
