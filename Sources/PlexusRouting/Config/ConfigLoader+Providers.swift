import PlexusCore
import Yams

extension ConfigLoader {
    static func decodeProviders(_ section: MappingReader) -> [ProviderConfig] {
        section.entries.map { entry in
            let path = section.childPath(entry.key)
            guard var m = MappingReader(entry.value, at: path, decoder: section.decoder) else {
                return ProviderConfig(name: entry.key, baseURLs: [:])
            }
            return decodeProvider(name: entry.key, &m)
        }
    }

    static func decodeProvider(name: String, _ m: inout MappingReader) -> ProviderConfig {
        // `enabled: auto` switches the provider on only when its api_key expands to a non-empty value.
        var enabled = true
        var auto = false
        if let node = m.value("enabled") {
            if case .scalar(let scalar) = node, scalar.string == "auto" {
                auto = true
            } else {
                enabled = m.decoder.bool(node, at: m.childPath("enabled")) ?? true
            }
        }
        // A disabled provider may reference variables that are not set on this machine.
        m.decoder.allowsMissingVariables = !enabled || auto
        defer { m.decoder.allowsMissingVariables = false }
        var provider = ProviderConfig(name: name, baseURLs: [:], enabled: enabled)
        provider.displayName = m.string("display_name")
        if let node = m.value("api_base_url") {
            (provider.baseURLs, provider.baseURLInferred) = decodeBaseURLs(
                node, at: m.childPath("api_base_url"), m.decoder)
        } else {
            m.reportMissing("api_base_url")
        }
        provider.apiKey = m.string("api_key")
        provider.apiKeyReference = m.decoder.references[m.childPath("api_key")]
        if auto {
            provider.enabled = !(provider.apiKey ?? "").isEmpty
            provider.enabledAuto = true
        }
        if var headers = m.mapping("headers") {
            for entry in headers.entries {
                provider.headers[entry.key] = headers.string(entry.key)
            }
        }
        if let node = m.value("extra_body") {
            let path = m.childPath("extra_body")
            if case .object(let object) = m.decoder.json(node, at: path) {
                provider.extraBody = object
            } else {
                m.decoder.report("expected a mapping, got \(m.decoder.describe(node))", at: path, node: node)
            }
        }
        provider.timeoutSeconds = m.number("timeout_seconds") ?? provider.timeoutSeconds
        provider.proxy = m.string("proxy")
        provider.discount = m.number("discount") ?? provider.discount
        provider.maxConcurrency = positiveInteger(&m, "max_concurrency")
        if let node = m.take("models") {
            provider.models = decodeProviderModels(node, at: m.childPath("models"), m.decoder)
        }
        m.rejectUnknownKeys()
        return provider
    }

    /// `api_base_url` as a string (protocols inferred) or a protocol -> URL map.
    static func decodeBaseURLs(
        _ node: Node, at path: String, _ decoder: ConfigDecoder
    ) -> (urls: [APIProtocol: String], inferred: Bool) {
        if case .mapping = node, var m = MappingReader(node, at: path, decoder: decoder) {
            var urls: [APIProtocol: String] = [:]
            for entry in m.entries {
                guard let url = m.string(entry.key) else { continue }
                guard let proto = APIProtocol(rawValue: entry.key) else {
                    decoder.report(
                        "unknown protocol '\(entry.key)' (expected one of: \(protocolChoices))",
                        at: m.childPath(entry.key), node: entry.keyNode)
                    continue
                }
                urls[proto] = checkedBaseURL(url, at: m.childPath(entry.key), decoder)
            }
            if m.entries.isEmpty { decoder.report("api_base_url lists no protocols", at: path, node: node) }
            return (urls, false)
        }
        guard let text = decoder.string(node, at: path) else { return ([:], true) }
        let url = checkedBaseURL(text, at: path, decoder)
        let pairs = ProviderConfig.inferProtocols(baseURL: url).map { ($0, url) }
        return (Dictionary(uniqueKeysWithValues: pairs), true)
    }

    static var protocolChoices: String { APIProtocol.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Checks the scheme and drops trailing slashes so paths can be appended.
    static func checkedBaseURL(_ url: String, at path: String, _ decoder: ConfigDecoder) -> String {
        let lower = url.lowercased()
        if lower.hasPrefix("mock://") { return url }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), url.count > 8 else {
            decoder.report("expected an http(s):// or mock:// URL", at: path)
            return url
        }
        var trimmed = Substring(url)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// `models` as a list of names or a map name -> {pricing, access_via, context_length, max_output_tokens}.
    static func decodeProviderModels(_ node: Node, at path: String, _ decoder: ConfigDecoder) -> [ProviderModel] {
        if case .sequence = node {
            var seen: Set<String> = []
            return (decoder.list(node, at: path) ?? []).compactMap { item in
                guard let name = decoder.string(item.node, at: item.path) else { return nil }
                guard seen.insert(name).inserted else {
                    decoder.report("duplicate model '\(name)'", at: item.path)
                    return nil
                }
                return ProviderModel(name: name)
            }
        }
        guard let section = MappingReader(node, at: path, decoder: decoder) else { return [] }
        return section.entries.map { entry in
            var model = ProviderModel(name: entry.key)
            guard var m = MappingReader(entry.value, at: section.childPath(entry.key), decoder: decoder) else {
                return model
            }
            if let pricing = m.value("pricing") {
                model.pricing = decodePricing(pricing, at: m.childPath("pricing"), decoder)
            }
            if let via = m.stringList("access_via") {
                let protocols = decodeProtocols(via, at: m.childPath("access_via"), decoder)
                // Unknown names are reported already; do not also report an empty list.
                model.accessVia = protocols.isEmpty && !via.isEmpty ? nil : protocols
            }
            model.contextLength = positiveInteger(&m, "context_length")
            model.maxOutputTokens = positiveInteger(&m, "max_output_tokens")
            model.type = decodeEnum(&m, "type", what: "model type") ?? .chat
            model.maxConcurrency = positiveInteger(&m, "max_concurrency")
            m.rejectUnknownKeys()
            return model
        }
    }

    /// A token limit: a whole number above 0, else reported.
    static func positiveInteger(_ m: inout MappingReader, _ key: String) -> Int? {
        guard let n = m.integer(key) else { return nil }
        guard n > 0 else {
            m.decoder.report("must be a whole number above 0", at: m.childPath(key))
            return nil
        }
        return n
    }

    static func decodeProtocols(_ names: [String], at path: String, _ decoder: ConfigDecoder) -> [APIProtocol] {
        names.enumerated().compactMap { index, name in
            if let proto = APIProtocol(rawValue: name) { return proto }
            decoder.report("unknown protocol '\(name)' (expected one of: \(protocolChoices))", at: "\(path)[\(index)]")
            return nil
        }
    }
}
