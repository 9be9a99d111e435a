import PlexusCore
import Testing

@testable import PlexusUpstream

/// Generation URLs per protocol: the base URL's trailing slash, Gemini's model in the path (a `/` in a model name
/// such as `tunedModels/x` must not become a path separator) and the stream variant.
@Suite("Upstream endpoint URLs")
struct EndpointTests {
    @Test(arguments: [
        (APIProtocol.chat, "m", false, "https://h/v1/chat/completions"),
        (.messages, "m", true, "https://h/v1/messages"),
        (.gemini, "gemini-2.5-flash", false, "https://h/v1/models/gemini-2.5-flash:generateContent"),
        (.gemini, "tunedModels/a/b", true, "https://h/v1/models/tunedModels%2Fa%2Fb:streamGenerateContent?alt=sse"),
        (.gemini, "/lead", false, "https://h/v1/models/%2Flead:generateContent"),
    ])
    func generationURL(proto: APIProtocol, model: String, stream: Bool, expected: String) {
        for base in ["https://h/v1", "https://h/v1/"] {
            #expect(Endpoint(baseURL: base, apiKey: nil).url(for: proto, model: model, stream: stream) == expected)
        }
    }
}
