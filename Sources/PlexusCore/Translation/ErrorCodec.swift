/// Maps upstream error bodies (OpenAI's shape, which Responses shares, Anthropic's and Gemini's) and statuses to
/// `PlexusError`.
enum ErrorCodec {
    static func decode(status: Int, body: [UInt8]) -> PlexusError {
        if let json = try? JSONValue(parsing: body) { return decode(status: status, json: json) }
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        let kind = kind(status: status) ?? .upstream
        return PlexusError(
            kind, text.isEmpty ? "Upstream returned HTTP \(status)." : text,
            httpStatus: status >= 400 ? status : nil)
    }

    /// The status decides when it is an error status; inside a stream (status 200) the body's type does.
    static func decode(status: Int, json: JSONValue) -> PlexusError {
        let root = json.arrayValue?.first ?? json  // Gemini's JSON-array stream wraps errors in an array
        let err = root["error"] ?? root
        let message = err["message"]?.stringValue ?? err.stringValue ?? root.jsonString
        let typeName = err["type"]?.stringValue ?? err["status"]?.stringValue ?? err["code"]?.stringValue
        let bodyStatus = err["code"]?.looseInt
        var kind = status >= 400 ? self.kind(status: status) : nil
        if kind == nil { kind = typeName.flatMap(self.kind(type:)) }
        if kind == nil, let bodyStatus { kind = self.kind(status: bodyStatus) }
        return PlexusError(
            kind ?? .upstream, message, param: err["param"]?.stringValue,
            httpStatus: status >= 400 ? status : nil)
    }

    static func kind(status: Int) -> PlexusError.Kind? {
        switch status {
        case 400, 409, 422: .invalidRequest
        case 401: .authentication
        case 402, 403: .permission
        case 404: .notFound
        case 408, 504: .timeout
        case 413: .requestTooLarge
        case 429: .rateLimited
        case 503: .unavailable
        case 529: .overloaded
        case 500...599: .upstream
        case 400...499: .invalidRequest
        default: nil
        }
    }

    /// Anthropic `error.type`, Gemini `error.status` and OpenAI `error.type`/`code` names.
    static func kind(type: String) -> PlexusError.Kind? {
        switch type {
        case "invalid_request_error", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "invalid_request",
            "invalid_prompt", "context_length_exceeded":
            .invalidRequest
        case "authentication_error", "UNAUTHENTICATED", "invalid_api_key": .authentication
        case "permission_error", "PERMISSION_DENIED": .permission
        case "not_found_error", "NOT_FOUND", "model_not_found": .notFound
        case "request_too_large": .requestTooLarge
        case "rate_limit_error", "RESOURCE_EXHAUSTED", "rate_limit_exceeded", "insufficient_quota": .rateLimited
        case "overloaded_error": .overloaded
        case "UNAVAILABLE", "service_unavailable_error": .unavailable
        case "DEADLINE_EXCEEDED", "timeout": .timeout
        case "api_error", "INTERNAL", "server_error", "UNKNOWN": .upstream
        default: nil
        }
    }
}
