import Foundation
import HTTPTypes
import NIOCore
import NIOPosix
import Testing

@testable import PlexusServer

/// Issue 18, point 2: a body refused by its length gets an answer the client can read (lingering close), and
/// `Expect: 100-continue` is honoured: `100 Continue` when the body is wanted, none when the request is answered
/// without it.
@Suite("Refused bodies and 100-continue", .serialized, .timeLimit(.minutes(1)))
struct RefusedBodyTests {
    static let limit = 300_000
    static let yaml = GatewayConnectionTests.yaml(maxBody: limit)

    static func head(length: Int, expect: Bool = false, close: Bool = false) -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(TestGateway.key)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(length)\r\n"
            + (expect ? "Expect: 100-continue\r\n" : "") + (close ? "Connection: close\r\n" : "") + "\r\n"
    }

    /// Connects and runs `body` with the connection's reader and writer.
    typealias Reader = NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    static func connect<T: Sendable>(
        port: Int, _ body: (inout Reader, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> T
    ) async throws -> T {
        // Like curl, the client keeps its side open when the gateway shuts its own after the answer (NIO's default
        // closes the channel then, and a write still under way failed with "I/O on closed channel").
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var reader = inbound.makeAsyncIterator()
            return try await body(&reader, outbound)
        }
    }

    /// What arrives until it contains `marker` (or the server closes).
    static func read(until marker: String, _ reader: inout Reader) async throws -> String {
        var text = ""
        while !text.contains(marker), let part = try await reader.next() { text += String(buffer: part) }
        return text
    }

    /// Everything until the server closes; the error that ended the read instead, if one did (a reset).
    static func readToEnd(_ reader: inout Reader) async -> (text: String, error: (any Error)?) {
        var text = ""
        do {
            while let part = try await reader.next() { text += String(buffer: part) }
            return (text, nil)
        } catch {
            return (text, error)
        }
    }

    /// A client that writes its whole over-limit body before it reads, and asked to close, reads the 413: the
    /// gateway does not close on the bytes still coming (that sent a reset, which dropped the answer).
    @Test func aClientWritingItsWholeOversizedBodyReadsThe413() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let length = 8 * 1024 * 1024
            let (text, error) = try await Self.connect(port: gw.port) { reader, writer in
                try await writer.write(ByteBuffer(string: Self.head(length: length, close: true)))
                let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                for _ in 0..<(length / part.readableBytes) { try await writer.write(part) }
                return await Self.readToEnd(&reader)
            }
            #expect(error == nil, "\(String(describing: error))")
            #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text.prefix(300))")
            #expect(text.contains("request_too_large"), "\(text.prefix(400))")
        }
    }

    /// A client that writes its refused body slowly, for longer after the answer than the silence the gateway allows
    /// (5 s), still reads the 413: the lingering close lasts while bytes keep coming (30 s at most).
    @Test func aClientStillWritingItsRefusedBodyFiveSecondsAfterTheAnswerReadsThe413() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            // The answer comes with the head (its length is over the limit); the parts take 11 s.
            let parts = 24
            let started = ContinuousClock.now
            let (text, error) = try await Self.connect(port: gw.port) { reader, writer in
                try await writer.write(ByteBuffer(string: Self.head(length: parts * part.readableBytes, close: true)))
                for _ in 0..<parts {
                    try await Task.sleep(for: .milliseconds(450))
                    try await writer.write(part)
                }
                return await Self.readToEnd(&reader)
            }
            #expect(ContinuousClock.now - started > .seconds(10), "the body took \(ContinuousClock.now - started)")
            #expect(error == nil, "\(String(describing: error))")
            #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text.prefix(300))")
        }
    }

    /// A length over the limit is answered from the head, before any of the body arrives, with or without
    /// `Expect: 100-continue`; the body is then read and dropped, and the connection serves the next request.
    @Test func aLengthOverTheLimitIsAnsweredBeforeTheBody() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let length = 2 * 1024 * 1024
            let started = ContinuousClock.now
            try await Self.connect(port: gw.port) { reader, writer in
                try await writer.write(ByteBuffer(string: Self.head(length: length)))
                let answer = try await Self.read(until: "request_too_large", &reader)
                #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer.prefix(300))")
                #expect(ContinuousClock.now - started < .seconds(5), "answered after \(ContinuousClock.now - started)")
                try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: length))
                let body = #"{"model":"fast","messages":[{"role":"user","content":"hi"}]}"#
                try await writer.write(ByteBuffer(string: Self.head(length: body.utf8.count) + body))
                let next = try await Self.read(until: "chat.completion", &reader)
                #expect(next.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(next.prefix(200))")
            }
        }
    }

    /// A client that goes silent after its 413 has its connection closed once the silence passes 5 s: what it sends
    /// after that draws a reset, where before it is read and dropped.
    @Test func aClientSilentForFiveSecondsAfterTheAnswerIsClosed() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            try await Self.connect(port: gw.port) { reader, writer in
                try await writer.write(ByteBuffer(string: Self.head(length: 16 * part.readableBytes, close: true)))
                for _ in 0..<5 { try await writer.write(part) }
                let (text, error) = await Self.readToEnd(&reader)
                #expect(error == nil && text.hasPrefix("HTTP/1.1 413 "), "\(text.prefix(300))")
                // 3 s of silence: still lingering, so these are read and dropped.
                try await Task.sleep(for: .seconds(3))
                for _ in 0..<3 {
                    try await writer.write(part)
                    try await Task.sleep(for: .milliseconds(200))
                }
                // Then 6.5 s more: closed, so the next bytes draw a reset and the writes after it fail.
                try await Task.sleep(for: .milliseconds(6500))
                var failed = false
                for _ in 0..<10 where !failed {
                    do {
                        try await writer.write(part)
                        try await Task.sleep(for: .milliseconds(200))
                    } catch {
                        failed = true
                    }
                }
                #expect(failed, "the connection was still open after 6.5 s of silence")
            }
        }
    }

    /// Over the limit by its length and waiting for `100 Continue`: a 413 at once that says the connection
    /// closes, no `100 Continue`, and the close; the body is never sent.
    @Test func anOversizedBodyThatWaitsFor100ContinueIsRefusedWithoutIt() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let started = ContinuousClock.now
            let (text, error) = try await Self.connect(port: gw.port) { reader, writer in
                try await writer.write(ByteBuffer(string: Self.head(length: 40 * 1024 * 1024, expect: true)))
                return await Self.readToEnd(&reader)
            }
            #expect(error == nil, "\(String(describing: error))")
            #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text.prefix(300))")
            #expect(!text.contains("100 Continue"), "\(text.prefix(300))")
            #expect(text.lowercased().contains("\r\nconnection: close\r\n"), "\(text.prefix(400))")
            #expect(ContinuousClock.now - started < .seconds(3), "closed after \(ContinuousClock.now - started)")
        }
    }

    /// A body the gateway wants: `100 Continue` before the client sends it, then the answer; twice on one
    /// connection.
    @Test func aClientThatWaitsFor100ContinueGetsItThenItsAnswer() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let body = #"{"model":"fast","messages":[{"role":"user","content":"hi"}]}"#
            try await Self.connect(port: gw.port) { reader, writer in
                for _ in 0..<2 {
                    try await writer.write(ByteBuffer(string: Self.head(length: body.utf8.count, expect: true)))
                    let interim = try await reader.next().map { String(buffer: $0) } ?? ""
                    #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
                    try await writer.write(ByteBuffer(string: body))
                    let answer = try await Self.read(until: "chat.completion", &reader)
                    #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.prefix(200))")
                }
            }
        }
    }

    /// An answer that closes the connection says so in its head, however it is written.
    @Test func aClosingAnswerSaysConnectionClose() throws {
        var codec = HTTPServerCodec()
        try codec.read(ByteBuffer(string: Self.head(length: 0))) { _ in
        } emit: { _ in
        }
        try codec.read(ByteBuffer(string: Self.head(length: 0))) { _ in
        } emit: { _ in
        }
        let allocator = ByteBufferAllocator()
        let whole =
            codec.encode(
                .complete(EncodedAnswer(status: .contentTooLarge, fields: [], body: ByteBuffer())),
                allocator: allocator, closing: true
            ).bytes.map { String(buffer: $0) } ?? ""
        #expect(whole.hasPrefix("HTTP/1.1 413 ") && whole.contains("\r\nconnection: close\r\n"), "\(whole)")
        let head =
            codec.encode(
                .head(.init(status: .contentTooLarge, headerFields: [.contentLength: "0"])),
                allocator: allocator, closing: true
            ).bytes.map { String(buffer: $0) } ?? ""
        #expect(head.components(separatedBy: "connection: close").count == 2, "\(head)")
    }
}
