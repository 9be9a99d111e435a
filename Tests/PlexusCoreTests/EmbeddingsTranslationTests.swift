import Foundation
import PlexusCore
import Testing

/// The rules of TRANSLATION.md "Embeddings" beyond the captures: options, token ids, order, bad input.
@Suite struct EmbeddingsTranslationTests {
    static func request(_ text: String, as call: EmbeddingsCall) throws(PlexusError) -> IR.EmbeddingsRequest {
        try Translator.decodeEmbeddingsRequest(Array(text.utf8), as: call, model: "alias")
    }

    static func encode(_ text: String, from call: EmbeddingsCall, to upstream: EmbeddingsCall) throws -> JSONValue {
        try JSONValue(
            parsing: Translator.encodeEmbeddingsRequest(request(text, as: call), as: upstream, upstreamModel: "m"))
    }

    /// Bad client bodies: a 400 naming the field, in every form.
    @Test(arguments: [
        (EmbeddingsCall.openAI, #"{"input":"x"}"#, "model"),
        (.openAI, #"{"model":"m"}"#, "input"),
        (.openAI, #"{"model":"m","input":[]}"#, "input"),
        (.openAI, #"{"model":"m","input":{"text":"x"}}"#, "input"),
        (.openAI, #"{"model":"m","input":["a",2]}"#, "input[1]"),
        (.openAI, #"{"model":"m","input":[[1,2],[3,-4]]}"#, "input[1]"),
        (.openAI, #"{"model":"m","input":"x","encoding_format":"int8"}"#, "encoding_format"),
        (.openAI, #"{"model":"m","input":"x","dimensions":0}"#, "dimensions"),
        (.geminiEmbedContent, #"{"content":{}}"#, "content"),
        (.geminiEmbedContent, #"{"content":{"parts":[]}}"#, "content.parts"),
        (.geminiBatch, #"{}"#, "requests"),
        (.geminiBatch, #"{"requests":[]}"#, "requests"),
        (
            .geminiBatch, #"{"requests":[{"content":{"parts":[{"text":"a"}]}},{"model":"models/m"}]}"#,
            "requests[1].content"
        ),
        (
            .geminiBatch, #"{"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":-1}]}"#,
            "requests[0].outputDimensionality"
        ),
    ])
    func badInputIsA400NamingTheField(call: EmbeddingsCall, body: String, param: String) {
        do {
            _ = try Self.request(body, as: call)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.kind == .invalidRequest && error.httpStatus == 400)
            #expect(error.param == param, "\(error.message)")
        }
    }

    /// What one target can express and another cannot: token ids, a shared vector length, a title.
    @Test(arguments: [
        (EmbeddingsCall.openAI, #"{"model":"a","input":[1,2,3]}"#, EmbeddingsCall.geminiBatch, "input"),
        (.openAI, #"{"model":"a","input":[[1,2],[3]]}"#, .geminiBatch, "input[0]"),
        (
            .geminiBatch,
            #"{"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":8},"#
                + #"{"content":{"parts":[{"text":"b"}]},"outputDimensionality":16}]}"#, .openAI,
            "requests[1].outputDimensionality"
        ),
        (
            .geminiEmbedContent, #"{"content":{"parts":[{"text":"a"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"T"}"#,
            .openAI, "title"
        ),
        (
            .geminiEmbedContent, #"{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}"#,
            .openAI, "content.parts"
        ),
    ])
    func whatATargetCannotExpressIsA400(from: EmbeddingsCall, body: String, to: EmbeddingsCall, param: String) throws {
        let r = try Self.request(body, as: from)
        do {
            _ = try Translator.encodeEmbeddingsRequest(r, as: to, upstreamModel: "m")
            Issue.record("encoded what \(to) cannot express")
        } catch {
            #expect(error.httpStatus == 400)
            #expect(error.param == param, "\(error.message)")
        }
    }

    @Test func tokenIdsGoToAnOpenAITargetAsSent() throws {
        let one = try Self.encode(#"{"model":"a","input":[5,6,7]}"#, from: .openAI, to: .openAI)
        #expect(one["input"] == [[5, 6, 7]])
        let many = try Self.encode(#"{"model":"a","input":[[1],[2,3]]}"#, from: .openAI, to: .openAI)
        #expect(many["input"] == [[1], [2, 3]])
    }

    @Test func dimensionsMapBothWays() throws {
        let toGemini = try Self.encode(
            #"{"model":"a","input":["x","y"],"dimensions":64}"#, from: .openAI, to: .geminiBatch)
        #expect(toGemini["requests"]?.arrayValue?.map { $0["outputDimensionality"] } == [64, 64])
        let toOpenAI = try Self.encode(
            #"{"requests":[{"content":{"parts":[{"text":"a"}]},"output_dimensionality":32,"task_type":"RETRIEVAL_QUERY"}]}"#,
            from: .geminiBatch, to: .openAI)
        #expect(toOpenAI["dimensions"] == 32, "snake_case read too")
        #expect(toOpenAI["input"] == ["a"])
    }

    @Test func severalTextPartsAreOneInputJoinedByNewlines() throws {
        let body = #"{"content":{"role":"user","parts":[{"text":"first"},{"text":"second"}]}}"#
        #expect(try Self.encode(body, from: .geminiEmbedContent, to: .openAI)["input"] == ["first\nsecond"])
        let gemini = try Self.encode(body, from: .geminiEmbedContent, to: .geminiBatch)
        #expect(gemini["requests"]?.at(0)?["content"]?["parts"]?.arrayValue?.count == 2, "kept as sent for Gemini")
    }

    /// OpenAI numbers `data` by `index`: an answer out of order is read back into input order.
    @Test func upstreamItemsAreOrderedByIndex() throws {
        let body =
            #"{"data":[{"index":1,"embedding":[2.5]},{"index":0,"embedding":[-1.25]}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}"#
        let decoded = try Translator.decodeEmbeddings(Array(body.utf8), as: .openAI)
        #expect(decoded.vectors == [[-1.25], [2.5]])
        #expect(decoded.promptTokens == 3)
    }

    @Test(arguments: [
        #"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]}"#,
        #"{"data":[{"index":3,"embedding":[1]}]}"#,
        #"{"data":[{"index":0,"embedding":"not base64!"}]}"#,
        #"{"object":"list"}"#,
    ])
    func unreadableUpstreamAnswersAreUpstreamErrors(body: String) {
        do {
            _ = try Translator.decodeEmbeddings(Array(body.utf8), as: .openAI)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.kind == .upstream)
        }
    }

    /// Base64 is little-endian float32, checked against Foundation's decoder and the machine's own float bytes.
    @Test(arguments: [[Float](), [0, -0.0, 1, -1.5, 3.4028235e38, Float.leastNonzeroMagnitude, 0.1, -0.0052341353]])
    func base64IsLittleEndianFloat32(values: [Float]) throws {
        let text = EmbeddingVector.base64(values)
        let data = try #require(Data(base64Encoded: text))
        let native = values.withUnsafeBytes { Data($0) }  // x86-64 and arm64 are little-endian
        #expect(data == native)
        #expect(EmbeddingVector.floats(base64: text)?.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func floatsAreWrittenInFloat32ShortestForm() throws {
        var out: [UInt8] = []
        EmbeddingVector.writeJSON([-0.0052341353, 0.5, 1.0e-7], into: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == "[-0.0052341353,0.5,1e-07]")
        #expect(
            try JSONValue(parsing: text).arrayValue?.compactMap { $0.doubleValue.map(Float.init) } == [
                -0.0052341353, 0.5, 1.0e-7,
            ])
    }

    @Test(arguments: [
        (#"{"model":"a","input":"abcdefgh"}"#, EmbeddingsCall.openAI, 2),
        (#"{"model":"a","input":["a","abcde",""]}"#, .openAI, 1 + 2 + 1),
        (#"{"model":"a","input":[[1,2,3],[4]]}"#, .openAI, 3 + 1),
        (
            #"{"requests":[{"content":{"parts":[{"text":"abcd"},{"text":"efgh"}]},"title":"abcdefghi"}]}"#,
            .geminiBatch, 1 + 1 + 3
        ),
    ])
    func estimateIsFourBytesATokenAndExactForTokenIds(body: String, call: EmbeddingsCall, expected: Int) throws {
        #expect(try Self.request(body, as: call).estimatedTokens == expected)
    }
}
