/// Orders an alias's candidates for one request: protocol filter, selector, sticky target, cooling last.
public enum CandidateOrder {
    /// Output tokens assumed by the cost selector when nothing was observed and the request sets no limit.
    public static let defaultOutputTokens = 256

    /// The order in which to try `candidates` (given in declared order) for this request.
    ///
    /// 1. `priority: api_match` keeps the candidates that speak the client's protocol (all, if none do).
    /// 2. The ready (not cooling) candidates are ordered by the alias's selector.
    /// 3. With sticky sessions, the conversation's remembered target goes first when it is ready.
    /// 4. Cooling candidates follow, soonest recovery first, so the one that recovers first is still tried.
    public static func order(
        _ candidates: [Candidate], input: SelectionInput, cooldowns: CooldownTable, performance: PerformanceTracker,
        sticky: StickyTable, openRouter: (String) -> TokenPrices?, using rng: inout some RandomNumberGenerator
    ) -> [Candidate] {
        let eligible = filterByProtocol(candidates, input: input)
        var ready: [Candidate] = []
        var cooling: [(candidate: Candidate, until: Double, index: Int)] = []
        for (index, candidate) in eligible.enumerated() {
            if cooldowns.isCooling(candidate.target, now: input.now) {
                let until = cooldowns.entry(for: candidate.target)?.until ?? input.now
                cooling.append((candidate, until, index))
            } else {
                ready.append(candidate)
            }
        }
        ready = withoutActuallyEscaping(openRouter) { lookup in
            SelectorContext(input: input, performance: performance, sticky: sticky, openRouter: lookup, all: eligible)
                .ordered(ready, using: &rng)
        }
        if input.stickyEnabled, let key = input.conversation, let pinned = sticky.target(for: key, now: input.now),
            let at = ready.firstIndex(where: { $0.target == pinned })
        {
            ready.insert(ready.remove(at: at), at: 0)
        }
        cooling.sort { ($0.until, $0.index) < ($1.until, $1.index) }
        return ready + cooling.map(\.candidate)
    }

    /// `api_match`: the candidates speaking the client's protocol, or all when none does.
    static func filterByProtocol(_ candidates: [Candidate], input: SelectionInput) -> [Candidate] {
        switch input.alias.priority {
        case .selector:
            return candidates
        case .apiMatch:
            let matching = candidates.filter { $0.speaks(input.clientProtocol) }
            return matching.isEmpty ? candidates : matching
        }
    }
}
