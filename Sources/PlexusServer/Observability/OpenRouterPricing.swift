import Foundation
import Logging
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusUpstream
import ServiceLifecycle

/// Keeps OpenRouter prices for `source: openrouter` models: loaded from the disk cache at start, fetched from
/// `pricing.openrouter_url` at start and every `refresh_hours`, and never fetched on the request path. Runs only when
/// some model is priced this way; an unreachable URL keeps the cached prices.
struct OpenRouterPricing: Service {
    let state: GatewayStateBox
    let routing: RoutingState
    let transport: any UpstreamTransport
    let cachePath: String?
    let logger: Logger

    func run() async throws {
        if let cachePath, let data = FileManager.default.contents(atPath: cachePath),
            let prices = Self.parse(Array(data))
        {
            routing.openRouterPrices.withLock { $0 = prices }
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let config = state.current.config
                if Self.needed(config) { await refresh(from: config.pricing.openrouterURL) }
                try? await Task.sleep(for: .seconds(max(60, config.pricing.refreshHours * 3600)))
            }
        }
    }

    /// Whether any model is priced from OpenRouter.
    static func needed(_ config: PlexusConfig) -> Bool {
        config.providers.contains { provider in
            provider.models.contains { if case .openRouter = $0.pricing { true } else { false } }
        }
    }

    /// One fetch; true when new prices were installed.
    @discardableResult
    func refresh(from url: String) async -> Bool {
        do {
            let response = try await transport.send(
                UpstreamRequest(url: url, method: "GET", headers: [("accept", "application/json")], body: ByteBuffer()),
                firstByteTimeout: .seconds(30))
            let body = Array(try await response.collect(upTo: 64 << 20).readableBytesView)
            guard response.status == 200, let prices = Self.parse(body) else {
                logger.warning("OpenRouter prices not updated", metadata: ["http.status": "\(response.status)"])
                return false
            }
            routing.openRouterPrices.withLock { $0 = prices }
            if let cachePath { try? Data(body).write(to: URL(fileURLWithPath: cachePath), options: .atomic) }
            logger.info("OpenRouter prices loaded", metadata: ["pricing.models": "\(prices.count)"])
            return true
        } catch {
            logger.warning(
                "OpenRouter prices unreachable; using the cached ones", metadata: ["error.message": "\(error)"])
            return false
        }
    }

    /// OpenRouter's `{"data": [{"id", "pricing": {"prompt", "completion", "input_cache_read", "input_cache_write",
    /// "internal_reasoning"}}]}`, USD per token as strings, to USD per million tokens by slug.
    static func parse(_ bytes: [UInt8]) -> [String: TokenPrices]? {
        guard let models = (try? JSONValue(parsing: bytes))?["data"]?.arrayValue else { return nil }
        var out: [String: TokenPrices] = [:]
        for model in models {
            guard let id = model["id"]?.stringValue, let p = model["pricing"],
                let input = perMillion(p["prompt"]), let output = perMillion(p["completion"])
            else { continue }
            let reasoning = perMillion(p["internal_reasoning"]).flatMap { $0 > 0 ? $0 : nil }
            out[id] = TokenPrices(
                input: input, output: output, cached: perMillion(p["input_cache_read"]),
                cacheWrite: perMillion(p["input_cache_write"]), reasoning: reasoning)
        }
        return out
    }

    private static func perMillion(_ value: JSONValue?) -> Double? {
        let perToken = value?.stringValue.flatMap(Double.init) ?? value?.doubleValue
        return perToken.map { $0 * 1_000_000 }
    }
}
