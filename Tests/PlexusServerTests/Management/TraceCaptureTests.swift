import PlexusCore
import Testing

@testable import PlexusServer

/// A captured stream keeps the start of each side up to its byte limit and counts the rest.
@Suite("Trace capture limits")
struct TraceCaptureTests {
    @Test func eachSideKeepsAnUnbrokenStartThenCounts() {
        let trace = TraceCapture(eventBytesLimit: 10)
        // 4 + 4 bytes fit; 4 more would pass 10, so that event and every later one (even a short one) is counted.
        trace.upstreamEvents([SSEEvent(data: "aaaa"), SSEEvent(data: "bbbb"), SSEEvent(data: "cccc")], decoded: [])
        trace.upstreamEvents([SSEEvent(data: "d")], decoded: [])
        trace.clientBytes(Array("0123456789".utf8))
        trace.clientBytes(Array("x".utf8))
        let document = trace.document(requestID: "r")
        let upstream = document["upstream_response"]
        #expect(upstream?["events"]?.arrayValue?.compactMap { $0["data"]?.stringValue } == ["aaaa", "bbbb"])
        #expect(upstream?["events_dropped"]?.doubleValue == 2)
        let client = document["client_response"]
        #expect(client?["events"]?.arrayValue?.compactMap { $0["data"]?.stringValue } == ["0123456789"])
        #expect(client?["events_dropped"]?.doubleValue == 1)
    }

    @Test func aStreamWithinTheLimitIsWhole() {
        let trace = TraceCapture()
        trace.upstreamEvents((0..<100).map { SSEEvent(data: "event \($0)") }, decoded: [])
        let upstream = trace.document(requestID: "r")["upstream_response"]
        #expect(upstream?["events"]?.arrayValue?.count == 100)
        #expect(upstream?["events_dropped"] == nil)
    }
}
