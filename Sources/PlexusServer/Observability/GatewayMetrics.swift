import CoreMetrics
import Foundation
import Prometheus
import PlexusStorage

/// The gateway's Prometheus metrics, through swift-metrics with a per-gateway registry (no global bootstrap, so
/// several gateways can live in one process, as in tests).
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let cooldowns: CoreMetrics.Gauge

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
    /// cost by kind.
    func finished(_ row: UsageRecord) {
        inFlight.decrement()
        let alias = row.alias ?? "", provider = row.provider ?? ""
        let target = ("provider", provider)
        Counter(label: "plexus_requests_total", dimensions: [
            ("alias", alias), target, ("client_api", row.clientProtocol.rawValue),
            ("target_api", row.targetProtocol?.rawValue ?? ""), ("outcome", row.outcome.rawValue),
            ("status", String(row.httpStatus)),
        ], factory: factory).increment()
        let dims = [("alias", alias), target]
        Timer(label: "plexus_request_duration_seconds", dimensions: dims, factory: factory)
            .recordNanoseconds(Int64(row.durationMs * 1_000_000))
        if let ttft = row.ttftMs {
            Timer(label: "plexus_ttft_seconds", dimensions: dims, factory: factory).recordNanoseconds(Int64(ttft * 1_000_000))
        }
        if let tps = row.outputTokensPerSecond {
            Recorder(label: "plexus_output_tokens_per_second", dimensions: dims, aggregate: true, factory: factory)
                .record(tps)
        }
        let t = row.tokens
        for (kind, n) in [("input", t.input), ("cache_read", t.cacheRead), ("cache_write", t.cacheWrite),
                          ("output", t.output), ("reasoning", t.reasoning)] {
            guard let n, n > 0 else { continue }
            Counter(label: "plexus_tokens_total", dimensions: dims + [("kind", kind)], factory: factory).increment(by: n)
        }
        if let c = row.cost {
            for (kind, v) in [("input", c.input), ("cache_read", c.cacheRead), ("cache_write", c.cacheWrite),
                              ("output", c.output), ("reasoning", c.reasoning)] where v > 0 {
                FloatingPointCounter(label: "plexus_cost_usd_total", dimensions: dims + [("kind", kind)], factory: factory)
                    .increment(by: v)
            }
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
