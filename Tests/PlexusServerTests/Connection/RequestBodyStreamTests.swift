import NIOCore
import Testing

@testable import PlexusServer

/// `RequestBodyStream` on its own: what each event does to a streamed request body and what the handler is told.
@Suite("Request body stream")
struct RequestBodyStreamTests {
    enum Step {
        case receive(Int)
        case end
        case take
        case continueHead
        case release
        case fail
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var length: Int? = nil
        var first = 0
        var waitsForContinue = false
        var delivered = true
        let steps: [Step]
        /// What each step said, in order.
        let said: [String]
        var buffered = 0
        var blocksReuse = false
        var testDescription: String { name }
    }

    static let limit = 100

    static let cases: [Case] = [
        Case(
            name: "parts are taken in order, then the end", length: 30, first: 10,
            steps: [.receive(10), .take, .take, .take, .receive(10), .end, .take, .take],
            said: ["buffered", "part 10", "part 10", "wait", "buffered", "ended", "part 10", "end"]),
        Case(
            name: "a failure throws to the waiting task, then to every read", first: 5,
            steps: [.take, .take, .fail, .take],
            said: ["part 5", "wait", "waiter failed", "failed"]),
        Case(
            name: "a failure after the end changes nothing", length: 5,
            steps: [.receive(5), .end, .fail, .take, .take],
            said: ["buffered", "ended", "no waiter", "part 5", "end"]),
        Case(
            name: "an answered request drops what was unread and the rest up to the limit", first: 10,
            steps: [.receive(20), .release, .receive(50), .receive(50), .receive(1)],
            said: ["buffered", "discarding", "dropped", "dropped", "over limit"]),
        Case(
            name: "a dropped body's end leaves nothing to wait for", length: 40, first: 10,
            steps: [.release, .receive(30), .end], said: ["discarding", "dropped", "done"]),
        Case(name: "an ended body is released whole", length: 0, steps: [.end, .release], said: ["ended", "done"]),
        Case(
            name: "unread bytes count for back-pressure until taken", first: 7,
            steps: [.receive(8), .receive(9), .take],
            said: ["buffered", "buffered", "part 7"], buffered: 17),
        Case(
            name: "100 Continue is written once, at the first read", length: 10, waitsForContinue: true,
            steps: [.continueHead, .continueHead, .take], said: ["100", "none", "wait"]),
        Case(
            name: "bytes sent without waiting for 100 Continue cancel it", length: 10, waitsForContinue: true,
            steps: [.receive(4), .continueHead], said: ["buffered", "none"], buffered: 4),
        Case(
            name: "a client waiting for 100 Continue it will not get blocks reuse", length: 10, waitsForContinue: true,
            steps: [], said: [], blocksReuse: true),
        Case(
            name: "more than the limit still to come blocks reuse", length: 10 + limit + 1, first: 10, steps: [],
            said: [], buffered: 10, blocksReuse: true),
        Case(
            name: "up to the limit still to come is dropped to keep the connection", length: 10 + limit, first: 10,
            steps: [], said: [], buffered: 10),
        Case(name: "a chunked body is dropped up to the limit", first: 10, steps: [], said: [], buffered: 10),
        Case(
            name: "a stream not yet delivered is not the answer's to judge", length: 10 * limit, waitsForContinue: true,
            delivered: false, steps: [], said: []),
        Case(
            name: "an ended body never blocks reuse", length: 3, steps: [.receive(3), .end],
            said: ["buffered", "ended"],
            buffered: 3),
    ]

    @Test(arguments: cases)
    func stream(_ c: Case) async throws {
        let outcome = try await withUnsafeThrowingContinuation { (waiter: RequestBodyStream.Waiter) in
            var stream = RequestBodyStream(
                id: 1, length: c.length, first: Self.bytes(c.first),
                continueHead: c.waitsForContinue ? ByteBuffer(string: "100") : nil)
            stream.delivered = c.delivered
            let said = c.steps.map { Self.run($0, on: &stream, waiter: waiter) }
            waiter.resume(returning: ByteBuffer(string: said.joined(separator: "|")))
            #expect(stream.buffered == c.buffered)
            #expect(stream.blocksReuse(discardLimit: Self.limit) == c.blocksReuse)
        }
        #expect(outcome.map { String(buffer: $0) } == c.said.joined(separator: "|"))
    }

    static func run(_ step: Step, on stream: inout RequestBodyStream, waiter: RequestBodyStream.Waiter) -> String {
        switch step {
        case .receive(let count):
            switch stream.receive(bytes(count), discardLimit: limit) {
            case .buffered: return "buffered"
            case .dropped: return "dropped"
            case .overLimit: return "over limit"
            }
        case .end: return stream.receiveEnd() ? "ended" : "done"
        case .take:
            switch stream.take(waiter) {
            case .part(let part): return "part \(part.readableBytes)"
            case .end: return "end"
            case .failed: return "failed"
            case .wait: return stream.taskWaits ? "wait" : "wait, not kept"
            }
        case .continueHead: return stream.takeContinueHead().map { String(buffer: $0) } ?? "none"
        case .release: return stream.release() ? "done" : "discarding"
        case .fail: return stream.fail() == nil ? "no waiter" : "waiter failed"
        }
    }

    static func bytes(_ count: Int) -> ByteBuffer { ByteBuffer(repeating: 0x61, count: count) }
}
