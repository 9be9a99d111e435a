import PlexusCore

/// Percentiles of a sample, in microseconds, as JSON.
enum Summary {
    /// `p50`, `p90`, `p99`, `mean`, `min`, `max` of durations, in microseconds.
    static func micros(_ values: [Duration]) -> JSONValue {
        let us = values.map { Double($0.components.seconds) * 1e6 + Double($0.components.attoseconds) / 1e12 }.sorted()
        guard !us.isEmpty else { return .null }
        func p(_ q: Double) -> JSONValue {
            let rank = Int((q * Double(us.count)).rounded(.up)) - 1
            return .number(round2(us[min(max(rank, 0), us.count - 1)]))
        }
        return [
            "p50": p(0.5), "p90": p(0.9), "p99": p(0.99),
            "mean": .number(round2(us.reduce(0, +) / Double(us.count))),
            "min": .number(round2(us[0])), "max": .number(round2(us[us.count - 1])),
        ]
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}
