import Foundation
import PlexusCore
import Testing

/// The captured embeddings calls (OpenAI float and base64, Gemini batch and single), decoded and re-encoded for
/// every client form and vector encoding; every value is compared in float32 with what the raw capture holds.
@Suite struct EmbeddingsFixtureTests {
    static let clients = EmbeddingsCall.allCases
    static let upstreams: [EmbeddingsCall] = [.openAI, .geminiBatch]
    static let encodings: [IR.EmbeddingEncoding] = [.float, .base64]

    @Test func fixturesAreFound() {
        #expect(EmbeddingsFixture.all.count >= 5)
        #expect(Set(EmbeddingsFixture.all.map(\.call)) == Set(EmbeddingsCall.allCases))
        #expect(
            EmbeddingsFixture.all.contains { $0.json["data"]?.at(0)?["embedding"]?.stringValue != nil },
            "a base64 capture")
    }

    @Test(arguments: EmbeddingsFixture.all)
    func answerDecodesAsCaptured(_ f: EmbeddingsFixture) throws {
        let decoded = try Translator.decodeEmbeddings(f.bytes, as: f.call)
        let raw = f.vectors
        #expect(decoded.vectors.count == f.texts.count, "one vector per input")
        #expect(decoded.vectors == raw)
        #expect(raw.allSatisfy { [768, 1536, 3072].contains($0.count) }, "dimensions as captured: \(raw.map(\.count))")
        #expect(decoded.promptTokens == f.promptTokens)
        if f.call != .geminiEmbedContent {
            #expect(Translator.embeddingsPromptTokens(ofResponse: f.bytes, as: f.call) == f.promptTokens)
        }
    }

    @Test(arguments: EmbeddingsFixture.all)
    func requestDecodesAsCaptured(_ f: EmbeddingsFixture) throws {
        let r = try Translator.decodeEmbeddingsRequest(f.requestBytes, as: f.call, model: "path-model")
        #expect(r.inputs.map(\.content) == f.texts.map { .text($0) })
        let asked = f.requestJSON["encoding_format"]?.stringValue
        #expect(r.encoding == (asked == "base64" ? .base64 : .float))
        let model = f.call == .openAI ? f.requestJSON["model"]?.stringValue : "path-model"
        #expect(r.model == model)
        for (i, input) in r.inputs.enumerated() {
            #expect(input.taskType == f.requestJSON["requests"]?.at(i)?["taskType"]?.stringValue)
        }
    }

    /// Upstream answer (each capture) to each client form in each encoding: the client reads the very same
    /// float32 values, in the same order.
    @Test(arguments: EmbeddingsFixture.all, clients)
    func answerReachesEveryClient(_ f: EmbeddingsFixture, _ client: EmbeddingsCall) throws {
        var decoded = try Translator.decodeEmbeddings(f.bytes, as: f.call)
        guard client != .geminiEmbedContent || decoded.vectors.count == 1 else { return }
        decoded.promptTokens = decoded.promptTokens ?? 7
        for encoding in Self.encodings {
            let body = Translator.encodeEmbeddings(decoded, as: client, encoding: encoding, clientModel: "my-alias")
            #expect(try EmbeddingsReader.vectors(body, as: client) == f.vectors, "\(encoding)")
            let json = try JSONValue(parsing: body)
            if client == .openAI {
                #expect(json["model"]?.stringValue == "my-alias")
                #expect(json["usage"]?["prompt_tokens"]?.doubleValue == Double(f.promptTokens ?? 7))
                let first = json["data"]?.at(0)?["embedding"]
                #expect((first?.stringValue != nil) == (encoding == .base64))
            }
            // And back: the client's bytes decode to the same answer.
            let back = try Translator.decodeEmbeddings(body, as: client)
            #expect(back.vectors == f.vectors)
        }
    }

    /// Client request (each capture) to each upstream form: the same texts in the same order, the target's own
    /// model, and options mapped or dropped as TRANSLATION.md says.
    @Test(arguments: EmbeddingsFixture.all, upstreams)
    func requestReachesEveryUpstream(_ f: EmbeddingsFixture, _ upstream: EmbeddingsCall) throws {
        let r = try Translator.decodeEmbeddingsRequest(f.requestBytes, as: f.call, model: "alias")
        let body = try Translator.encodeEmbeddingsRequest(r, as: upstream, upstreamModel: "up-model")
        #expect(try EmbeddingsReader.texts(body, as: upstream) == f.texts)
        let json = try JSONValue(parsing: body)
        switch upstream {
        case .openAI:
            #expect(json["model"]?.stringValue == "up-model")
            #expect(json["encoding_format"]?.stringValue == "base64", "exact float32 at a quarter of the bytes")
            #expect(json["taskType"] == nil && json["task_type"] == nil)
        default:
            let requests = json["requests"]?.arrayValue ?? []
            #expect(requests.count == f.texts.count)
            #expect(requests.allSatisfy { $0["model"]?.stringValue == "models/up-model" })
            let tasks = (f.requestJSON["requests"]?.arrayValue ?? []).map { $0["taskType"] }
            if !tasks.isEmpty { #expect(requests.map { $0["taskType"] } == tasks) }
        }
    }
}
