import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// What the connection's task holds of its `HTTPConnectionHandler`: every call runs on the channel's event loop,
/// directly when the task is already there (its executor preference) and after a hop otherwise.
struct HTTPConnection: Sendable {
    let handler: NIOLoopBound<HTTPConnectionHandler>

    var eventLoop: any EventLoop { handler.eventLoop }

    /// The next request, or nil once the connection is done (closed, quiescing, or the client sent its last).
    func next() async -> HTTPConnectionHandler.Incoming? {
        await withUnsafeContinuation { waiter in
            onLoop { $0.nextRequest(waiter) }
        }
    }

    /// The next part of a streamed request body.
    func nextBodyPart(of id: Int) async throws -> ByteBuffer? {
        try await withUnsafeThrowingContinuation { waiter in
            onLoop { $0.nextBodyPart(of: id, waiter) }
        }
    }

    /// Writes a part of the answer and waits while the client is slower than the writes.
    func write(_ part: ServerResponsePart, flush: Bool) async throws {
        if eventLoop.inEventLoop {
            if try handler.value.write(part, flush: flush) { return }
        } else {
            let handler = handler
            let writable = try await eventLoop.submit { try handler.value.write(part, flush: flush) }.get()
            if writable { return }
        }
        try await withUnsafeThrowingContinuation { waiter in
            onLoop { $0.waitWritable(waiter) }
        }
    }

    /// Closes the connection after what was written.
    func close() {
        onLoop { $0.close() }
    }

    private func onLoop(_ body: @escaping @Sendable (HTTPConnectionHandler) -> Void) {
        if eventLoop.inEventLoop {
            body(handler.value)
        } else {
            let handler = handler
            eventLoop.execute { body(handler.value) }
        }
    }
}

/// A request body longer than the handler collects, read part by part from the connection.
struct ConnectionBodyStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let connection: HTTPConnection
    let id: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let connection: HTTPConnection
        let id: Int

        mutating func next() async throws -> ByteBuffer? {
            try await connection.nextBodyPart(of: id)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(connection: connection, id: id) }
}

/// The writer a body gets when its answer's head could not be written: every write fails.
struct RefusingBodyWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws { throw HTTPConnectionHandler.Closed() }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws { throw HTTPConnectionHandler.Closed() }
}

/// Writes a response body to the connection: every part flushed at once for streams (unknown length), in one
/// flush at the end for bodies of known length (a unary answer leaves in one write).
struct ConnectionBodyWriter: ResponseBodyWriter {
    let connection: HTTPConnection
    let flushEachPart: Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await connection.write(.body(buffer), flush: flushEachPart)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await connection.write(.end(trailingHeaders), flush: true)
    }
}
