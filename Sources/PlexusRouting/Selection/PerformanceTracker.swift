/// Per-target sliding window of request samples plus moving averages for the latency and performance selectors.
///
/// Samples older than `window` (relative to the newest recorded) or beyond `maxSamplesPerTarget` are dropped on
/// `record`; the queries also filter by their `now`, so a target that went quiet reports no data.
public struct PerformanceTracker: Sendable {
    /// Seconds of history kept and considered fresh.
    public let window: Double
    public let maxSamplesPerTarget: Int
    /// Weight of the newest sample in the moving averages (0...1).
    public let ewmaAlpha: Double
    private var rings: [TargetID: SampleRing] = [:]
    private var summaries: [TargetID: TargetSummary] = [:]

    public init(window: Double = 600, maxSamplesPerTarget: Int = 512, ewmaAlpha: Double = 0.3) {
        self.window = window
        self.maxSamplesPerTarget = max(1, maxSamplesPerTarget)
        self.ewmaAlpha = min(max(ewmaAlpha, 0.01), 1)
    }

    /// Records a finished request; amortised O(1).
    public mutating func record(_ target: TargetID, _ sample: PerformanceSample) {
        // Mutated in place: a copy out of the dictionary would share, and so copy, the whole ring every time.
        rings[target, default: SampleRing(capacity: maxSamplesPerTarget)].removeOlder(than: sample.at - window)
        rings[target, default: SampleRing(capacity: maxSamplesPerTarget)].append(sample)
        summaries[target, default: TargetSummary()].update(with: sample, alpha: ewmaAlpha, window: window)
    }

    /// The targets with any state, sorted by name.
    public var targets: [TargetID] {
        summaries.keys.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }
    }

    /// The selectors' cheap summary of a target; `nil` when it was never recorded.
    public func summary(for target: TargetID) -> TargetSummary? { summaries[target] }

    /// The target's samples within the window ending at `now`, oldest first.
    public func samples(for target: TargetID, now: Double) -> [PerformanceSample] {
        guard let ring = rings[target] else { return [] }
        let cutoff = now - window
        return ring.elements.filter { $0.at >= cutoff && $0.at <= now }
    }

    /// Window statistics of a target at `now`; `nil` when it has no samples in the window.
    public func stats(for target: TargetID, now: Double) -> TargetStats? {
        let window = samples(for: target, now: now)
        guard !window.isEmpty else { return nil }
        let ok = window.filter(\.success)
        let errors = window.count - ok.count
        let ttft = ok.compactMap(\.ttftMs).sorted()
        let tps = ok.compactMap(\.tokensPerSecond).sorted()
        let duration = ok.map(\.durationMs).sorted()
        let summary = summaries[target]
        return TargetStats(
            requests: window.count, errors: errors, errorRate: Double(errors) / Double(window.count),
            ttftP50: Self.percentile(ttft, 50), ttftP95: Self.percentile(ttft, 95),
            tpsP50: Self.percentile(tps, 50), tpsP95: Self.percentile(tps, 95),
            durationP50: Self.percentile(duration, 50), durationP95: Self.percentile(duration, 95),
            meanOutputTokens: ok.isEmpty ? nil : Double(ok.reduce(0) { $0 + $1.outputTokens }) / Double(ok.count),
            lastSampleAt: window.last.map(\.at), ewmaTTFT: summary?.ewmaTTFT, ewmaTPS: summary?.ewmaTPS)
    }

    /// Statistics of every target with samples in the window ending at `now`.
    public func allStats(now: Double) -> [TargetID: TargetStats] {
        var result: [TargetID: TargetStats] = [:]
        for target in rings.keys {
            if let stats = stats(for: target, now: now) { result[target] = stats }
        }
        return result
    }

    /// Mean output tokens of the successful requests of `targets` within the window; `nil` without data.
    public func meanOutputTokens(for targets: some Sequence<TargetID>, now: Double) -> Double? {
        var total = 0
        var count = 0
        let cutoff = now - window
        for target in Set(targets) {
            guard let ring = rings[target], let last = summaries[target]?.lastSuccessAt, last >= cutoff else {
                continue
            }
            for sample in ring.elements where sample.success && sample.at >= cutoff && sample.at <= now {
                total += sample.outputTokens
                count += 1
            }
        }
        return count == 0 ? nil : Double(total) / Double(count)
    }

    /// Drops samples outside the window ending at `now` and targets left with nothing fresh.
    public mutating func prune(now: Double) {
        for target in Array(rings.keys) {
            rings[target]?.removeOlder(than: now - window)
            if rings[target]?.isEmpty ?? true, (summaries[target]?.lastSampleAt ?? -.infinity) < now - window {
                rings[target] = nil
                summaries[target] = nil
            }
        }
    }

    /// Forgets a target entirely.
    public mutating func reset(_ target: TargetID) {
        rings[target] = nil
        summaries[target] = nil
    }

    /// Nearest-rank percentile of ascending `values`; `nil` when empty.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension TargetSummary {
    /// How far one sample may pull an average the wrong way: a sample more than this many times slower than the
    /// average counts as that many times. One stall (a pause, a lost packet) then cannot make the fastest target
    /// look slowest, which would keep it from traffic, and so from new samples, until its data went stale; a target
    /// that really slowed down still shows it within a few requests (each such sample moves the average by
    /// `alpha × (outlierFactor − 1)` of itself).
    static let outlierFactor = 4.0

    /// Feeds one sample; an average that went stale restarts from the new value so a recovered target counts
    /// at its current speed rather than its old one.
    mutating func update(with sample: PerformanceSample, alpha: Double, window: Double) {
        lastSampleAt = max(lastSampleAt ?? sample.at, sample.at)
        guard sample.success else { return }
        lastSuccessAt = max(lastSuccessAt ?? sample.at, sample.at)
        if let ttft = sample.ttftMs, ttft.isFinite, ttft >= 0 {
            let previous = freshTTFT(now: sample.at, window: window)
            ewmaTTFT = previous.map { $0 + alpha * (min(ttft, $0 * Self.outlierFactor) - $0) } ?? ttft
            lastTTFTAt = max(lastTTFTAt ?? sample.at, sample.at)
        }
        if let tps = sample.tokensPerSecond, tps.isFinite, tps >= 0 {
            let previous = freshTPS(now: sample.at, window: window)
            ewmaTPS = previous.map { $0 + alpha * (max(tps, $0 / Self.outlierFactor) - $0) } ?? tps
            lastTPSAt = max(lastTPSAt ?? sample.at, sample.at)
        }
    }
}
