import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import PlexusServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 18, point 2: out of file descriptors, the listening socket pauses accepting instead of retrying a failed
/// accept at once (93 % of a core before), and accepts again after the pause; the gateway caps its connections
/// below the open-files limit so it does not get there by clients alone.
@Suite("Accept failures")
struct AcceptFailureTests {
    static func server(_ limiter: ConnectionLimiter, logs: LogBuffer) throws -> EmbeddedChannel {
        let logger = Logger(label: "test") { _ in CapturingLogHandler(buffer: logs) }
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(AcceptFailureHandler(limiter: limiter, logger: logger))
        return channel
    }

    @Test func runningOutOfDescriptorsPausesAcceptsThenResumes() throws {
        let limiter = ConnectionLimiter(max: 10, pause: .milliseconds(100))
        let logs = LogBuffer()
        let server = try Self.server(limiter, logs: logs)
        let loop = server.embeddedEventLoop
        #expect(limiter.accepting)
        for _ in 0..<50 { server.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept4")) }
        #expect(!limiter.accepting, "paused after EMFILE")
        #expect(throws: Never.self) { try server.throwIfErrorCaught() }  // handled here, not passed on
        loop.advanceTime(by: .milliseconds(99))
        #expect(!limiter.accepting)
        loop.advanceTime(by: .milliseconds(1))
        #expect(limiter.accepting, "accepting again after the pause")
        server.pipeline.fireErrorCaught(IOError(errnoCode: ENFILE, reason: "accept4"))
        #expect(!limiter.accepting)
        loop.advanceTime(by: .milliseconds(100))
        #expect(limiter.accepting)
        // A connection accepted after the failures is logged once; the 51 failures made one line.
        try server.writeInbound(EmbeddedChannel() as any Channel)
        let lines = logs.text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("cannot accept connections") }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains("accepting connections again") }.count == 1, "\(lines)")
        // Other errors go on down the pipeline.
        server.pipeline.fireErrorCaught(IOError(errnoCode: ECONNABORTED, reason: "accept4"))
        #expect(throws: IOError.self) { try server.throwIfErrorCaught() }
        _ = try? server.finish()
    }

    @Test func theConnectionCapLeavesHalfTheDescriptorsForUpstreams() {
        #expect(ConnectionLimiter.connectionBudget(openFilesLimit: 256) == 96)
        #expect(ConnectionLimiter.connectionBudget(openFilesLimit: 1024) == 480)
        #expect(ConnectionLimiter.connectionBudget(openFilesLimit: 10) == 1)
        #expect(ConnectionLimiter.connectionBudget(openFilesLimit: Int.max) > 1_000_000)
    }
}
