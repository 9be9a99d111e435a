import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import PlexusCore
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 5, point 1: the cost of each request by token kind, for every pricing form, against hand-computed values.
@Suite("Cost tracking", .serialized, .timeLimit(.minutes(3)))
struct CostTests {
    static func yaml(openRouterURL: String = "http://127.0.0.1:9/none") -> String {
        """
        server: { admin_key: "${TEST_ADMIN_KEY}" }
        pricing: { openrouter_url: "\(openRouterURL)", refresh_hours: 24 }
        providers:
          simple:
            api_base_url: mock://
            discount: 0.25
            models:
              "mock:tokens=40":
                pricing: { source: simple, input: 2.0, output: 8.0, cached: 0.5 }
          tiered:
            api_base_url: mock://
            models:
              "mock:tokens=40":
                pricing:
                  source: tiered
                  tiers:
                    - { up_to: 10, input: 100.0, output: 100.0 }
                    - { up_to: null, input: 3.0, output: 15.0 }
          flat:
            api_base_url: mock://
            models:
              "mock:tokens=40": { pricing: { source: per_request, amount: 0.002 } }
          router:
            api_base_url: mock://
            models:
              "mock:tokens=40": { pricing: { source: openrouter, slug: "acme/model-x", discount: 0.5 } }
          free:
            api_base_url: mock://
        models:
          simple: { targets: [ { provider: simple, model: "mock:tokens=40" } ] }
          tiered: { targets: [ { provider: tiered, model: "mock:tokens=40" } ] }
          flat: { targets: [ { provider: flat, model: "mock:tokens=40" } ] }
          router: { targets: [ { provider: router, model: "mock:tokens=40" } ] }
          free: { targets: [ { provider: free, model: "mock:tokens=40" } ] }
        keys:
          tester: { secret: "${TEST_KEY}" }
        """
    }

    /// The OpenRouter list the fake server answers: USD per token, as strings.
    static let openRouterList =
        #"{"data":[{"id":"acme/model-x","pricing":{"prompt":"0.000004","completion":"0.000012","input_cache_read":"0.000001"}},{"id":"other/y","pricing":{"prompt":"0","completion":"0"}}]}"#

    func row(_ gw: TestGateway, alias: String) async throws -> UsageRecord {
        let answer = try await gw.chat(alias, prompt: String(repeating: "price this please ", count: 20))
        #expect(answer.status == 200)
        return try #require(try await gw.rowsWhenWritten(1).first { $0.alias == alias })
    }

    @Test func simpleTieredAndPerRequestPricesWithDiscountAndUnpricedUnknown() async throws {
        try await TestGateway.with(yaml: Self.yaml()) { gw in
            let simple = try await row(gw, alias: "simple")
            let input = Double(simple.tokens.input ?? 0)
            let output = Double(simple.tokens.output ?? 0)
            #expect(input > 10 && output == 40)
            let cost = try #require(simple.cost)
            #expect(abs(cost.input - input * 2.0 / 1e6 * 0.75) < 1e-12)
            #expect(abs(cost.output - output * 8.0 / 1e6 * 0.75) < 1e-12)
            #expect(abs(cost.total - (input * 2.0 + output * 8.0) / 1e6 * 0.75) < 1e-12)

            let tiered = try #require(try await row(gw, alias: "tiered").cost)
            #expect(
                abs(tiered.total - (input * 3.0 + output * 15.0) / 1e6) < 1e-12, "over 10 input tokens: second tier")

            let flat = try #require(try await row(gw, alias: "flat").cost)
            #expect(abs(flat.total - 0.002) < 1e-12)

            let free = try await row(gw, alias: "free")
            #expect(free.cost == nil, "unpriced is unknown, not zero")
            let listed = try await gw.admin(.GET, "/v0/management/usage?alias=free")
            #expect(listed.json["items"]?[0]?["cost"] == .null, "\(listed.body)")
        }
    }

    @Test func openRouterPricesAreFetchedCachedAndUsedOffline() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-or-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected: @Sendable (UsageRecord) -> Double = { row in
            (Double(row.tokens.input ?? 0) * 4.0 + Double(row.tokens.output ?? 0) * 12.0) / 1e6 * 0.5
        }
        try await withOpenRouterServer(Self.openRouterList) { port in
            try await TestGateway.with(
                yaml: Self.yaml(openRouterURL: "http://127.0.0.1:\(port)/api/v1/models"),
                folder: folder
            ) { gw in
                for _ in 0..<100 where gw.gateway.routing.openRouterPrices.withLock({ $0.isEmpty }) {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let row = try await row(gw, alias: "router")
                let cost = try #require(row.cost)
                #expect(abs(cost.total - expected(row)) < 1e-12)
            }
        }
        #expect(
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/openrouter-prices.json").path))
        // The list is now unreachable: the cached prices still price the request.
        try await TestGateway.with(yaml: Self.yaml(), folder: folder) { gw in
            for _ in 0..<100 where gw.gateway.routing.openRouterPrices.withLock({ $0.isEmpty }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let row = try await row(gw, alias: "router")
            let cost = try #require(row.cost)
            #expect(abs(cost.total - expected(row)) < 1e-12)
        }
    }
}

/// Serves an OpenRouter-shaped model list at `/api/v1/models` on a free loopback port around `body`.
func withOpenRouterServer<T: Sendable>(_ list: String, _ body: @Sendable @escaping (Int) async throws -> T) async throws
    -> T
{
    let router = Router()
    router.get("/api/v1/models") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: list)))
    }
    let (ports, sink) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "openrouter")
    logger.logLevel = .critical  // its shutdown by cancellation logs a harmless "already closed"
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { sink.yield($0.localAddress?.port ?? 0) }, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.runService()
            return nil
        }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw TestTimeout() }
        let value = try await body(port)
        group.cancelAll()
        return value
    }
}
