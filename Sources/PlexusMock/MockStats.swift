import PlexusCore
import Synchronization

/// What the mock has seen and done, for tests: request counts, stream outcomes, last bodies, timings.
///
/// Recording happens from synchronous places (a stream's producer, its deinit when the consumer
/// drops it), so the counters live in a `Mutex`; the actor is the async query surface for tests.
public actor MockStats {
    /// A copy of every counter at one moment.
    public struct Snapshot: Sendable {
        /// Requests per model name as sent (generation and count routes).
        public var requestsByModel: [String: Int] = [:]
        /// All requests, any route.
        public var totalRequests = 0
        public var streamsStarted = 0
        /// Streams that sent their last event.
        public var streamsCompleted = 0
        /// Streams whose consumer went away or was cancelled before the end.
        public var streamsCancelled = 0
        /// Streams cut by an injected reset.
        public var streamsReset = 0
        /// Requests cancelled while the mock was still waiting to answer (TTFT wait or stall).
        public var requestsCancelled = 0
        /// The last request body per model name.
        public var lastRequestBodyByModel: [String: [UInt8]] = [:]
        /// When the last stream chunk was handed to the transport.
        public var lastChunkAt: ContinuousClock.Instant?
        public var lastChunkAtByModel: [String: ContinuousClock.Instant] = [:]
        /// When the last cancellation (stream or request) was observed.
        public var lastCancelledAt: ContinuousClock.Instant?
    }

    nonisolated let state = Mutex(Snapshot())
    /// Per-key request ordinals for `fail_first` and `fail_rate`.
    nonisolated let faultCounters = Mutex([String: Int]())

    public init() {}

    /// All counters now.
    public func snapshot() -> Snapshot { state.withLock { $0 } }

    /// Requests seen for one model name.
    public func requests(for model: String) -> Int { state.withLock { $0.requestsByModel[model] ?? 0 } }

    /// The last body sent for a model, parsed.
    public func lastRequestJSON(for model: String) -> JSONValue? {
        guard let body = state.withLock({ $0.lastRequestBodyByModel[model] }) else { return nil }
        return try? JSONValue(parsing: body)
    }

    /// Polls until `condition` holds or `timeout` passes; returns the snapshot that satisfied it.
    public func waitUntil(
        timeout: Duration, _ condition: @Sendable (Snapshot) -> Bool
    ) async -> Snapshot? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let snap = state.withLock { $0 }
            if condition(snap) { return snap }
            if ContinuousClock.now >= deadline { return nil }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { return nil }
        }
    }

    /// Clears every counter (fault counters too).
    public func reset() {
        state.withLock { $0 = Snapshot() }
        faultCounters.withLock { $0.removeAll() }
    }

    nonisolated func recordRequest(model: String?, body: [UInt8]) {
        state.withLock {
            $0.totalRequests += 1
            guard let model else { return }
            $0.requestsByModel[model, default: 0] += 1
            $0.lastRequestBodyByModel[model] = body
        }
    }

    nonisolated func recordStreamStarted() { state.withLock { $0.streamsStarted += 1 } }
    nonisolated func recordStreamCompleted() { state.withLock { $0.streamsCompleted += 1 } }
    nonisolated func recordStreamReset() { state.withLock { $0.streamsReset += 1 } }

    nonisolated func recordStreamCancelled() {
        let now = ContinuousClock.now
        state.withLock {
            $0.streamsCancelled += 1
            $0.lastCancelledAt = now
        }
    }

    nonisolated func recordRequestCancelled() {
        let now = ContinuousClock.now
        state.withLock {
            $0.requestsCancelled += 1
            $0.lastCancelledAt = now
        }
    }

    nonisolated func recordChunk(model: String) {
        let now = ContinuousClock.now
        state.withLock {
            $0.lastChunkAt = now
            $0.lastChunkAtByModel[model] = now
        }
    }

    /// 0 for the first request under `key`, then 1, 2, …
    nonisolated func nextOrdinal(for key: String) -> Int {
        faultCounters.withLock { counters in
            let n = counters[key, default: 0]
            counters[key] = n + 1
            return n
        }
    }
}

extension MockStats.Snapshot {
    /// The counters `GET /mock/stats` serves (bodies and instants stay in process).
    var json: JSONValue {
        let byModel = requestsByModel.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number(Double($0.value))) }
        return .object(
            JSONObject([
                ("requests_by_model", .object(JSONObject(byModel))),
                ("total_requests", .number(Double(totalRequests))),
                ("streams_started", .number(Double(streamsStarted))),
                ("streams_completed", .number(Double(streamsCompleted))),
                ("streams_cancelled", .number(Double(streamsCancelled))),
                ("streams_reset", .number(Double(streamsReset))),
                ("requests_cancelled", .number(Double(requestsCancelled))),
            ]))
    }
}
