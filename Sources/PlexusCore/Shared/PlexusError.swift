/// The gateway's error: a fixed kind, a message for the client, rendered only at the edge in the client's protocol.
public struct PlexusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fixed error codes; each maps to one HTTP status and one error type per protocol.
    public enum Kind: String, Sendable, CaseIterable {
        case invalidRequest = "invalid_request"
        case authentication
        case permission
        case notFound = "not_found"
        case requestTooLarge = "request_too_large"
        case rateLimited = "rate_limited"
        case upstream
        case overloaded
        case unavailable
        case timeout
        case `internal`
    }

    public var kind: Kind
    public var message: String
    public var param: String?
    /// The status sent to the client; defaults from the kind, or the upstream's own status when mapped from one.
    public var httpStatus: Int

    public init(_ kind: Kind, _ message: String, param: String? = nil, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.param = param
        self.httpStatus = httpStatus ?? kind.defaultStatus
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

extension PlexusError.Kind {
    public var defaultStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .authentication: 401
        case .permission: 403
        case .notFound: 404
        case .requestTooLarge: 413
        case .rateLimited: 429
        case .upstream: 502
        case .overloaded: 529
        case .unavailable: 503
        case .timeout: 504
        case .internal: 500
        }
    }

    /// OpenAI `error.type`.
    public var openAIType: String {
        switch self {
        case .invalidRequest, .notFound, .requestTooLarge: "invalid_request_error"
        case .authentication: "authentication_error"
        case .permission: "permission_error"
        case .rateLimited: "rate_limit_error"
        case .upstream, .internal, .timeout: "api_error"
        case .overloaded, .unavailable: "service_unavailable_error"
        }
    }

    /// Anthropic `error.type`.
    public var anthropicType: String {
        switch self {
        case .invalidRequest: "invalid_request_error"
        case .authentication: "authentication_error"
        case .permission: "permission_error"
        case .notFound: "not_found_error"
        case .requestTooLarge: "request_too_large"
        case .rateLimited: "rate_limit_error"
        case .upstream, .internal, .timeout: "api_error"
        case .overloaded, .unavailable: "overloaded_error"
        }
    }

    /// Gemini `error.status`.
    public var geminiStatus: String {
        switch self {
        case .invalidRequest, .requestTooLarge: "INVALID_ARGUMENT"
        case .authentication: "UNAUTHENTICATED"
        case .permission: "PERMISSION_DENIED"
        case .notFound: "NOT_FOUND"
        case .rateLimited: "RESOURCE_EXHAUSTED"
        case .upstream, .internal: "INTERNAL"
        case .overloaded, .unavailable: "UNAVAILABLE"
        case .timeout: "DEADLINE_EXCEEDED"
        }
    }
}

extension PlexusError {
    /// The error document in the client's protocol (API.md "Errors always come in the client's protocol").
    public func json(for proto: APIProtocol) -> JSONValue {
        switch proto {
        case .chat, .embeddings, .responses:
            return [
                "error": [
                    "message": .string(message), "type": .string(kind.openAIType),
                    "param": param.map { .string($0) } ?? .null, "code": .string(openAICode),
                ]
            ]
        case .messages:
            return ["type": "error", "error": ["type": .string(kind.anthropicType), "message": .string(message)]]
        case .gemini:
            return [
                "error": [
                    "code": .number(Double(httpStatus)), "message": .string(message),
                    "status": .string(kind.geminiStatus),
                ]
            ]
        }
    }

    /// The error body in the client's protocol.
    public func body(for proto: APIProtocol) -> [UInt8] { json(for: proto).serialized() }

    /// OpenAI's `error.code`.
    var openAICode: String { kind == .notFound ? "model_not_found" : kind.rawValue }

    /// The mid-stream error event of the client's protocol (OpenAI adds the closing `[DONE]`). For a Responses
    /// client it is the API's `error` event (`{type: error, code, message, param}`): a stream that can still say
    /// more ends with `response.failed` instead (`Responses.StreamEncoder`).
    public func streamEvent(for proto: APIProtocol) -> [UInt8] {
        var out: [UInt8] = []
        switch proto {
        case .chat, .embeddings:
            SSEWriter.append(event: nil, json: body(for: .chat), into: &out)
            SSEWriter.append(event: nil, data: "[DONE]", into: &out)
        case .responses:
            let event: JSONValue = [
                "type": "error", "code": .string(openAICode), "message": .string(message),
                "param": param.map { .string($0) } ?? .null,
            ]
            SSEWriter.append(event: "error", json: event.serialized(), into: &out)
        case .messages:
            SSEWriter.append(event: "error", json: body(for: .messages), into: &out)
        case .gemini:
            SSEWriter.append(event: nil, json: body(for: .gemini), into: &out)
        }
        return out
    }
}
