import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// Upstream calls over real HTTP with AsyncHTTPClient (connection pooling, streaming bodies, cancellation).
public final class HTTPTransport: UpstreamTransport {
    private let client: HTTPClient

    /// - Parameter idleTimeout: the longest silence tolerated between two body reads of a stream.
    public init(idleTimeout: Duration = .seconds(300), connectTimeout: Duration = .seconds(10)) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000),
            read: .nanoseconds(Int64(idleTimeout.components.seconds) * 1_000_000_000))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: UpstreamRequest, firstByteTimeout: Duration) async throws(UpstreamError) -> UpstreamResponse {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        r.body = .bytes(request.body)
        let ms = firstByteTimeout.components.seconds * 1000 + firstByteTimeout.components.attoseconds / 1_000_000_000_000_000
        do {
            let response = try await client.execute(r, timeout: .milliseconds(ms))
            return UpstreamResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: UpstreamBody(.http(response.body)))
        } catch {
            throw UpstreamError.map(error)
        }
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}
