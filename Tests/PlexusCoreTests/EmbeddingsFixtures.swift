import Foundation
import PlexusCore
import Testing

/// One captured embeddings answer under `shared/fixtures/embeddings/`, with the request that produced it.
/// The expectations come from reading the raw JSON here (Foundation's base64, plain arrays), not from the
/// gateway's own codecs.
struct EmbeddingsFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String

    var testDescription: String { "embeddings/\(name)" }
    var bytes: [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
    var requestBytes: [UInt8] {
        Array(
            FileManager.default.contents(atPath: path.replacingOccurrences(of: ".json", with: ".request.json"))
                ?? Data())
    }
    var json: JSONValue { (try? JSONValue(parsing: bytes)) ?? .null }
    var requestJSON: JSONValue { (try? JSONValue(parsing: requestBytes)) ?? .null }

    /// The call the capture answered, by its file name.
    var call: EmbeddingsCall {
        if name.hasPrefix("openai-") { return .openAI }
        return name.hasPrefix("gemini-batch") ? .geminiBatch : .geminiEmbedContent
    }

    /// The texts the request embedded, in order, read from the raw request.
    var texts: [String] {
        let r = requestJSON
        switch call {
        case .openAI:
            if let s = r["input"]?.stringValue { return [s] }
            return (r["input"]?.arrayValue ?? []).compactMap(\.stringValue)
        case .geminiBatch:
            return (r["requests"]?.arrayValue ?? []).compactMap { $0["content"]?["parts"]?.at(0)?["text"]?.stringValue }
        case .geminiEmbedContent:
            return [r["content"]?["parts"]?.at(0)?["text"]?.stringValue].compactMap { $0 }
        }
    }

    /// The vectors as captured: float arrays read as float32, base64 decoded by Foundation as little-endian float32.
    var vectors: [[Float]] {
        let j = json
        let items: [JSONValue] =
            switch call {
            case .openAI: (j["data"]?.arrayValue ?? []).compactMap { $0["embedding"] }
            case .geminiBatch: (j["embeddings"]?.arrayValue ?? []).compactMap { $0["values"] }
            case .geminiEmbedContent: [j["embedding"]?["values"]].compactMap { $0 }
            }
        return items.map(Self.floats)
    }

    /// The usage the capture reports, if any.
    var promptTokens: Int? { json["usage"]?["prompt_tokens"]?.doubleValue.map { Int($0) } }

    static func floats(_ value: JSONValue) -> [Float] {
        if case .string(let text) = value, let data = Data(base64Encoded: text) {
            return stride(from: 0, to: data.count, by: 4).map { i in
                let b = [UInt8](data[i..<i + 4])
                return Float(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)
            }
        }
        return (value.arrayValue ?? []).compactMap { $0.doubleValue.map { Float($0) } }
    }

    static let all: [EmbeddingsFixture] = {
        let dir = Fixtures.root + "/embeddings"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".request.json") }.sorted()
            .map { EmbeddingsFixture(name: $0, path: dir + "/" + $0) }
    }()
}

/// Reads a client's or an upstream's embeddings body with plain JSON (the test's own reader).
enum EmbeddingsReader {
    /// The vectors of an answer in `call`'s form, in the order the client would read them (OpenAI by `index`).
    static func vectors(_ body: [UInt8], as call: EmbeddingsCall) throws -> [[Float]] {
        let j = try JSONValue(parsing: body)
        switch call {
        case .openAI:
            let data = j["data"]?.arrayValue ?? []
            let sorted = data.sorted { ($0["index"]?.doubleValue ?? 0) < ($1["index"]?.doubleValue ?? 0) }
            return sorted.map { EmbeddingsFixture.floats($0["embedding"] ?? .null) }
        case .geminiBatch:
            return (j["embeddings"]?.arrayValue ?? []).map { EmbeddingsFixture.floats($0["values"] ?? .null) }
        case .geminiEmbedContent:
            return [EmbeddingsFixture.floats(j["embedding"]?["values"] ?? .null)]
        }
    }

    /// The texts of a request body in `call`'s form, in order.
    static func texts(_ body: [UInt8], as call: EmbeddingsCall) throws -> [String] {
        let j = try JSONValue(parsing: body)
        switch call {
        case .openAI:
            if let s = j["input"]?.stringValue { return [s] }
            return (j["input"]?.arrayValue ?? []).compactMap(\.stringValue)
        case .geminiBatch:
            return (j["requests"]?.arrayValue ?? []).compactMap { $0["content"]?["parts"]?.at(0)?["text"]?.stringValue }
        case .geminiEmbedContent:
            return [j["content"]?["parts"]?.at(0)?["text"]?.stringValue].compactMap { $0 }
        }
    }
}
