import PlexusCore

extension MockUpstream {
    /// The shared flow of every generation route: parse, decode, pick a behaviour, verify signatures,
    /// maybe inject a fault, then answer unary or as a stream.
    func generate(
        _ request: MockRequest, framing: MockFraming = .sse,
        decode: (JSONValue) throws(PlexusError) -> MockGeneration
    ) async throws -> MockResponse {
        let proto = Self.protocolOf(path: request.path)
        let body: JSONValue
        do { body = try JSONValue(parsing: request.body) } catch {
            stats.recordRequest(model: nil, body: request.body)
            return Self.error(PlexusError(.invalidRequest, "Invalid JSON body: \(error)"), proto)
        }
        let gen: MockGeneration
        do { gen = try decode(body) } catch {
            stats.recordRequest(model: nil, body: request.body)
            return Self.error(error, proto)
        }
        stats.recordRequest(model: gen.model, body: request.body)
        let header = request.header("x-mock-behavior")
        let behavior: MockBehavior
        do { behavior = try MockBehavior.parse(model: gen.model, header: header) } catch {
            return Self.error(PlexusError(.invalidRequest, error.message), proto)
        }
        var response = try await answer(
            gen, proto, body, behavior, key: gen.model + "|" + (header ?? ""), framing: framing)
        // Every answer of the behaviour (errors included: `fail=500,close=1`) carries its wire options.
        response.wire = behavior.wire
        return response
    }

    private func answer(
        _ gen: MockGeneration, _ proto: APIProtocol, _ body: JSONValue, _ behavior: MockBehavior,
        key: String, framing: MockFraming
    ) async throws -> MockResponse {
        if let refusal = refusal(proto, body, thinks: behavior.thinkingTokens > 0) { return refusal }
        let fault = activeFault(behavior, key: key)
        let script = MockScript(request: gen, behavior: behavior, signer: signer)
        if gen.stream {
            return try await streamResponse(gen, script, behavior, fault: fault, framing: framing)
        }
        return try await unaryResponse(gen, script, behavior, fault: fault)
    }

    /// The protocol of a generation path (the routes are fixed, so the path says it).
    static func protocolOf(path: String) -> APIProtocol {
        if path.hasPrefix("/v1beta/") { return .gemini }
        if path.hasPrefix("/v1/messages") { return .messages }
        if path.hasPrefix("/v1/responses") { return .responses }
        return .chat
    }

    /// What the real API refuses in a well-formed request. Signatures present must be minted here; a thinking
    /// model also requires them where the real API does (the turn a tool loop continues), so a gateway that drops
    /// them fails instead of passing unnoticed. Responses also refuses state the mock never stored and
    /// reasoning items or function calls out of place (`MockResponses.validate`).
    private func refusal(_ proto: APIProtocol, _ body: JSONValue, thinks: Bool) -> MockResponse? {
        if proto == .responses {
            return MockResponses.validate(body, signer: signer).map { Self.json($0.status, $0.json.serialized()) }
        }
        let bad: PlexusError? =
            switch proto {
            case .chat, .embeddings, .responses:
                nil
            case .messages:
                MockAnthropic.verifySignatures(in: body, signer: signer)
                    ?? (thinks ? MockAnthropic.missingThinking(in: body) : nil)
            case .gemini:
                MockGemini.verifySignatures(in: body, signer: signer)
                    ?? (thinks ? MockGemini.missingSignature(in: body) : nil)
            }
        return bad.map { Self.error($0, proto) }
    }

    /// The fault for this request, after `fail_first` / `fail_rate` gating (counted per model + header).
    func activeFault(_ behavior: MockBehavior, key: String) -> MockBehavior.Fault? {
        guard let fault = behavior.fault else { return nil }
        guard behavior.failFirst != nil || behavior.failRate != nil else { return fault }
        let ordinal = stats.nextOrdinal(for: key)
        if let first = behavior.failFirst, ordinal < first { return fault }
        if let rate = behavior.failRate {
            // A fixed pseudo-random sequence per key: reproducible runs, roughly `rate` of requests fail.
            let draw = Double(MockHash.hash64(key, seed: UInt64(ordinal)) >> 11) / Double(1 << 53)
            if draw < rate { return fault }
        }
        return nil
    }

