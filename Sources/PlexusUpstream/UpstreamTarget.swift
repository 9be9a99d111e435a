/// The fixed part of the requests to one endpoint, checked and encoded once: the URL parsed, and the request
/// line, `host` and headers as bytes. A gateway sends many requests to few endpoints, and working this out for
/// each (building the URL and header strings, parsing the URL, checking and encoding every header) cost about 5k
/// instructions a request. Requests add their length and body (`HTTPRequestHead(_:method:bodyLength:)`).
public final class UpstreamTarget: Sendable {
    /// What HTTP needs of the target (a class: a request takes it by one reference, not field by field).
    final class Wire: Sendable {
        let url: UpstreamURL
        /// Request line, `host` and headers, each line with its CRLF; no length and no blank line yet.
        let prefix: [UInt8]
        /// The headers carry their own `content-length`.
        let declaresLength: Bool
        /// The request allows the connection to carry another one.
        let keepAlive: Bool

        init(url: UpstreamURL, prefix: [UInt8], declaresLength: Bool, keepAlive: Bool) {
            self.url = url
            self.prefix = prefix
            self.declaresLength = declaresLength
            self.keepAlive = keepAlive
        }
    }

    public let url: String
    public let method: String
    /// Holds the endpoint's credentials: never logged.
    public let headers: [(String, String)]
    /// The wire form, or why there is none (a URL that is not http(s), a header name that is not a token, a value
    /// with a control byte): thrown when the request is sent over HTTP, as before; the in-process mock needs none.
    let wire: Result<Wire, UpstreamError>

    public init(url: String, method: String = "POST", headers: [(String, String)]) {
        self.url = url
        self.method = method
        self.headers = headers
        wire = Result { () throws(UpstreamError) -> Wire in
            let parsed = try UpstreamURL(url)
            let (prefix, declaresLength, keepAlive) = try HTTPRequestHead.prefix(
                method: method, target: parsed.target, host: parsed.hostHeader, headers: headers)
            return Wire(url: parsed, prefix: prefix, declaresLength: declaresLength, keepAlive: keepAlive)
        }
    }
}
