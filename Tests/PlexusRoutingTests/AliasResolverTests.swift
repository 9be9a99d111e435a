import PlexusCore
import PlexusRouting
import Testing

@Suite struct AliasResolverTests {
    let config: PlexusConfig
    let resolver: AliasResolver

    init() throws {
        config = try load(fullExampleYAML, fullExampleEnvironment)
        resolver = AliasResolver(config: config)
    }

    /// What a name resolves to, flattened for table tests.
    func outcome(_ name: String, _ key: KeyConfig?) -> String {
        switch resolver.resolve(name: name, key: key) {
        case .alias(let alias): "alias:\(alias.name)"
        case .pattern(let alias, let requested): "pattern:\(alias.name):\(requested)"
        case .direct(let provider, let model): "direct:\(provider.name):\(model)"
        case .notFound: "notFound"
        case .notAllowed: "notAllowed"
        }
    }

    @Test(arguments: [
        ("smart", "alias:smart"),
        ("fast", "alias:fast"),
        ("gpt-4o", "alias:smart"),
        ("claude-3-5-sonnet", "alias:smart"),
        ("direct/openai/gpt-4.1", "direct:openai:gpt-4.1"),
        ("direct/hub/glm-4.6", "direct:hub:glm-4.6"),
        ("direct/openai/not-listed", "notFound"),
        ("direct/nobody/gpt-4.1", "notFound"),
        ("direct/openai", "notFound"),
        ("gpt-4.1", "notFound"),
        ("SMART", "notFound"),
    ])
    func resolutionWithoutRestrictions(name: String, expected: String) {
        #expect(outcome(name, nil) == expected)
        #expect(outcome(name, KeyConfig(name: "all", secret: "s")) == expected)
    }

    @Test func resolutionOrderPrefersAliasOverAdditionalAlias() {
        // An invalid config (names clash), but resolution order still holds: alias first.
        let config = PlexusConfig(models: [
            AliasConfig(name: "a", additionalAliases: ["b"]),
            AliasConfig(name: "b"),
        ])
        let resolver = AliasResolver(config: config)
        #expect(resolver.resolve(name: "b", key: nil) == .alias(AliasConfig(name: "b")))
    }

    @Test func directModelNamesMayContainSlashes() throws {
        let yaml = "providers:\n  or:\n    api_base_url: https://openrouter.ai/api/v1\n"
        let resolver = AliasResolver(config: try load(yaml))
        let provider = try #require(resolver.config.provider(named: "or"))
        #expect(
            resolver.resolve(name: "direct/or/z-ai/glm-4.6", key: nil)
                == .direct(provider: provider, model: "z-ai/glm-4.6"))
    }

    @Test(arguments: [
        (["smart"], "smart", "alias:smart"),
        (["smart"], "gpt-4o", "alias:smart"),
        (["gpt-4o"], "smart", "alias:smart"),
        (["smart"], "fast", "notAllowed"),
        (["smart"], "nothing", "notFound"),
        (["smart"], "direct/openai/gpt-4.1", "notAllowed"),
        (["direct/openai/gpt-4.1"], "direct/openai/gpt-4.1", "direct:openai:gpt-4.1"),
        (["direct/openai/*"], "direct/openai/gpt-4.1-mini", "direct:openai:gpt-4.1-mini"),
        (["direct/openai/*"], "direct/gemini/gemini-2.5-pro", "notAllowed"),
        (["direct/*"], "direct/gemini/gemini-2.5-pro", "direct:gemini:gemini-2.5-pro"),
        ([], "smart", "notAllowed"),
    ])
    func allowedModels(allowed: [String], name: String, expected: String) {
        let key = KeyConfig(name: "k", secret: "s", allowedModels: allowed)
        #expect(outcome(name, key) == expected)
    }

    @Test func allowedNamesAreListedForErrorsAndModelLists() {
        let key = KeyConfig(name: "k", secret: "s", allowedModels: ["smart"])
        #expect(
            resolver.resolve(name: "fast", key: key) == .notAllowed(allowed: ["smart", "gpt-4o", "claude-3-5-sonnet"]))
        #expect(
            resolver.resolve(name: "nope", key: key) == .notFound(allowed: ["smart", "gpt-4o", "claude-3-5-sonnet"]))
        #expect(resolver.allowedAliases(for: key) == ["smart"])
        #expect(resolver.allowedAliases(for: nil) == ["smart", "fast"])
        #expect(resolver.allowedAliases(for: config.key(named: "laptop")) == ["smart", "fast"])
        #expect(resolver.allowedNames(for: nil) == ["smart", "gpt-4o", "claude-3-5-sonnet", "fast"])
    }

    @Test func directToDisabledProviderIsNotFound() throws {
        let yaml = "providers:\n  off:\n    enabled: false\n    api_base_url: mock://\n"
        let resolver = AliasResolver(config: try load(yaml))
        #expect(resolver.resolve(name: "direct/off/anything", key: nil) == .notFound(allowed: []))
    }

    @Test func candidatesSkipDisabledTargetsAndProviders() throws {
        let smart = try #require(config.alias(named: "smart"))
        let candidates = resolver.candidates(for: smart)
        #expect(
            candidates.map(\.target) == [
                TargetID(provider: "anthropic", model: "claude-sonnet-4-5"),
                TargetID(provider: "openai", model: "gpt-4.1"),
            ])
        #expect(candidates[0].baseURLs == [.messages: "https://api.anthropic.com/v1"])
        #expect(candidates[0].protocols == [.messages])
        #expect(candidates[0].pricing == config.provider(named: "anthropic")?.models.first?.pricing)
        #expect(candidates[1].weight == 2)
        #expect(candidates[1].speaks(.chat) && !candidates[1].speaks(.messages))

        var disabled = config
        disabled.providers[1].enabled = false  // anthropic
        let remaining = AliasResolver(config: disabled).candidates(for: smart)
        #expect(remaining.map(\.target.provider) == ["openai"])
    }

    @Test func candidateBaseURLsFollowAccessVia() throws {
        let yaml = """
            providers:
              hub:
                api_base_url: { chat: https://hub.example/v1, messages: https://hub.example/anthropic }
                models:
                  only-chat: { access_via: [chat] }
                  both: {}
            models:
              a:
                targets: [{ provider: hub, model: only-chat }, { provider: hub, model: both }]

            """
        let resolver = AliasResolver(config: try load(yaml))
        let candidates = resolver.candidates(for: try #require(resolver.config.alias(named: "a")))
        // `both` also embeds, at the chat URL (no `embeddings` URL is configured); `only-chat` may not.
        #expect(
            candidates.map(\.baseURLs) == [
                [.chat: "https://hub.example/v1"],
                [
                    .chat: "https://hub.example/v1", .messages: "https://hub.example/anthropic",
                    .embeddings: "https://hub.example/v1",
                ],
            ])
    }

    @Test func fallbackChain() throws {
        let yaml =
            minimalYAML + """
                  b:
                    fallback: fast
                    targets: [{ provider: demo, model: demo-fast }]
                  c:
                    fallback: b

                """
        let resolver = AliasResolver(config: try load(yaml))
        let c = try #require(resolver.config.alias(named: "c"))
        #expect(resolver.fallbackChain(for: c).map(\.name) == ["b", "fast"])
        #expect(resolver.candidates(for: c).isEmpty)
    }
}
