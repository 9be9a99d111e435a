import HTTPTypes
import Hummingbird

/// Browser access to the inference routes (`server.cors_origins`): a preflight and CORS headers for exactly the
/// configured origins (`*` for any); the management API and the dashboard never answer cross-origin.
struct CORS: Sendable {
    let origins: [String]

    /// Headers a browser client may read from an answer.
    static let exposed =
        "x-request-id, x-plexus-provider, x-plexus-model, x-plexus-api, x-plexus-passthrough, retry-after"

    /// Inference routes: the OpenAI, Anthropic and Gemini paths (`/v1/…`, `/v1beta/…`), not `/v0/` or `/ui/`.
    static func isInference(_ path: Substring) -> Bool {
        path.hasPrefix("/v1/") || path.hasPrefix("/v1beta/")
    }

    /// The value for `Access-Control-Allow-Origin`, when `origin` may call.
    func allow(_ origin: String?) -> String? {
        guard let origin, !origins.isEmpty else { return nil }
        if origins.contains("*") { return "*" }
        return origins.contains(origin) ? origin : nil
    }

    /// The answer to an `OPTIONS` preflight (no CORS headers for an origin that may not call: the browser refuses).
    func preflight(origin: String?, requestedHeaders: String?) -> Response {
        var headers = HTTPFields()
        if let allowed = allow(origin) {
            headers[.accessControlAllowOrigin] = allowed
            headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            headers[.accessControlAllowHeaders] = requestedHeaders ?? "authorization, content-type"
            headers[.accessControlMaxAge] = "600"
        }
        headers[.vary] = "Origin, Access-Control-Request-Headers"
        return Response(status: .noContent, headers: headers)
    }

    /// Adds the CORS headers of an allowed origin to an inference answer.
    static func decorate(_ response: inout Response, allowed: String) {
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = exposed
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
    }
}
