import Foundation
import PlexusCore
import PlexusRouting
import Testing

@Suite struct ConfigLoaderTests {
    @Test func fullExampleSettings() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 4000)
        #expect(config.server.adminKey == "admin-secret")
        #expect(config.server.adminKeyReference == "${PLEXUS_ADMIN_KEY}")
        #expect(config.server.maxBodyBytes == 33_554_432)
        #expect(config.storage.location == .sqlite(path: "data/plexus.sqlite"))
        #expect(config.failover.retryableStatusCodes == [408, 409, 425, 429, 500, 502, 503, 504, 529])
        #expect(config.failover.firstByteTimeoutSeconds == 60)
        #expect(config.cooldown.maxSeconds == 1800)
        #expect(config.routing.explorationRate == 0.05)
        #expect(config.debug.captureOnError)
        #expect(config.pricing.refreshHours == 24)
        #expect(config.rawYAML == fullExampleYAML)
    }

    @Test func fullExampleProviders() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        #expect(config.providers.map(\.name) == ["openai", "anthropic", "gemini", "hub", "demo"])
        let openai = try #require(config.provider(named: "openai"))
        #expect(openai.displayName == "OpenAI" && openai.title == "OpenAI")
        #expect(config.provider(named: "gemini")?.title == "gemini")
        #expect(openai.baseURLs == [.chat: "https://api.openai.com/v1"])
        #expect(openai.apiKey == "sk-openai")
        #expect(openai.apiKeyReference == "${OPENAI_API_KEY}")
        #expect(openai.headers == ["OpenAI-Organization": "org-123"])
        #expect(openai.extraBody.isEmpty)
        #expect(openai.models.map(\.name) == ["gpt-4.1-mini", "gpt-4.1"])
        #expect(
            openai.model(named: "gpt-4.1-mini")?.pricing
                == .simple(TokenPrices(input: 0.40, output: 1.60, cached: 0.10)))
        #expect(openai.model(named: "gpt-4.1")?.pricing == nil)

        let anthropic = try #require(config.provider(named: "anthropic"))
        #expect(anthropic.protocols == [.messages])
        #expect(
            anthropic.model(named: "claude-sonnet-4-5")?.pricing
                == .tiered([
                    PriceTier(upTo: 200_000, prices: TokenPrices(input: 3, output: 15, cached: 0.3, cacheWrite: 3.75)),
                    PriceTier(upTo: nil, prices: TokenPrices(input: 6, output: 22.5, cached: 0.6, cacheWrite: 7.5)),
                ]))
        #expect(config.provider(named: "gemini")?.protocols == [.gemini])
        #expect(config.provider(named: "gemini")?.models.map(\.name) == ["gemini-2.5-flash", "gemini-2.5-pro"])

        let hub = try #require(config.provider(named: "hub"))
        #expect(hub.baseURLInferred == false)
        #expect(
            hub.baseURLs == [
                .chat: "https://llm-hub.example.net/openai/v1", .messages: "https://llm-hub.example.net/anthropic/v1",
            ])
        #expect(hub.model(named: "glm-4.6")?.accessVia == [.chat, .messages])
        #expect(hub.model(named: "glm-4.6")?.pricing == .openRouter(slug: "z-ai/glm-4.6", discount: nil))

        let demo = try #require(config.provider(named: "demo"))
        #expect(demo.protocols == APIProtocol.allCases)
        #expect(demo.isMock)
        #expect(demo.apiKey == nil)
    }

    @Test func fullExampleModelsAndKeys() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        #expect(config.models.map(\.name) == ["smart", "fast"])
        let smart = try #require(config.alias(named: "smart"))
        #expect(smart.additionalAliases == ["gpt-4o", "claude-3-5-sonnet"])
        #expect(smart.selector == .cost)
        #expect(smart.priority == .apiMatch)
        #expect(
            smart.targets == [
                TargetConfig(provider: "anthropic", model: "claude-sonnet-4-5"),
                TargetConfig(provider: "openai", model: "gpt-4.1", weight: 2),
                TargetConfig(provider: "hub", model: "glm-4.6", enabled: false),
            ])
        let fast = try #require(config.alias(named: "fast"))
        #expect(fast.selector == .latency)
        #expect(fast.priority == .selector)
        #expect(fast.fallback == "smart")

        let laptop = try #require(config.key(named: "laptop"))
        #expect(laptop.secret == "laptop-secret")
        #expect(laptop.secretReference == "${LAPTOP_KEY}")
        #expect(laptop.comment == "my laptop")
        #expect(laptop.allowedModels == ["smart", "fast"])
        #expect(laptop.expiresAt == Date(timeIntervalSince1970: 1_798_761_600))
        #expect(config.environmentReferences["providers.hub.api_key"] == "${HUB_KEY}")
    }

    @Test func defaultsMatchTheReference() throws {
        let config = try load(minimalYAML)
        #expect(config.server == ServerConfig())
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 4000)
        #expect(config.server.adminKey == nil)
        #expect(config.server.maxBodyBytes == 32 * 1024 * 1024)
        #expect(config.server.corsOrigins.isEmpty)
        #expect(config.server.allowAnonymous == false)
        #expect(config.storage.location == .sqlite(path: "data/plexus.sqlite"))
        #expect(config.storage.retentionDays == 30)
        #expect(config.storage.debugRetentionDays == 3)
        #expect(config.failover.enabled)
        #expect(config.failover.retryableStatusCodes == [408, 409, 425, 429, 500, 502, 503, 504, 529])
        #expect(config.failover.maxAttempts == 4)
        #expect(config.failover.requestTimeoutSeconds == 600)
        #expect(config.failover.firstByteTimeoutSeconds == 60)
        #expect(config.cooldown == CooldownConfig())
        #expect(config.cooldown.initialSeconds == 30 && config.cooldown.retryAfterCapSeconds == 300)
        #expect(config.routing.explorationRate == 0.05 && config.routing.stickySessions)
        #expect(config.debug.capture == false && config.debug.captureOnError)
        #expect(config.pricing.openrouterURL == "https://openrouter.ai/api/v1/models")
        let demo = try #require(config.provider(named: "demo"))
        #expect(demo.enabled && demo.timeoutSeconds == 300 && demo.discount == 0 && demo.headers.isEmpty)
        let fast = try #require(config.alias(named: "fast"))
        #expect(fast.selector == .random && fast.priority == .selector && fast.fallback == nil)
        #expect(fast.targets.first?.weight == 1 && fast.targets.first?.enabled == true)
        #expect(config.keys.isEmpty)
    }

    @Test func fullExampleIsEquivalentToTheDefaults() throws {
        // Every section value in the example is the documented default.
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        var expected = ServerConfig()
        expected.adminKey = "admin-secret"
        expected.adminKeyReference = "${PLEXUS_ADMIN_KEY}"
        #expect(config.server == expected)
        #expect(config.storage == StorageConfig())
        #expect(config.failover == FailoverConfig())
        #expect(config.cooldown == CooldownConfig())
        #expect(config.routing == RoutingConfig())
        #expect(config.debug == DebugConfig())
        #expect(config.pricing == PricingConfig())
    }

    @Test func emptyDocumentIsAnEmptyConfig() throws {
        let config = try load("")
        #expect(config.providers.isEmpty && config.models.isEmpty && config.keys.isEmpty)
        #expect(config.server.port == 4000)
    }

    @Test func otherForms() throws {
        let yaml = """
            server: { port: 8080, cors_origins: [https://app.example.com], allow_anonymous: yes, admin_key: "" }
            storage: { url: "postgres://u:p@db:5432/plexus" }
            providers:
              local:
                api_base_url: http://localhost:11434/v1/
                extra_body: { options: { num_ctx: 8192 }, tags: [a, 1, true, null] }
                discount: 0.25
                models:
                  m1: { pricing: { input: 1, output: 2 } }
                  m2: { pricing: { source: per_request, amount: 0.01 } }
                  m3:
            models:
              a:
                selector: in_order
                targets: [{ provider: local, model: m1 }]

            """
        let config = try load(yaml)
        #expect(config.server.port == 8080)
        #expect(config.server.adminKey == nil)
        #expect(config.server.allowAnonymous)
        #expect(config.server.corsOrigins == ["https://app.example.com"])
        #expect(config.storage.location == .postgres(url: "postgres://u:p@db:5432/plexus"))
        let local = try #require(config.provider(named: "local"))
        #expect(local.baseURLs == [.chat: "http://localhost:11434/v1"])
        #expect(JSONValue.object(local.extraBody) == ["options": ["num_ctx": 8192], "tags": ["a", 1, true, nil]])
        #expect(local.discount == 0.25)
        #expect(local.model(named: "m1")?.pricing == .simple(TokenPrices(input: 1, output: 2)))
        #expect(local.model(named: "m2")?.pricing == .perRequest(amount: 0.01))
        #expect(local.model(named: "m3") == ProviderModel(name: "m3"))
        #expect(config.alias(named: "a")?.selector == .inOrder)
    }

    @Test func anchorsAndMergeKeys() throws {
        let yaml = """
            providers:
              a: &common
                api_base_url: https://hub.example/v1
                timeout_seconds: 30
                models: [m]
              b:
                <<: *common
                timeout_seconds: 60
            models:
              x:
                targets:
                  - &t { provider: a, model: m }
                  - { <<: *t, provider: b }

            """
        let config = try load(yaml)
        #expect(config.provider(named: "b")?.baseURLs == [.chat: "https://hub.example/v1"])
        #expect(config.provider(named: "b")?.timeoutSeconds == 60)
        #expect(config.provider(named: "b")?.models == [ProviderModel(name: "m")])
        #expect(config.alias(named: "x")?.targets.map(\.provider) == ["a", "b"])
    }

    @Test(arguments: [
        (
            "sqlite://data/plexus.sqlite", StorageLocation.sqlite(path: "data/plexus.sqlite"),
            "/etc/plexus/data/plexus.sqlite" as String?
        ),
        ("sqlite:///var/lib/plexus.sqlite", .sqlite(path: "/var/lib/plexus.sqlite"), "/var/lib/plexus.sqlite"),
        ("postgresql://h/db", .postgres(url: "postgresql://h/db"), nil),
    ])
    func storageURLs(url: String, location: StorageLocation, resolved: String?) throws {
        #expect(try StorageLocation.parse(url).get() == location)
        #expect(location.sqlitePath(relativeTo: "/etc/plexus") == resolved)
    }

    @Test func timestamps() {
        #expect(ConfigLoader.parseTimestamp("2027-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_798_761_600))
        #expect(ConfigLoader.parseTimestamp("2027-01-01T01:00:00+01:00") == Date(timeIntervalSince1970: 1_798_761_600))
        #expect(ConfigLoader.parseTimestamp("2027-01-01") == Date(timeIntervalSince1970: 1_798_761_600))
        #expect(ConfigLoader.parseTimestamp("next year") == nil)
    }
}
