import PlexusCore
import PlexusRouting
import Testing

@Suite struct ProtocolInferenceTests {
    /// The URL's protocols, and what the provider speaks: a `chat` URL embeds too (CONFIG.md: a provider without
    /// an `embeddings` URL embeds at its chat one).
    @Test(arguments: [
        ("https://api.anthropic.com/v1", [APIProtocol.messages], [APIProtocol.messages]),
        ("https://eu.api.anthropic.com", [.messages], [.messages]),
        ("https://generativelanguage.googleapis.com/v1beta", [.gemini], [.gemini]),
        (
            "mock://", [.chat, .messages, .gemini, .responses, .embeddings],
            [.chat, .messages, .gemini, .responses, .embeddings]
        ),
        ("https://api.openai.com/v1", [.chat], [.chat, .embeddings]),
        ("https://openrouter.ai/api/v1", [.chat], [.chat, .embeddings]),
        ("http://localhost:11434/v1", [.chat], [.chat, .embeddings]),
        ("https://notanthropic.com/v1", [.chat], [.chat, .embeddings]),
    ])
    func inference(url: String, inferred: [APIProtocol], speaks: [APIProtocol]) throws {
        #expect(ProviderConfig.inferProtocols(baseURL: url) == inferred)
        let config = try load("providers:\n  p:\n    api_base_url: \(url)\n")
        #expect(config.provider(named: "p")?.protocols == speaks)
    }

    @Test func embeddingsGoToTheirOwnURLElseTheChatOne() throws {
        let config = try load(
            """
            providers:
              own:
                api_base_url: { chat: "https://a.example/v1", embeddings: "https://e.example/v2" }
              shared:
                api_base_url: { chat: "https://a.example/v1", messages: "https://b.example/v1" }
              none:
                api_base_url: { messages: "https://b.example/v1" }
            """)
        #expect(config.provider(named: "own")?.baseURL(for: .embeddings) == "https://e.example/v2")
        #expect(config.provider(named: "shared")?.baseURL(for: .embeddings) == "https://a.example/v1")
        #expect(config.provider(named: "none")?.baseURL(for: .embeddings) == nil)
        #expect(config.provider(named: "none")?.protocols == [.messages])
    }

    @Test func modelTypeIsReadAndDefaultsToChat() throws {
        let config = try load(
            "providers:\n  p:\n    api_base_url: mock://\n    models:\n      c: {}\n      e: { type: embeddings }\n")
        let p = try #require(config.provider(named: "p"))
        #expect(p.model(named: "c")?.type == .chat)
        #expect(p.model(named: "e")?.type == .embeddings)
        #expect(
            Candidate(provider: p, model: "e").serves(.embeddings) && !Candidate(provider: p, model: "e").serves(.chat))
        #expect(
            Candidate(provider: p, model: "c").serves(.chat) && !Candidate(provider: p, model: "c").serves(.embeddings))
    }

    @Test func accessViaNarrowsTheProvidersProtocols() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        let hub = try #require(config.provider(named: "hub"))
        #expect(hub.protocols(forModel: "glm-4.6") == [.chat, .messages])
        let demo = try #require(config.provider(named: "demo"))
        #expect(demo.protocols(forModel: "demo-fast") == [.chat, .messages, .gemini, .responses, .embeddings])
    }

    /// The client's own embeddings form when the target has it, else the other; none where nothing embeds.
    @Test(arguments: [
        (APIProtocol.embeddings, [APIProtocol.chat, .messages, .gemini, .embeddings], APIProtocol?.some(.embeddings)),
        (.gemini, [.chat, .messages, .gemini, .embeddings], .gemini),
        (.embeddings, [.gemini], .gemini),
        (.gemini, [.chat, .embeddings], .embeddings),
        (.gemini, [.chat, .messages], nil),
    ])
    func embeddingsProtocolChoice(client: APIProtocol, available: [APIProtocol], expected: APIProtocol?) {
        #expect(ProtocolChoice.chooseEmbeddings(client: client, available: available) == expected)
    }
}
