import NIOCore

/// An HTTP/1.1 message body read as it arrives (RFC 9112 section 6): a known length, chunked transfer coding, or
/// everything until the connection closes. Shared by the upstream client's response parser and the gateway's
/// request parser. Body bytes are handed on as slices of the received buffer, never copied.
public struct HTTPBodyReader: Sendable {
    /// How the body is delimited.
    public enum Framing: Sendable, Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    private enum State: Sendable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private var state: State

    public init(_ framing: Framing) {
        state =
            switch framing {
            case .length(let n): n == 0 ? .done : .fixed(remaining: n)
            case .chunked: .chunkSize
            case .untilClose: .untilClose
            }
    }

    /// Whether only the connection's close ends this body.
    public var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Consumes body bytes from `buffer`, emitting them; true once the body ended (bytes after it stay in `buffer`).
    public mutating func read(_ buffer: inout ByteBuffer, emit: (ByteBuffer) -> Void) throws(HTTPWireError) -> Bool {
        while true {
            switch state {
            case .done:
                return true
            case .fixed(let remaining):
                guard buffer.readableBytes > 0 else { return false }
                let left = Self.take(remaining, from: &buffer, emit)
                state = left == 0 ? .done : .fixed(remaining: left)
            case .chunkSize:
                guard let line = try HTTPWire.readLine(&buffer) else { return false }
                let size = try HTTPWire.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return false }
                let left = Self.take(remaining, from: &buffer, emit)
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
            case .chunkDataEnd:
                guard let line = try HTTPWire.readLine(&buffer) else { return false }
                guard line.readableBytes == 0 else { throw HTTPWireError("chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                guard let line = try HTTPWire.readLine(&buffer) else { return false }
                // Trailer fields are refused: the gateway reads none, no API client sends any, and llhttp's rules for
                // them (which fields, which lines) are its own; a parser in front of one must not frame differently.
                guard line.readableBytes == 0 else { throw HTTPWireError("trailer fields are not accepted") }
                state = .done
            case .untilClose:
                if buffer.readableBytes > 0 { emit(buffer.readSlice(length: buffer.readableBytes)!) }
                return false
            }
        }
    }

    /// Emits up to `remaining` bytes of `buffer` as one slice; returns how many are still to come.
    private static func take(_ remaining: Int, from buffer: inout ByteBuffer, _ emit: (ByteBuffer) -> Void) -> Int {
        let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
        emit(slice)
        return remaining - slice.readableBytes
    }
}

/// A message the HTTP/1.1 parsers cannot accept; the connection must close.
public struct HTTPWireError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
