extension Responses {
    /// Decodes a response object (`"object": "response"`) from an upstream.
    public enum ResponseDecoder {
        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Response {
            let o = try OpenAI.upstreamObject(body)
            if let err = o["error"], case .object = err { throw ErrorCodec.decode(status: 200, json: ["error": err]) }
            let status = o["status"]?.stringValue
            if status == "failed" { throw PlexusError(.upstream, "The upstream reported the response as failed.") }
            let id = o["id"]?.stringValue ?? ""
            var reader = OutputReader(responseID: id)
            reader.read(o["output"]?.arrayValue ?? [])
            let stop = stopReason(
                status: status, incompleteReason: o["incomplete_details"]?["reason"]?.stringValue,
                sawCall: reader.sawCall, sawRefusal: reader.sawRefusal)
            return IR.Response(
                id: id, model: o["model"]?.stringValue ?? "", created: o["created_at"]?.looseInt,
                parts: reader.parts, stopReason: stop, usage: usage(o["usage"]))
        }
    }

    /// Encodes a response object for a Responses client.
    ///
    /// The id is `Responses.responseID(from: response.id)`: a server that stores responses under its own ids sets
    /// `response.id` to a `resp_…` value first. `created_at` is `response.created` (0 when unknown). Stop reasons map
    /// to `status`: the end of a turn, a tool call, a stop sequence and Anthropic's `pause_turn` are `completed`;
    /// the token limit and a refusal are `incomplete` (`max_output_tokens`, `content_filter`).
    public enum ResponseEncoder {
        public static func encode(_ r: IR.Response, model: String, echo: Echo = Echo()) -> JSONObject {
            let id = responseID(from: r.id)
            var writer = OutputWriter(responseID: id)
            let output = writer.write(r.parts)
            let stop = r.stopReason ?? (r.toolCalls.isEmpty ? .endTurn : .toolUse)
            let outcome = Outcome(
                id: id, created: r.created ?? 0, model: model,
                status: incompleteReason(stop) == nil ? "completed" : "incomplete",
                output: output, usage: r.usage, stop: stop)
            return responseObject(outcome, echo: echo).objectValue ?? JSONObject()
        }
    }

    /// The request parameters a response object repeats (`instructions`, `tools`, `temperature`…), taken from the
    /// Responses client's own request, as OpenAI echoes them. Without a request the defaults OpenAI reports are used.
    public struct Echo: Sendable, Hashable {
        /// The members echoed, in the order a response object lists them, with the value used when the request has none.
        static let defaults: [(String, JSONValue)] = [
            ("background", false), ("error", nil), ("incomplete_details", nil), ("instructions", nil),
            ("max_output_tokens", nil), ("max_tool_calls", nil), ("model", nil), ("output", []),
            ("parallel_tool_calls", true), ("previous_response_id", nil), ("prompt_cache_key", nil),
            ("reasoning", ["effort": nil, "summary": nil]), ("safety_identifier", nil), ("service_tier", "default"),
            ("store", true), ("temperature", nil), ("text", ["format": ["type": "text"]]), ("tool_choice", "auto"),
            ("tools", []), ("top_logprobs", 0), ("top_p", nil), ("truncation", "disabled"), ("usage", nil),
            ("user", nil), ("metadata", [:]),
        ]
        /// Members a response states itself rather than repeating from the request.
        static let own: Set<String> = ["error", "incomplete_details", "model", "output", "usage"]

        /// Echoed members the request set.
        public var fields: JSONObject

        public init() {
            fields = JSONObject()
        }

        /// From a Responses request body as the client sent it.
        public init(request: JSONObject) {
            fields = JSONObject()
            for (key, _) in Self.defaults where !Self.own.contains(key) {
                if let v = request[key] { fields[key] = v }
            }
        }

        public init(requestBody: [UInt8]) {
            if case .object(let o)? = try? JSONValue(parsing: requestBody) {
                self.init(request: o)
            } else {
                self.init()
            }
        }
    }

    /// What a response object states about one answer.
    struct Outcome {
        var id: String
        var created: Int
        var model: String
        var status: String
        var output: [JSONValue]
        var usage: IR.Usage?
        var stop: IR.StopReason? = nil
        var error: PlexusError? = nil
    }

    /// A whole response object, as the unary answer and a stream's `response.*` events carry it.
    static func responseObject(_ r: Outcome, echo: Echo) -> JSONValue {
        var o = JSONObject.make(["id": .string(r.id), "object": "response", "created_at": .number(Double(r.created))])
        o["status"] = .string(r.status)
        for (key, fallback) in Echo.defaults {
            switch key {
            case "error": o[key] = r.error.map(errorJSON) ?? .null
            case "incomplete_details":
                o[key] = r.stop.flatMap(incompleteReason).map { ["reason": .string($0)] } ?? .null
            case "model": o[key] = .string(r.model)
            case "output": o[key] = .array(r.output)
            case "usage": o[key] = r.usage.map(usageJSON) ?? .null
            default: o[key] = echo.fields[key] ?? fallback
            }
        }
        return .object(o)
    }

    /// `response.error` of a failed response (`code` and `message`, as OpenAI writes them).
    static func errorJSON(_ e: PlexusError) -> JSONValue {
        let code: String =
            switch e.kind {
            case .rateLimited: "rate_limit_exceeded"
            case .invalidRequest, .requestTooLarge: "invalid_prompt"
            default: "server_error"
            }
        return ["code": .string(code), "message": .string(e.message)]
    }
}
