import Foundation

/// The state one selector run reads; each selector orders the ready candidates.
struct SelectorContext {
    var input: SelectionInput
    var performance: PerformanceTracker
    var sticky: StickyTable
    var openRouter: (String) -> TokenPrices?
    /// Every eligible candidate (cooling too): the cost selector's observed output tokens cover all of them.
    var all: [Candidate]

    func ordered(_ ready: [Candidate], using rng: inout some RandomNumberGenerator) -> [Candidate] {
        guard ready.count > 1 else { return ready }
        switch input.alias.selector {
        case .random: return weightedShuffle(ready, using: &rng)
        case .inOrder: return ready
        case .cost: return byCost(ready)
        case .latency:
            return measured(ready, using: &rng) { summary, now, window in
                summary.freshTTFT(now: now, window: window)
            }
        case .performance:
            return measured(ready, using: &rng) { summary, now, window in
                summary.freshTPS(now: now, window: window).map { -$0 }
            }
        }
    }

    /// Efraimidis–Spirakis weighted permutation: key u^(1/w) (compared as ln(u)/w), highest first. Non-positive
    /// weights go last in declared order.
    func weightedShuffle(_ ready: [Candidate], using rng: inout some RandomNumberGenerator) -> [Candidate] {
        let keyed = ready.enumerated().map { index, candidate in
            let u = 1 - Double.random(in: 0..<1, using: &rng)  // (0, 1]: ln stays finite
            let key =
                candidate.weight > 0 && candidate.weight.isFinite ? Foundation.log(u) / candidate.weight : -.infinity
            return (candidate: candidate, key: key, index: index)
        }
        return keyed.sorted { $0.key != $1.key ? $0.key > $1.key : $0.index < $1.index }.map(\.candidate)
    }

    /// Ascending expected cost for this request; unpriced last; ties in declared order.
    func byCost(_ ready: [Candidate]) -> [Candidate] {
        let outputTokens =
            performance.meanOutputTokens(for: all.map(\.target), now: input.now).map {
                Int($0.rounded())
            } ?? input.maxOutputTokens ?? CandidateOrder.defaultOutputTokens
        let served = input.conversation.flatMap { sticky.target(for: $0, now: input.now) }
        let keyed = ready.enumerated().map { index, candidate in
            let cost = CostCalculator.expectedCost(
                pricing: candidate.pricing, discount: candidate.provider.discount,
                inputTokens: input.estimatedInputTokens, outputTokens: outputTokens,
                cachedInputTokens: served == candidate.target ? input.estimatedInputTokens : 0,
                openRouter: openRouter)
            return (candidate: candidate, cost: cost ?? .infinity, index: index)
        }
        return keyed.sorted { ($0.cost, $0.index) < ($1.cost, $1.index) }.map(\.candidate)
    }

    /// Measured candidates by ascending `metric` (fresh data only), then stale or unseen ones in declared order;
    /// with probability `explorationRate` one random stale/unseen candidate moves to the front. With no fresh data
    /// at all: declared order.
    func measured(
        _ ready: [Candidate], using rng: inout some RandomNumberGenerator,
        metric: (TargetSummary, Double, Double) -> Double?
    ) -> [Candidate] {
        var fresh: [(candidate: Candidate, value: Double, index: Int)] = []
        var unmeasured: [Candidate] = []
        for (index, candidate) in ready.enumerated() {
            let summary = performance.summary(for: candidate.target)
            if let value = summary.flatMap({ metric($0, input.now, performance.window) }) {
                fresh.append((candidate, value, index))
            } else {
                unmeasured.append(candidate)
            }
        }
        guard !fresh.isEmpty else { return ready }
        fresh.sort { ($0.value, $0.index) < ($1.value, $1.index) }
        var result = fresh.map(\.candidate)
        if !unmeasured.isEmpty, Double.random(in: 0..<1, using: &rng) < input.explorationRate {
            let pick = Int.random(in: 0..<unmeasured.count, using: &rng)
            result.insert(unmeasured.remove(at: pick), at: 0)
        }
        return result + unmeasured
    }
}
