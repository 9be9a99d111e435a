import NIOCore
import PlexusCore

/// A client request body, checked once: valid JSON, the routing fields, and where its top-level members lie.
/// Only the routing fields are built as values; a translation decodes the body itself, and passthrough forwards it.
struct InboundRequest: Sendable {
    var bytes: [UInt8]
    /// The members the gateway reads: `model`, `stream`, `stream_options`.
    var members: JSONObject
    var spans: [(key: String, range: Range<Int>)]
    var model: String
    var stream: Bool
    /// OpenAI clients only get the usage chunk of a stream when they asked for it.
    var clientWantsStreamUsage: Bool
    /// A Gemini stream asked for without `alt=sse`: Google's streamed JSON array.
    var geminiJSONArray = false
    /// Set for an embeddings call: its form and canonical request (decoded once, for every attempt).
    var embeddings: EmbeddingsInbound?
    /// Set for a Responses call: its history and how its answer is stored.
    var responsesTurn: ResponsesTurn?

    static let routingMembers = JSONPickMembers(["model", "stream", "stream_options"])

    /// Parses and checks the shape every protocol needs; errors name the problem (API.md "Bad input").
    init(bytes: [UInt8], proto: APIProtocol, pathModel: String?, pathStream: Bool?) throws(PlexusError) {
        let parsed = try Self.checkedObject(bytes)
        self.bytes = bytes
        members = parsed.members
        spans = parsed.spans
        switch proto {
        case .embeddings:
            throw PlexusError(.internal, "an embeddings body is read by init(embeddings:call:pathModel:)")
        case .chat, .messages:
            guard let m = members["model"]?.stringValue, !m.isEmpty else {
                throw PlexusError(.invalidRequest, "missing required field 'model'", param: "model")
            }
            guard let empty = Self.arrayIsEmpty("messages", bytes: bytes, spans: spans) else {
                throw PlexusError(.invalidRequest, "missing required field 'messages'", param: "messages")
            }
            if proto == .chat && empty {
                throw PlexusError(.invalidRequest, "'messages' must not be empty", param: "messages")
            }
            model = m
            stream = members["stream"]?.boolValue ?? false
        case .responses:
            guard let m = members["model"]?.stringValue, !m.isEmpty else {
                throw PlexusError(.invalidRequest, "missing required field 'model'", param: "model")
            }
            model = m
            stream = members["stream"]?.boolValue ?? false
        case .gemini:
            guard let m = pathModel, !m.isEmpty else {
                throw PlexusError(.invalidRequest, "missing model in the request path")
            }
            guard Self.arrayIsEmpty("contents", bytes: bytes, spans: spans) != nil else {
                throw PlexusError(.invalidRequest, "missing required field 'contents'", param: "contents")
            }
            model = m
            stream = pathStream ?? false
        }
        clientWantsStreamUsage = members["stream_options"]?["include_usage"]?.boolValue ?? false
    }

    /// An embeddings call's body, checked as the protocol's API would (errors name the field). `pathModel` is
    /// Gemini's; an OpenAI client names the model in the body.
    init(embeddings bytes: [UInt8], call: EmbeddingsCall, pathModel: String?) throws(PlexusError) {
        let parsed = try Self.checkedObject(bytes)
        self.bytes = bytes
        members = parsed.members
        spans = parsed.spans
        if call != .openAI, pathModel?.isEmpty ?? true {
            throw PlexusError(.invalidRequest, "missing model in the request path")
        }
        let request = try Translator.decodeEmbeddingsRequest(bytes, as: call, model: pathModel ?? "")
        model = request.model
        stream = false
        clientWantsStreamUsage = false
        embeddings = EmbeddingsInbound(call: call, request: request)
    }

    /// The body as a JSON object with its routing members and member spans; a repeated top-level key is refused.
    private static func checkedObject(
        _ bytes: [UInt8]
    ) throws(PlexusError) -> (members: JSONObject, spans: [(key: String, range: Range<Int>)]) {
        let parsed: (members: JSONObject, spans: [(key: String, range: Range<Int>)])?
        do {
            parsed = try JSONValue.parseMembers(bytes, keeping: Self.routingMembers, maxDepth: 64)
        } catch {
            throw PlexusError(.invalidRequest, "malformed JSON body: \(error.message) at byte \(error.offset)")
        }
        guard let parsed else { throw PlexusError(.invalidRequest, "the request body must be a JSON object") }
        if let key = Self.repeatedKey(parsed.spans) {
            // Routing reads one occurrence and an upstream may read the other: refused, never guessed.
            throw PlexusError(.invalidRequest, "the request body repeats the top-level key '\(key)'", param: key)
        }
        return parsed
    }

    /// The first top-level key that occurs twice (bodies have a few keys: a pairwise scan allocates nothing).
    static func repeatedKey(_ spans: [(key: String, range: Range<Int>)]) -> String? {
        for i in spans.indices.dropFirst() {
            for j in 0..<i where spans[j].key == spans[i].key { return spans[i].key }
        }
        return nil
    }

    /// Whether the member `key` is an empty array; nil when it is absent or not an array (the value is valid JSON).
    static func arrayIsEmpty(_ key: String, bytes: [UInt8], spans: [(key: String, range: Range<Int>)]) -> Bool? {
        guard let range = spans.last(where: { $0.key == key })?.range, bytes[range.lowerBound] == UInt8(ascii: "[")
        else { return nil }
        let inner = bytes[(range.lowerBound + 1)..<range.upperBound]
        return inner.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "]")
    }

    /// The whole body as a value (for the sticky-session key, only when an alias has a choice of targets).
    var json: JSONValue { (try? JSONValue(parsing: bytes, maxDepth: 64)) ?? .null }

    /// The body for a same-protocol upstream: only the model replaced, usage requested, `extra_body` merged.
    func passthroughBody(proto: APIProtocol, upstreamModel: String, extraBody: JSONObject) -> ByteBuffer {
        var patch = JSONTopLevelPatch(bytes: bytes, spans: spans)
        for (k, v) in extraBody.pairs { patch.set(k, v) }
        if proto != .gemini && upstreamModel != model { patch.set("model", .string(upstreamModel)) }
        if proto == .chat && stream && !clientWantsStreamUsage {
            var options = members["stream_options"]?.objectValue ?? JSONObject()
            options["include_usage"] = true
            patch.set("stream_options", .object(options))
        }
        // Straight into the buffer the upstream request is sent from (no patched array copied into it).
        var buffer = ByteBufferAllocator().buffer(capacity: patch.resultCount)
        patch.forEachPiece { buffer.writeBytes($0) }
        return buffer
    }
}
