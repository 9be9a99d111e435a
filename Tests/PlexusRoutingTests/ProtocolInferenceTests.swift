import PlexusCore
import Testing

import PlexusRouting

@Suite struct ProtocolInferenceTests {
    @Test(arguments: [
        ("https://api.anthropic.com/v1", [APIProtocol.messages]),
        ("https://eu.api.anthropic.com", [.messages]),
        ("https://generativelanguage.googleapis.com/v1beta", [.gemini]),
        ("mock://", [.chat, .messages, .gemini]),
        ("https://api.openai.com/v1", [.chat]),
        ("https://openrouter.ai/api/v1", [.chat]),
        ("http://localhost:11434/v1", [.chat]),
        ("https://notanthropic.com/v1", [.chat]),
    ])
    func inference(url: String, expected: [APIProtocol]) throws {
        #expect(ProviderConfig.inferProtocols(baseURL: url) == expected)
        let config = try load("providers:\n  p:\n    api_base_url: \(url)\n")
        #expect(config.provider(named: "p")?.protocols == expected)
    }

    @Test func accessViaNarrowsTheProvidersProtocols() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        let hub = try #require(config.provider(named: "hub"))
        #expect(hub.protocols(forModel: "glm-4.6") == [.chat, .messages])
        let demo = try #require(config.provider(named: "demo"))
        #expect(demo.protocols(forModel: "demo-fast") == [.chat, .messages, .gemini])
    }
}
