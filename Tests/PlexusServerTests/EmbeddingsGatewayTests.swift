import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusRouting
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 20 item 1: embeddings through the in-process gateway to the mock over loopback HTTP, every client form to
/// both upstream kinds, with the usage row, failover and the kind of model an alias serves.
@Suite("Embeddings through the gateway", .serialized, .timeLimit(.minutes(3)))
struct EmbeddingsGatewayTests {
    static func yaml(port: Int) -> String {
        """
        providers:
          oa:
            api_base_url: { embeddings: "http://127.0.0.1:\(port)/v1" }
            models:
              text-embed: { type: embeddings, pricing: { source: simple, input: 0.02, output: 0 } }
              demo-fast: {}
          gm:
            api_base_url: { gemini: "http://127.0.0.1:\(port)/v1beta" }
            models:
              gem-embed: { type: embeddings, pricing: { source: simple, input: 0.15, output: 0 } }
          plain:
            api_base_url: http://127.0.0.1:\(port)/v1
          local:
            api_base_url: mock://
        models:
          e-openai:
            targets: [{ provider: oa, model: text-embed }]
          e-gemini:
            targets: [{ provider: gm, model: gem-embed }]
          e-chat-url:
            targets: [{ provider: plain, model: any-embedder }]
          e-local:
            targets: [{ provider: local, model: demo-embed }]
          e-flaky:
            selector: in_order
            targets:
              - { provider: plain, model: "mock:fail=503" }
              - { provider: gm, model: gem-embed }
          chatty:
            targets: [{ provider: oa, model: demo-fast }]
        keys:
          tester: { secret: "${TEST_KEY}" }
        cooldown: { initial_seconds: 30, max_seconds: 60 }
        """
    }

    static let texts = ["The first input", "second", "a third, longer input of several words"]

    /// One request in one client form, and where it goes.
    struct Call: Sendable {
        let path: String
        let body: String
        let form: EmbeddingsCall
        let texts: [String]
    }

