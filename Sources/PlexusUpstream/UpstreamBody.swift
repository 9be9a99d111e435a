import NIOCore

/// An upstream body as it arrives, from a socket or from the in-process mock.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    enum Source: Sendable {
        case http(ExchangeReader)
        case chunks(AsyncThrowingStream<[UInt8], any Error>)
        case buffer(ByteBuffer)
    }

    let source: Source

    init(_ source: Source) { self.source = source }

    init(exchange: UpstreamExchange) { self.init(.http(ExchangeReader(exchange))) }

    /// A body that is already complete.
    public static func complete(_ buffer: ByteBuffer) -> UpstreamBody { UpstreamBody(.buffer(buffer)) }

    /// A body produced in process, chunk by chunk (the in-process mock's streams).
    public static func chunks(_ stream: AsyncThrowingStream<[UInt8], any Error>) -> UpstreamBody {
        UpstreamBody(.chunks(stream))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case http(ExchangeReader)
            case chunks(AsyncThrowingStream<[UInt8], any Error>.AsyncIterator)
            case buffer(ByteBuffer?)
        }

        var state: State

        public mutating func next() async throws -> ByteBuffer? {
            do {
                switch state {
                case .http(let reader):
                    return try await reader.exchange.next()
                case .chunks(var it):
                    let v = try await it.next(isolation: #isolation)
                    state = .chunks(it)
                    return v.map { ByteBuffer(bytes: $0) }
                case .buffer(let b):
                    state = .buffer(nil)
                    return b
                }
            } catch {
                throw UpstreamError(client: error)
            }
        }
    }

    /// A stream's first event arrived (see `UpstreamTimeouts.firstEventAtHead`).
    func firstEventArrived() {
        if case .http(let reader) = source { reader.exchange.firstEventArrived() }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .http(let reader): AsyncIterator(state: .http(reader))
        case .chunks(let s): AsyncIterator(state: .chunks(s.makeAsyncIterator()))
        case .buffer(let b): AsyncIterator(state: .buffer(b))
        }
    }
}

/// Holds an exchange for a body and its iterators; when the last of them goes away before the answer ended, the
/// request is cancelled (its connection cannot carry another).
final class ExchangeReader: Sendable {
    let exchange: UpstreamExchange

    init(_ exchange: UpstreamExchange) { self.exchange = exchange }

    deinit {
        if !exchange.isFinished { exchange.cancel() }
    }
}
