import PlexusCore
import Yams

extension ConfigLoader {
    /// The pricing forms of a model; `source` defaults to `simple`.
    static func decodePricing(_ node: Node, at path: String, _ decoder: ConfigDecoder) -> ModelPricing? {
        guard var m = MappingReader(node, at: path, decoder: decoder) else { return nil }
        let source = m.string("source") ?? "simple"
        let pricing: ModelPricing?
        switch source {
        case "simple":
            pricing = decodeTokenPrices(&m).map(ModelPricing.simple)
        case "tiered":
            pricing = decodeTiers(&m).map(ModelPricing.tiered)
        case "openrouter":
            let slug = m.requiredString("slug")
            let discount = m.number("discount")
            pricing = slug.map { ModelPricing.openRouter(slug: $0, discount: discount) }
        case "per_request":
            guard let node = m.value("amount") else {
                m.reportMissing("amount")
                return nil
            }
            pricing = decoder.number(node, at: m.childPath("amount")).map(ModelPricing.perRequest)
        default:
            decoder.report(
                "unknown pricing source '\(source)' (expected one of: simple, tiered, openrouter, per_request)",
                at: m.childPath("source"))
            return nil
        }
        m.rejectUnknownKeys()
        return pricing
    }

    /// `input`, `output` (required) and the optional `cached`, `cache_write`, `reasoning`.
    static func decodeTokenPrices(_ m: inout MappingReader) -> TokenPrices? {
        let input = requiredNumber(&m, "input")
        let output = requiredNumber(&m, "output")
        let cached = m.number("cached")
        let cacheWrite = m.number("cache_write")
        let reasoning = m.number("reasoning")
        guard let input, let output else { return nil }
        return TokenPrices(input: input, output: output, cached: cached, cacheWrite: cacheWrite, reasoning: reasoning)
    }

    static func requiredNumber(_ m: inout MappingReader, _ key: String) -> Double? {
        guard let node = m.value(key) else {
            m.reportMissing(key)
            return nil
        }
        return m.decoder.number(node, at: m.childPath(key))
    }

    /// `tiers`: each `up_to` (an integer, or null for no limit) plus the simple prices.
    static func decodeTiers(_ m: inout MappingReader) -> [PriceTier]? {
        guard let node = m.value("tiers") else {
            m.reportMissing("tiers")
            return nil
        }
        guard let items = m.decoder.list(node, at: m.childPath("tiers")) else { return nil }
        var tiers: [PriceTier] = []
        for item in items {
            guard var tier = MappingReader(item.node, at: item.path, decoder: m.decoder) else { continue }
            var upTo: Int?
            if let limit = tier.take("up_to") {
                upTo = m.decoder.isNull(limit) ? nil : m.decoder.integer(limit, at: tier.childPath("up_to"))
            } else {
                tier.reportMissing("up_to")
            }
            let prices = decodeTokenPrices(&tier)
            tier.rejectUnknownKeys()
            if let prices { tiers.append(PriceTier(upTo: upTo, prices: prices)) }
        }
        return tiers
    }
}