    static func call(_ form: EmbeddingsCall, alias: String, texts: [String] = texts, base64: Bool = false) -> Call {
        let quoted = texts.map { "\"\($0)\"" }
        switch form {
        case .openAI:
            let encoding = base64 ? #","encoding_format":"base64""# : ""
            return Call(
                path: "/v1/embeddings",
                body: #"{"model":"\#(alias)","input":[\#(quoted.joined(separator: ","))]\#(encoding)}"#,
                form: form, texts: texts)
        case .geminiEmbedContent:
            return Call(
                path: "/v1beta/models/\(alias):embedContent",
                body: #"{"content":{"parts":[{"text":\#(quoted[0])}]},"taskType":"RETRIEVAL_QUERY"}"#,
                form: form, texts: [texts[0]])
        case .geminiBatch:
            let requests = quoted.map { #"{"model":"models/\#(alias)","content":{"parts":[{"text":\#($0)}]}}"# }
            return Call(
                path: "/v1beta/models/\(alias):batchEmbedContents",
                body: #"{"requests":[\#(requests.joined(separator: ","))]}"#, form: form, texts: texts)
        }
    }

    static func send(_ gw: TestGateway, _ call: Call) async throws -> (HTTPClientResponse, [UInt8]) {
        let response = try await HTTPClient.shared.post(
            gw.base + call.path, json: call.body,
            headers: [("authorization", "Bearer \(TestGateway.key)")])
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response, Array(body.readableBytesView))
    }

    /// Every client form (OpenAI float and base64, Gemini single and batch) to both upstream kinds: the mock's
    /// vector for each text, in order; the row says embeddings, its protocols, tokens (reported or estimated) and cost.
    @Test func everyClientFormReachesBothUpstreamKinds() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                for (alias, target, price) in [("e-openai", APIProtocol.embeddings, 0.02), ("e-gemini", .gemini, 0.15)]
                {
                    for (form, base64) in [
                        (EmbeddingsCall.openAI, false), (.openAI, true), (.geminiEmbedContent, false),
                        (.geminiBatch, false),
                    ] {
                        let call = Self.call(form, alias: alias, base64: base64)
                        let (response, body) = try await Self.send(gw, call)
                        let label = "\(form) base64=\(base64) -> \(alias)"
                        #expect(response.status.code == 200, "\(label): \(String(decoding: body, as: UTF8.self))")
                        let expected = call.texts.map { MockEmbeddings.vector(for: $0) }
                        #expect(try Self.vectors(body, form: form, base64: base64) == expected, "\(label)")
                        #expect(response.headers.first(name: "x-plexus-api") == target.rawValue)
                        let estimated = target == .gemini
                        #expect(
                            (response.headers.first(name: "x-plexus-token-estimate") == "true") == estimated, "\(label)"
                        )
                        let row = try #require(try await gw.rows(1).first)
                        #expect(row.kind == .embeddings)
                        #expect(row.clientProtocol == form.apiProtocol && row.targetProtocol == target)
                        #expect(row.tokensEstimated == estimated)
                        let reported = call.texts.reduce(0) { $0 + MockEmbeddings.tokens(of: $1) }
                        let estimate = call.texts.reduce(0) { $0 + max(1, ($1.utf8.count + 3) / 4) }
                        #expect(row.tokens.input == (estimated ? estimate : reported), "\(label)")
                        #expect(abs((row.cost?.total ?? -1) - Double(row.tokens.input ?? 0) * price / 1e6) < 1e-12)
                        if form == .openAI {
                            let usage = try JSONValue(parsing: body)["usage"]
                            #expect(usage?["prompt_tokens"]?.intValue == row.tokens.input)
                        }
                    }
                }
            }
        }
    }

    /// The client's vectors read with Foundation and plain JSON (not the gateway's codecs).
    static func vectors(_ body: [UInt8], form: EmbeddingsCall, base64: Bool) throws -> [[Float]] {
        let json = try JSONValue(parsing: body)
        func floats(_ v: JSONValue?) -> [Float] { (v?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) } }
        switch form {
        case .openAI:
            let items = json["data"]?.arrayValue ?? []
            #expect(items.map { $0["index"]?.intValue } == Array(0..<items.count))
            guard base64 else { return items.map { floats($0["embedding"]) } }
            return try items.map { item in
                let data = try #require(Data(base64Encoded: item["embedding"]?.stringValue ?? ""))
                return stride(from: 0, to: data.count, by: 4).map { i in
                    Float(bitPattern: data[i..<i + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                }
            }
        case .geminiBatch: return (json["embeddings"]?.arrayValue ?? []).map { floats($0["values"]) }
        case .geminiEmbedContent: return [floats(json["embedding"]?["values"])]
        }
    }

    @Test func aProviderWithoutAnEmbeddingsURLEmbedsAtItsChatURLAndTheMockInProcess() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                // The chat-URL provider has only OpenAI's form; the in-process mock speaks Gemini too, the client's own.
                for (alias, api) in [("e-chat-url", "embeddings"), ("e-local", "gemini")] {
                    let (response, body) = try await Self.send(gw, Self.call(.geminiBatch, alias: alias))
                    #expect(response.status.code == 200, "\(alias)")
                    #expect(
                        try Self.vectors(body, form: .geminiBatch, base64: false)
                            == Self.texts.map { MockEmbeddings.vector(for: $0) })
                    #expect(response.headers.first(name: "x-plexus-api") == api)
                }
            }
        }
    }

    /// A 503 fails over to the next target and cools the first down, as for chat.
    @Test func failoverAndCooldownAsForChat() async throws {
        try await withMockServer { port, mock in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let (response, body) = try await Self.send(gw, Self.call(.openAI, alias: "e-flaky"))
                #expect(response.status.code == 200)
                #expect(response.headers.first(name: "x-plexus-provider") == "gm")
                #expect(
                    try Self.vectors(body, form: .openAI, base64: false)
                        == Self.texts.map { MockEmbeddings.vector(for: $0) })
                let row = try #require(try await gw.rows(1).first)
                #expect(row.attempts.map(\.status) == [503, 200])
                #expect(row.attempts.map(\.api) == ["embeddings", "gemini"])
                let cooling = gw.gateway.routing.cooldowns(now: RoutingState.now())
                #expect(cooling.map(\.target) == [TargetID(provider: "plain", model: "mock:fail=503")])
                _ = try await Self.send(gw, Self.call(.openAI, alias: "e-flaky"))
                #expect(
                    await mock.stats.requests(for: "mock:fail=503") == 1, "a cooling target is not tried first again")
            }
        }
    }

    /// Options reach the upstream in its own spelling; what it cannot take is a 400 naming the field, in the
    /// client's protocol.
    @Test func optionsAndWhatATargetCannotTake() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let dims = Call(
                    path: "/v1/embeddings", body: #"{"model":"e-gemini","input":["x","y"],"dimensions":5}"#,
                    form: .openAI, texts: ["x", "y"])
                let (ok, body) = try await Self.send(gw, dims)
                #expect(ok.status.code == 200)
                #expect(
                    try Self.vectors(body, form: .openAI, base64: false)
                        == ["x", "y"].map { MockEmbeddings.vector(for: $0, dimensions: 5) })
                let tokens = Call(
                    path: "/v1/embeddings", body: #"{"model":"e-gemini","input":[1,2,3]}"#, form: .openAI, texts: [])
                let (refused, error) = try await Self.send(gw, tokens)
                #expect(refused.status.code == 400)
                #expect(try JSONValue(parsing: error)["error"]?["param"]?.stringValue == "input")
                let toOpenAI = Call(
                    path: "/v1/embeddings", body: #"{"model":"e-openai","input":[1,2,3]}"#, form: .openAI, texts: [])
                let (accepted, vectors) = try await Self.send(gw, toOpenAI)
                #expect(accepted.status.code == 200)
                #expect(
                    try Self.vectors(vectors, form: .openAI, base64: false) == [
                        MockEmbeddings.vector(for: "tokens:1,2,3")
                    ])
                let bad = Call(
                    path: "/v1beta/models/e-openai:batchEmbedContents", body: #"{"requests":[]}"#, form: .geminiBatch,
                    texts: [])
                let (badResponse, badBody) = try await Self.send(gw, bad)
                #expect(badResponse.status.code == 400)
                #expect(
                    try JSONValue(parsing: badBody)["error"]?["status"]?.stringValue == "INVALID_ARGUMENT",
                    "Gemini's shape")
            }
        }
    }

    /// An alias serves the kind of its models: embeddings to a chat model, or chat to an embedding model, is a 400.
    @Test func anAliasServesTheKindOfItsModels() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let (embedChat, body) = try await Self.send(gw, Self.call(.openAI, alias: "chatty"))
                #expect(embedChat.status.code == 400)
                #expect(try JSONValue(parsing: body)["error"]?["param"]?.stringValue == "model")
                let chat = try await gw.chat("e-openai")
                #expect(chat.status == 400)
                #expect(chat.body.contains("embeddings model"))
                let rows = try await gw.rows(2)
                #expect(rows.map(\.kind) == [.chat, .embeddings])
            }
        }
    }

    /// Gemini's model list names the methods an alias answers: an embedder's are the embedding ones.
    @Test func geminiModelListNamesTheEmbeddingMethods() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let list = try await ModelListTests.get(gw, "/v1beta/models")
                let models = try #require(list.body?["models"]?.arrayValue)
                func methods(_ alias: String) -> JSONValue? {
                    models.first { $0["name"]?.stringValue == "models/\(alias)" }?["supportedGenerationMethods"]
                }
                #expect(methods("e-openai") == ["embedContent", "batchEmbedContents"])
                #expect(methods("chatty") == ["generateContent", "streamGenerateContent", "countTokens"])
            }
        }
    }
}
