import AsyncHTTPClient
import NIOHTTP1

/// The fixed part of the requests to one endpoint, worked out once: the URL parsed and checked, the headers
/// checked, and the proxy chosen. A gateway sends many requests to few endpoints; each request adds its body.
public final class UpstreamTarget: Sendable {
    /// What HTTP needs of the target.
    struct Prepared: Sendable {
        /// The request without its body (AsyncHTTPClient parses the URL once, here).
        let request: HTTPClient.Request
        /// The proxy the request goes through, nil for a direct connection.
        let proxy: UpstreamProxy?
    }

    public let url: String
    public let method: String
    /// Holds the endpoint's credentials: never logged.
    public let headers: [(String, String)]
    /// The wire form, or why there is none (a URL that is not http(s), a header name that is not a token, a value
    /// with a control byte): thrown when the request is sent over HTTP; the in-process mock needs none.
    let prepared: Result<Prepared, UpstreamError>

    /// - Parameter proxy: the provider's own `proxy:`; nil follows `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`.
    public init(
        url: String, method: String = "POST", headers: [(String, String)], proxy: String? = nil,
        environment: ProxyEnvironment = .process
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        prepared = Result { () throws(UpstreamError) -> Prepared in
            try Self.prepare(url: url, method: method, headers: headers, proxy: proxy, environment: environment)
        }
    }

    private static func prepare(
        url: String, method: String, headers: [(String, String)], proxy: String?, environment: ProxyEnvironment
    ) throws(UpstreamError) -> Prepared {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw UpstreamError(.invalidURL, "unsupported upstream URL '\(url.prefix(64))' (http or https only)")
        }
        try HeaderCheck.validate(headers)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: method), headers: HTTPHeaders(headers))
        } catch {
            throw UpstreamError(.invalidURL, "invalid upstream URL '\(url.prefix(64))': \(error)")
        }
        let route: UpstreamProxy?
        if let proxy {
            route = try UpstreamProxy(proxy)
        } else {
            route = try environment.proxy(scheme: request.useTLS ? "https" : "http", host: request.host)
        }
        return Prepared(request: request, proxy: route)
    }
}
