import Foundation
import NIOCore
import NIOSSL
import Testing

@testable import PlexusUpstream

/// The upstream client against a server that offers HTTP/2 only, as the providers' edges do: in production most
/// upstream requests go over HTTP/2.
@Suite("Upstream HTTP/2")
struct HTTP2TransportTests {
    /// An h2-only server with a fresh certificate, a transport that trusts it, and the URL to ask.
    static func serving(
        _ chunks: [String], firstAfter: TimeAmount = .zero, pause: TimeAmount
    ) async throws -> (TestHTTP2Server, HTTPTransport, UpstreamRequest) {
        let (certificate, key) = try HTTPTransportTests.selfSignedCertificate()
        let server = try await TestHTTP2Server(
            certificate: certificate, key: key, chunks: chunks, firstAfter: firstAfter, pause: pause)
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates([certificate])
        let request = UpstreamRequest(
            url: "https://localhost:\(server.port)/v1/x", method: "GET", headers: [], body: ByteBuffer())
        return (server, HTTPTransport(tlsConfiguration: trusting), request)
    }

    /// Waits up to a second for the server to see a stream reset before its answer's end.
    static func streamAbandoned(on server: TestHTTP2Server) async throws {
        let deadline = ContinuousClock.now + .seconds(1)
        while server.streamsAbandoned == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Concurrent requests share a connection per event loop, and each answer streams in full. Fails when the
    /// client speaks HTTP/1.1 (the server expects the HTTP/2 preface).
    @Test func concurrentRequestsShareAConnectionPerEventLoop() async throws {
        let events = ["data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n", "data: [DONE]\n\n"]
        let (server, transport, request) = try await Self.serving(events, pause: .milliseconds(50))
        let requests = 20
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<requests {
                group.addTask {
                    let response = try await transport.send(request, firstByteTimeout: .seconds(30))
                    return (response.status, String(buffer: try await response.collect(upTo: 1 << 20)))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == requests)
        for (status, body) in answers { #expect(status == 200 && body == events.joined(), "\(status) \(body)") }
        #expect(server.streams == requests)
        let loops = System.coreCount  // the singleton group's size: one client, so one connection, per loop
        #expect(server.connections <= loops, "\(server.connections) connections for \(requests) requests")
        try await transport.shutdown()
        await server.stop()
    }

    /// A reader that goes away (its client left) ends its own stream within a second; the other request on the
    /// transport streams on to its end and no connection is closed.
    @Test func aReaderLeavingEndsOnlyItsStream() async throws {
        let events = (0..<40).map { "data: \($0)\n\n" }
        // 2 s per answer: the left one must still be running when its reader goes, on a loaded machine too.
        let (server, transport, request) = try await Self.serving(events, pause: .milliseconds(50))
        let kept = try await transport.send(request, firstByteTimeout: .seconds(30))
        let left = try await transport.send(request, firstByteTimeout: .seconds(30))
        await HTTPTransportTests.read(left, thenLeaveAfter: .milliseconds(100))
        try await Self.streamAbandoned(on: server)
        #expect(server.streamsAbandoned == 1, "the left stream ends within 1 s")
        #expect(String(buffer: try await kept.collect(upTo: 1 << 20)) == events.joined())
        #expect(server.streamsAbandoned == 1 && server.connectionsClosed == 0)
        try await transport.shutdown()
        await server.stop()
    }

    /// A stream silent after its head runs into the first-event deadline, one silent between events into the idle
    /// timeout; each ends its own stream, and the connection stays.
    @Test(arguments: [UpstreamError.Code.firstByteTimeout, .idleTimeout])
    func aStalledStreamRunsIntoItsDeadline(code: UpstreamError.Code) async throws {
        let silentFirst = code == .firstByteTimeout
        let (server, transport, request) = try await Self.serving(
            ["data: 1\n\n", "data: 2\n\n"], firstAfter: silentFirst ? .seconds(20) : .zero, pause: .seconds(20))
        // The first-event deadline also covers connecting (TLS, HTTP/2 settings): 3 s leaves room for a loaded
        // machine; the server stays silent for 20.
        let response = try await transport.send(
            request,
            timeouts: UpstreamTimeouts(
                firstEvent: .milliseconds(silentFirst ? 3000 : 30_000), idle: .milliseconds(300),
                firstEventAtHead: false))
        #expect(response.status == 200)
        let started = ContinuousClock.now
        await HTTPTransportTests.expect(code) {
            var it = response.body.makeAsyncIterator()
            if !silentFirst {
                _ = try await it.next()
                response.firstEventArrived()
            }
            while try await it.next() != nil {}
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        try await Self.streamAbandoned(on: server)
        #expect(server.streamsAbandoned == 1 && server.connectionsClosed == 0)
        try await transport.shutdown()
        await server.stop()
    }
}
