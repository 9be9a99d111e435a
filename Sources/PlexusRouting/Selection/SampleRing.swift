/// A bounded FIFO of samples on a plain array: O(1) append and drop-oldest.
struct SampleRing: Sendable {
    private var storage: [PerformanceSample] = []
    private var head = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { count == 0 }

    var first: PerformanceSample? { isEmpty ? nil : storage[head] }

    /// Appends, overwriting the oldest sample when full.
    mutating func append(_ sample: PerformanceSample) {
        if count == capacity {
            storage[head] = sample
            head = (head + 1) % capacity
        } else if count == storage.count {
            linearize()
            storage.append(sample)
            count += 1
        } else {
            storage[(head + count) % storage.count] = sample
            count += 1
        }
    }

    mutating func removeFirst() {
        guard !isEmpty else { return }
        head = (head + 1) % storage.count
        count -= 1
        if count == 0 { head = 0 }
    }

    /// Drops samples older than `cutoff` from the front (samples arrive roughly in time order).
    mutating func removeOlder(than cutoff: Double) {
        while let oldest = first, oldest.at < cutoff { removeFirst() }
    }

    /// Oldest first.
    var elements: [PerformanceSample] {
        (0..<count).map { storage[(head + $0) % storage.count] }
    }

    private mutating func linearize() {
        guard head != 0 else { return }
        storage = Array(storage[head...] + storage[..<head])
        head = 0
    }
}