    private func unaryResponse(
        _ gen: MockGeneration, _ script: MockScript, _ behavior: MockBehavior,
        fault: MockBehavior.Fault?
    ) async throws -> MockResponse {
        if let early = try await applyHeadFault(fault, gen.proto, behavior) { return early }
        let tokens = script.usage.output + script.usage.reasoning
        let pacing = MockPacing(behavior: behavior)
        try await waitOrRecordCancel(pacing.ttft + pacing.perToken * tokens)
        let body: [UInt8] =
            switch gen.proto {
            case .chat, .embeddings: MockOpenAI.unaryBody(script)
            case .responses: MockResponses.unaryBody(script, gen.responses ?? MockResponses.Echo())
            case .messages: MockAnthropic.unaryBody(script)
            case .gemini: MockGemini.unaryBody(script)
            }
        let headers = [("content-type", "application/json")] + requestIDHeader(gen.proto, script)
        switch fault {
        case .resetAfter(let k)?:
            // Head, then part of the body (none when K is 0), then the cut.
            let part = k == 0 ? [] : Array(body.prefix(body.count / 2))
            return MockResponse(status: 200, headers: headers, body: .stream(Self.cutStream(part, stats: stats)))
        case .stallAfter?, .flood?, .endless?:
            // Head, then a body that never comes, or never ends: a producer with no events that stalls or floods.
            let endless: MockStreamFault = if case .stallAfter? = fault { .stallAfter(0) } else { .floodAfter(0) }
            let producer = MockStreamProducer(
                encoder: MockGemini.StreamEncoder(script: script), events: [],
                pacing: pacing, framing: .sse, fault: endless, stats: stats, model: gen.model)
            return MockResponse(status: 200, headers: headers, body: .stream(producer.makeStream()))
        case .errorEvent?:
            return Self.error(behavior.errorKind.error, gen.proto)
        case .status?, .resetBeforeFirstByte?, .stall?, nil:
            return MockResponse(status: 200, headers: headers, body: .bytes(body))
        }
    }

    private func streamResponse(
        _ gen: MockGeneration, _ script: MockScript, _ behavior: MockBehavior,
        fault: MockBehavior.Fault?, framing: MockFraming
    ) async throws -> MockResponse {
        if let early = try await applyHeadFault(fault, gen.proto, behavior) { return early }
        let encoder: any MockStreamEncoding =
            switch gen.proto {
            case .chat, .embeddings: MockOpenAI.StreamEncoder(script: script, includeUsage: gen.includeUsage)
            case .responses: MockResponses.StreamEncoder(script: script, echo: gen.responses ?? MockResponses.Echo())
            case .messages: MockAnthropic.StreamEncoder(script: script, ping: behavior.ping)
            case .gemini: MockGemini.StreamEncoder(script: script)
            }
        let streamFault: MockStreamFault? =
            switch fault {
            case .resetAfter(let k)?: .resetAfter(k)
            case .stallAfter(let k)?: .stallAfter(k)
            case .errorEvent(let k)?: .errorEvent(after: k, behavior.errorKind.error)
            case .flood(let k)?: .floodAfter(k)
            case .endless?: .endlessText
            case .status?, .resetBeforeFirstByte?, .stall?, nil: nil
            }
        let producer = MockStreamProducer(
            encoder: encoder, events: script.events(), pacing: MockPacing(behavior: behavior),
            framing: framing, fault: streamFault, stats: stats, model: gen.model)
        let contentType = framing == .sse ? "text/event-stream; charset=utf-8" : "application/json; charset=UTF-8"
        let headers =
            [("content-type", contentType), ("cache-control", "no-cache")] + requestIDHeader(gen.proto, script)
        return MockResponse(status: 200, headers: headers, body: .stream(producer.makeStream()))
    }

    /// Faults that act before any response head: an error status, a reset, a stall.
    func applyHeadFault(
        _ fault: MockBehavior.Fault?, _ proto: APIProtocol,
        _ behavior: MockBehavior
    ) async throws -> MockResponse? {
        switch fault {
        case .status(let status)?:
            let error = PlexusError.mockFailure(status: status)
            var extra: [(String, String)] = []
            if let seconds = behavior.retryAfterSeconds ?? (status == 429 ? 1 : nil) {
                extra.append(("retry-after", String(seconds)))
            }
            return Self.error(error, proto, extra: extra)
        case .resetBeforeFirstByte?:
            throw MockError.resetBeforeFirstByte
        case .stall?:
            while true { try await waitOrRecordCancel(.seconds(3600)) }
        case .resetAfter?, .stallAfter?, .errorEvent?, .flood?, .endless?, nil:
            return nil
        }
    }

    /// Sleeps; a cancellation while the answer is pending is counted.
    func waitOrRecordCancel(_ duration: Duration) async throws {
        guard duration > .zero else { return }
        do { try await Task.sleep(for: duration) } catch {
            stats.recordRequestCancelled()
            throw error
        }
    }

    private func requestIDHeader(_ proto: APIProtocol, _ script: MockScript) -> [(String, String)] {
        let id = "req_" + MockHash.token(script.seed ^ 0x5EED, length: 24)
        return switch proto {
        case .chat, .embeddings, .responses: [("x-request-id", id)]
        case .messages: [("request-id", id)]
        case .gemini: []
        }
    }

    /// A body that sends `part` then cuts the connection.
    static func cutStream(_ part: [UInt8], stats: MockStats) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        if !part.isEmpty { continuation.yield(part) }
        stats.recordStreamReset()
        continuation.finish(throwing: MockError.reset)
        return stream
    }
}
