import NIOCore
import PlexusUpstream

/// Calls the built-in mock upstream in process (`api_base_url: mock://`): same code as `plexus mock`, no socket.
public struct MockTransport: UpstreamTransport {
    public let upstream: MockUpstream

    public init(upstream: MockUpstream) { self.upstream = upstream }

    public func send(_ request: UpstreamRequest, timeouts: UpstreamTimeouts) async throws(UpstreamError)
        -> UpstreamResponse
    {
        // mock://local/v1/chat/completions -> /v1/chat/completions
        let path = request.url.dropPrefix("mock://").drop { $0 != "/" }
        let mockRequest = MockRequest(
            method: request.method, path: String(path), headers: request.headers,
            body: Array(request.body.readableBytesView))
        do {
            let response = try await upstream.handle(mockRequest)
            let body: UpstreamBody =
                switch response.body {
                case .bytes(let b): .complete(ByteBuffer(bytes: b))
                case .stream(let s): .chunks(s)
                }
            return UpstreamResponse(status: response.status, headers: response.headers, body: body)
        } catch {
            throw UpstreamError(.reset, "mock: \(error)")
        }
    }
}

extension String {
    fileprivate func dropPrefix(_ p: String) -> Substring { hasPrefix(p) ? dropFirst(p.count) : self[...] }
}
