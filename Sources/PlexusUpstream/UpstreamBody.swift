import AsyncHTTPClient
import NIOCore

/// An upstream body as it arrives, from a socket or from the in-process mock.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    enum Source: Sendable {
        case http(HTTPClientResponse.Body)
        case chunks(AsyncThrowingStream<[UInt8], any Error>)
        case buffer(ByteBuffer)
    }

    let source: Source

    init(_ source: Source) { self.source = source }

    /// A body that is already complete.
    public static func complete(_ buffer: ByteBuffer) -> UpstreamBody { UpstreamBody(.buffer(buffer)) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case http(HTTPClientResponse.Body.AsyncIterator)
            case chunks(AsyncThrowingStream<[UInt8], any Error>.AsyncIterator)
            case buffer(ByteBuffer?)
        }

        var state: State

        public mutating func next() async throws -> ByteBuffer? {
            do {
                switch state {
                case .http(var it):
                    let v = try await it.next()
                    state = .http(it)
                    return v
                case .chunks(var it):
                    let v = try await it.next()
                    state = .chunks(it)
                    return v.map { ByteBuffer(bytes: $0) }
                case .buffer(let b):
                    state = .buffer(nil)
                    return b
                }
            } catch {
                throw UpstreamError.map(error)
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .http(let body): AsyncIterator(state: .http(body.makeAsyncIterator()))
        case .chunks(let s): AsyncIterator(state: .chunks(s.makeAsyncIterator()))
        case .buffer(let b): AsyncIterator(state: .buffer(b))
        }
    }
}

extension UpstreamError {
    /// Maps client-library and mock errors onto the fixed codes.
    static func map(_ error: any Error) -> UpstreamError {
        if let e = error as? UpstreamError { return e }
        if error is CancellationError { return UpstreamError(.cancelled, "cancelled") }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded: return UpstreamError(.firstByteTimeout, "no response before the first-byte deadline")
            case .readTimeout: return UpstreamError(.idleTimeout, "no data from upstream within the idle timeout")
            case .cancelled: return UpstreamError(.cancelled, "cancelled")
            case .connectTimeout: return UpstreamError(.connect, "connect timeout")
            case .remoteConnectionClosed: return UpstreamError(.reset, "upstream closed the connection")
            case .invalidURL: return UpstreamError(.invalidURL, "invalid upstream URL")
            default: return UpstreamError(.reset, "\(e)")
            }
        }
        let text = "\(error)"
        if text.contains("reset") || text.contains("closed") || text.contains("EOF") || text.contains("eof") {
            return UpstreamError(.reset, text)
        }
        return UpstreamError(.connect, text)
    }
}
