extension Gemini {
    /// Decodes a `GenerateContentResponse` body (candidate 0).
    public enum ResponseDecoder {
        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Response {
            guard let json = try? JSONValue(parsing: body) else {
                throw PlexusError(.upstream, "The upstream sent a body that is not JSON.")
            }
            let root = json.arrayValue?.first ?? json
            if root["error"] != nil { throw ErrorCodec.decode(status: 200, json: root) }
            return decode(root)
        }

        static func decode(_ root: JSONValue) -> IR.Response {
            let id = root.g("responseId")?.stringValue ?? ""
            let candidate = root["candidates"]?.arrayValue?.first
            var d = PartDecoder(idBase: id)
            let parts = d.decode(candidate?["content"]?["parts"]?.arrayValue ?? [])
            var stop = candidate?.g("finishReason")?.stringValue.map { stopReason($0, sawCall: d.callCount > 0) }
            if candidate == nil, root.g("promptFeedback")?.g("blockReason") != nil { stop = .refusal }
            return IR.Response(
                id: id, model: root.g("modelVersion")?.stringValue ?? "", parts: parts, stopReason: stop,
                usage: usage(root.g("usageMetadata")))
        }
    }

    /// Encodes a `GenerateContentResponse` for a Gemini client.
    public enum ResponseEncoder {
        public static func encode(_ r: IR.Response, model: String) -> JSONObject {
            var w = PartWriter(forRequest: false)
            for (j, p) in r.parts.enumerated() { try? w.write(p, param: "parts[\(j)]") }
            let hasCall = r.parts.contains { if case .toolCall = $0 { true } else { false } }
            var candidate = JSONObject()
            candidate["content"] = ["parts": .array(w.take()), "role": "model"]
            candidate["finishReason"] = .string(finishReason(r.stopReason ?? (hasCall ? .toolUse : .endTurn)))
            candidate["index"] = 0
            var o = JSONObject.make(["candidates": [.object(candidate)]])
            if let u = r.usage { o["usageMetadata"] = usageJSON(u) }
            o["modelVersion"] = .string(model)
            o["responseId"] = .string(r.id)
            return o
        }
    }
}
