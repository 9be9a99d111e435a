import CoreMetrics
import Foundation
import PlexusStorage
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, through swift-metrics with a per-gateway registry (no global bootstrap, so
/// several gateways can live in one process, as in tests).
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let cooldowns: CoreMetrics.Gauge
    /// Per label set of `plexus_requests_total`: its counter and its target's handles, found with one lookup.
    private let handles = Mutex<[RequestLabels: (counter: CoreMetrics.Counter, target: TargetHandles)]>([:])
    private let targets = Mutex<[[String]: TargetHandles]>([:])

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(120),
        ]
        factory.defaultValueHistogramBuckets = [1, 5, 10, 25, 50, 100, 200, 400, 800, 1600]
        self.factory = factory
        inFlight = Meter(label: "plexus_in_flight_requests", factory: factory)
        cooldowns = CoreMetrics.Gauge(label: "plexus_active_cooldowns", factory: factory)
    }

    func started() { inFlight.increment() }

    /// One finished request: counters by alias, provider, protocol pair and status; latency histograms; tokens and
    /// cost by kind. Metric handles are looked up once per label set and kept (the registry lookup is costly).
    func finished(_ row: UsageRecord) {
        inFlight.decrement()
        let alias = row.alias ?? ""
        let provider = row.provider ?? ""
        let (counter, h) = handles(
            RequestLabels(
                alias: alias, provider: provider, clientAPI: row.clientProtocol.rawValue,
                targetAPI: row.targetProtocol?.rawValue ?? "", outcome: row.outcome.rawValue, status: row.httpStatus))
        counter.increment()
        h.duration.recordNanoseconds(Int64(row.durationMs * 1_000_000))
        if let ttft = row.ttftMs { h.ttft.recordNanoseconds(Int64(ttft * 1_000_000)) }
        if let tps = row.outputTokensPerSecond { h.tps.record(tps) }
        let t = row.tokens
        for (i, n) in [t.input, t.cacheRead, t.cacheWrite, t.output, t.reasoning].enumerated() {
            if let n, n > 0 { h.tokens[i].increment(by: n) }
        }
        if let c = row.cost {
            for (i, v) in [c.input, c.cacheRead, c.cacheWrite, c.output, c.reasoning].enumerated() where v > 0 {
                h.cost[i].increment(by: v)
            }
        }
    }

    /// The labels of `plexus_requests_total`.
    private struct RequestLabels: Hashable {
        var alias, provider, clientAPI, targetAPI, outcome: String
        var status: Int
    }

    /// The per-target metric handles, in `TargetHandles.kinds` order for tokens and cost.
    private struct TargetHandles: Sendable {
        static let kinds = ["input", "cache_read", "cache_write", "output", "reasoning"]
        let duration: CoreMetrics.Timer
        let ttft: CoreMetrics.Timer
        let tps: Recorder
        let tokens: [CoreMetrics.Counter]
        let cost: [FloatingPointCounter]
    }

    private func handles(_ l: RequestLabels) -> (counter: CoreMetrics.Counter, target: TargetHandles) {
        if let known = handles.withLock({ $0[l] }) { return known }
        // Made outside the lock (the target's handles take their own), then kept.
        let counter = CoreMetrics.Counter(
            label: "plexus_requests_total",
            dimensions: [
                ("alias", l.alias), ("provider", l.provider), ("client_api", l.clientAPI), ("target_api", l.targetAPI),
                ("outcome", l.outcome), ("status", String(l.status)),
            ], factory: factory)
        let made = (counter: counter, target: targetHandles(alias: l.alias, provider: l.provider))
        return handles.withLock { table in
            if let known = table[l] { return known }
            table[l] = made
            return made
        }
    }

    private func targetHandles(alias: String, provider: String) -> TargetHandles {
        targets.withLock { table in
            let key = [alias, provider]
            if let handles = table[key] { return handles }
            let dims = [("alias", alias), ("provider", provider)]
            let handles = TargetHandles(
                duration: CoreMetrics.Timer(
                    label: "plexus_request_duration_seconds", dimensions: dims, factory: factory),
                ttft: CoreMetrics.Timer(label: "plexus_ttft_seconds", dimensions: dims, factory: factory),
                tps: Recorder(
                    label: "plexus_output_tokens_per_second", dimensions: dims, aggregate: true, factory: factory),
                tokens: TargetHandles.kinds.map {
                    CoreMetrics.Counter(
                        label: "plexus_tokens_total", dimensions: dims + [("kind", $0)], factory: factory)
                },
                cost: TargetHandles.kinds.map {
                    FloatingPointCounter(
                        label: "plexus_cost_usd_total", dimensions: dims + [("kind", $0)], factory: factory)
                })
            table[key] = handles
            return handles
        }
    }

    /// The text exposition, with the cooldown gauge read at scrape time.
    func exposition(activeCooldowns: Int) -> [UInt8] {
        cooldowns.record(activeCooldowns)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
