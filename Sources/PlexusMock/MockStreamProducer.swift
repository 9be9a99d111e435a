import PlexusCore
import Synchronization

/// How stream frames go on the wire.
enum MockFraming: Sendable {
    /// `event: X` (when named) + `data: …` + blank line.
    case sse
    /// Elements of one JSON array (Gemini `streamGenerateContent` without `alt=sse`).
    case jsonArray
}

/// A fault injected into a stream after a number of frames.
enum MockStreamFault: Sendable {
    case resetAfter(Int)
    case stallAfter(Int)
    case errorEvent(after: Int, PlexusError)
    /// `data: ` and then `x`s without end: a line that never ends.
    case floodAfter(Int)
    /// Text events without end where the finish would be: a valid answer that never ends.
    case endlessText
}

/// Pacing of a stream: TTFT before the first content frame, then a delay per token.
struct MockPacing: Sendable {
    var ttft: Duration = .zero
    var perToken: Duration = .zero

    init(behavior: MockBehavior) {
        ttft = .milliseconds(behavior.ttftMilliseconds)
        if behavior.tokensPerSecond > 0 { perToken = .seconds(1 / behavior.tokensPerSecond) }
    }
}

/// Plays a script's events through a protocol encoder as a pull-based stream.
///
/// Frames are encoded lazily, one `next()` at a time, in the consumer's own task: no extra task, and
/// the consumer's cancellation interrupts the pacing sleep at once. Outcomes go to `MockStats`;
/// a producer dropped before its end (consumer gone) counts as cancelled in `deinit`.
final class MockStreamProducer: Sendable {
    private struct State {
        var encoder: any MockStreamEncoding
        var events: [MockEvent]
        var nextEvent = 0
        var queue: [(frame: MockFrame, delay: Duration)] = []
        var queueHead = 0
        var yielded = 0
        var ttftPending = true
        var faultDone = false
        var flooding = false
        var trailerDone = false
        var finished = false
    }

    /// What `next()` does after one locked step.
    private enum Step {
        case emit([UInt8], delay: Duration)
        case done
        case reset
        case stall
    }

    private let state: Mutex<State>
    private let stats: MockStats
    private let model: String
    private let pacing: MockPacing
    private let framing: MockFraming
    private let fault: MockStreamFault?

    init(
        encoder: any MockStreamEncoding, events: [MockEvent], pacing: MockPacing, framing: MockFraming,
        fault: MockStreamFault?, stats: MockStats, model: String
    ) {
        state = Mutex(State(encoder: encoder, events: events))
        self.pacing = pacing
        self.framing = framing
        self.fault = fault
        self.stats = stats
        self.model = model
    }

    deinit {
        if state.withLock({ !$0.finished }) { stats.recordStreamCancelled() }
    }

    /// The body stream; counts as started now.
    func makeStream() -> AsyncThrowingStream<[UInt8], any Error> {
        stats.recordStreamStarted()
        return AsyncThrowingStream(unfolding: { [self] in try await self.next() })
    }

    private func next() async throws -> [UInt8]? {
        if Task.isCancelled {
            markCancelled()
            throw CancellationError()
        }
        let step = state.withLock { advance(&$0) }
        switch step {
        case .emit(let bytes, let delay):
            if delay > .zero { try await pause(delay) }
            stats.recordChunk(model: model)
            return bytes
        case .done:
            stats.recordStreamCompleted()
            return nil
        case .reset:
            stats.recordStreamReset()
            throw MockError.reset
        case .stall:
            while true { try await pause(.seconds(3600)) }
        }
    }

    /// Sleeps; a cancellation here is the consumer going away.
    private func pause(_ duration: Duration) async throws {
        do {
            try await Task.sleep(for: duration)
        } catch {
            markCancelled()
            throw error
        }
    }

    private func markCancelled() {
        let first = state.withLock { s in
            defer { s.finished = true }
            return !s.finished
        }
        if first { stats.recordStreamCancelled() }
    }

    /// One step of the state machine, under the lock.
    private func advance(_ s: inout State) -> Step {
        if s.finished { return .done }
        if let injected = injectFault(&s) { return injected }
        if s.queueHead == s.queue.count { refill(&s) }
        if s.queueHead < s.queue.count {
            let (frame, delay) = s.queue[s.queueHead]
            s.queueHead += 1
            defer { s.yielded += 1 }
            return .emit(wire(frame, index: s.yielded), delay: delay)
        }
        if framing == .jsonArray, !s.trailerDone {
            s.trailerDone = true
            return .emit(s.yielded == 0 ? Array("[]".utf8) : Array("\n]".utf8), delay: .zero)
        }
        s.finished = true
        return .done
    }

    private func injectFault(_ s: inout State) -> Step? {
        guard let fault, !s.faultDone else { return nil }
        switch fault {
        case .resetAfter(let k) where s.yielded >= k:
            s.finished = true
            return .reset
        case .stallAfter(let k) where s.yielded >= k:
            return .stall
        case .floodAfter(let k) where s.yielded >= k:
            defer { s.flooding = true }
            return .emit(s.flooding ? Self.flood : Array("data: ".utf8) + Self.flood, delay: .zero)
        case .errorEvent(let k, let error) where s.yielded >= k:
            s.faultDone = true
            let unsent = s.queue.count - s.queueHead
            if unsent > 0 { s.encoder.discardUnsent(unsent) }
            s.queue = s.encoder.encode(.error(error)).map { ($0, .zero) }
            s.queueHead = 0
            s.nextEvent = s.events.count
            return nil
        case .resetAfter, .stallAfter, .errorEvent, .floodAfter, .endlessText:
            return nil
        }
    }

    /// One write of a flood.
    private static let flood = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)

    /// One event of an endless answer: 64 KiB of text.
    private static let endlessText = MockEvent.text(String(repeating: "endless ", count: 8192), tokens: 8192)

    /// Encodes events until at least one frame is queued, assigning each frame its delay.
    private func refill(_ s: inout State) {
        s.queue.removeAll(keepingCapacity: true)
        s.queueHead = 0
        while s.queue.isEmpty, s.nextEvent < s.events.count {
            var event = s.events[s.nextEvent]
            if case .endlessText? = fault, case .finish = event {
                event = Self.endlessText  // the finish never comes
            } else {
                s.nextEvent += 1
            }
            var isFinish = false
            if case .finish = event { isFinish = true }
            for frame in s.encoder.encode(event) {
                var delay = Duration.zero
                if s.ttftPending, frame.tokens > 0 || frame.leadTokens > 0 || isFinish {
                    delay = pacing.ttft + pacing.perToken * frame.leadTokens
                    s.ttftPending = false
                } else if frame.tokens + frame.leadTokens > 0 {
                    delay = pacing.perToken * (frame.tokens + frame.leadTokens)
                }
                s.queue.append((frame, delay))
            }
        }
    }

    private func wire(_ frame: MockFrame, index: Int) -> [UInt8] {
        var out: [UInt8] = []
        switch framing {
        case .sse:
            out.reserveCapacity(frame.data.count + 40)
            if let event = frame.event {
                out.append("event: ")
                out.append(contentsOf: event.utf8)
                out.append(0x0A)
            }
            out.append("data: ")
            out.append(contentsOf: frame.data)
            out.append(contentsOf: [0x0A, 0x0A])
        case .jsonArray:
            out.append(index == 0 ? "[" : ",\r\n")
            out.append(contentsOf: frame.data)
        }
        return out
    }
}
