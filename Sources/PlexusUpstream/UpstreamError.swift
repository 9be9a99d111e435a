/// Why an upstream call failed before or while its body arrived.
public struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fixed failure codes of the upstream layer.
    public enum Code: String, Sendable {
        case connect
        case firstByteTimeout = "first_byte_timeout"
        case idleTimeout = "idle_timeout"
        case reset
        /// An answer that is not HTTP (a malformed head, broken framing).
        case badResponse = "bad_response"
        case cancelled
        case invalidURL = "invalid_url"
        /// A header name or value that cannot go on the wire (a line break in it, say).
        case invalidHeader = "invalid_header"
        case bodyTooLarge = "body_too_large"
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "upstream \(code.rawValue): \(detail)" }

    /// Whether another target should be tried (the client has not seen anything yet).
    public var isRetryable: Bool {
        switch code {
        case .connect, .firstByteTimeout, .idleTimeout, .reset, .badResponse: true
        case .cancelled, .invalidURL, .invalidHeader, .bodyTooLarge: false
        }
    }
}
