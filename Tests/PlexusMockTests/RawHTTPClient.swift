import Foundation
import NIOCore
import NIOPosix

@testable import PlexusMock

/// A minimal HTTP/1.1 client on raw NIO bytes, so tests see exactly what goes over the wire,
/// including connections closed without a response or in the middle of a chunked body.
enum RawHTTP {
    /// A response parsed from raw bytes (possibly cut short).
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        /// The body ended properly (Content-Length reached or final chunk seen).
        var complete: Bool
        /// Bytes of the input this response used.
        var consumed: Int

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// What one exchange saw.
    struct Exchange {
        var raw: [UInt8]
        var response: Response?
        var closedByServer: Bool
    }

    static func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [(String, String)] = [])
        -> [UInt8]
    {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// One connection; `body` sends and reads through it. The connection is closed afterwards.
    static func withConnection<T: Sendable>(port: Int, _ body: (inout Connection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = Connection(iterator: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }

    /// Sends one request on a fresh connection and reads until the response is complete, the server
    /// closes, or `stopWhen` says enough (then the client closes).
    static func exchange(port: Int, _ request: [UInt8], stopWhen: (([UInt8]) -> Bool)? = nil) async throws -> Exchange {
        try await withConnection(port: port) { connection in
            try await connection.send(request)
            return try await connection.read(stopWhen: stopWhen)
        }
    }

    /// Reading and writing on one open connection.
    struct Connection {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var buffer: [UInt8] = []

        func send(_ bytes: [UInt8]) async throws {
            try await outbound.write(ByteBuffer(bytes: bytes))
        }

        /// Reads one response (leaving any following bytes for the next call).
        mutating func read(stopWhen: (([UInt8]) -> Bool)? = nil) async throws -> Exchange {
            while true {
                if let r = parse(buffer[...]), r.complete {
                    let raw = Array(buffer.prefix(r.consumed))
                    buffer.removeFirst(r.consumed)
                    return Exchange(raw: raw, response: r, closedByServer: false)
                }
                if let stopWhen, stopWhen(buffer) {
                    return Exchange(raw: buffer, response: parse(buffer[...]), closedByServer: false)
                }
                guard let chunk = try await iterator.next() else {
                    return Exchange(raw: buffer, response: parse(buffer[...]), closedByServer: true)
                }
                buffer.append(contentsOf: chunk.readableBytesView)
            }
        }
    }

    /// Parses a response head and as much body as there is; nil before the head is complete.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Response? {
        let crlf2: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = firstIndex(of: crlf2, in: bytes) else { return nil }
        let lines = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers: [(String, String)] = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = Response(status: status, headers: headers, body: [], complete: false, consumed: 0)
        let bodyStart = headEnd + 4
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            decodeChunked(bytes[bodyStart...], into: &response)
            response.consumed -= bytes.startIndex
        } else {
            let length = Int(response.header("content-length") ?? "0") ?? 0
            let available = bytes.endIndex - bodyStart
            response.body = Array(bytes[bodyStart..<(bodyStart + min(length, available))])
            response.complete = available >= length
            response.consumed = bodyStart - bytes.startIndex + min(length, available)
        }
        return response
    }

    private static func decodeChunked(_ bytes: ArraySlice<UInt8>, into response: inout Response) {
        var i = bytes.startIndex
        while let lineEnd = firstIndex(of: [13, 10], in: bytes[i...]) {
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { return }
            let dataStart = lineEnd + 2
            if size == 0 {
                guard dataStart + 2 <= bytes.endIndex else { return }
                response.complete = true
                response.consumed = dataStart + 2
                return
            }
            guard dataStart + size + 2 <= bytes.endIndex else {
                response.body += bytes[dataStart..<min(dataStart + size, bytes.endIndex)]
                return
            }
            response.body += bytes[dataStart..<(dataStart + size)]
            i = dataStart + size + 2
        }
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var i = bytes.startIndex
        while i + pattern.count <= bytes.endIndex {
            if bytes[i] == pattern[0], Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
            i += 1
        }
        return nil
    }
}
