import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusStorage

@testable import PlexusServer

/// What the gateway answered to one request.
struct Answer: Sendable {
    let status: Int
    let provider: String?
    let passthrough: Bool
    let body: String
}

extension TestGateway {
    /// Sends one OpenAI chat request for `model` with an authorised key.
    func chat(_ model: String, stream: Bool = false, prompt: String = "hello", extra: String = "") async throws
        -> Answer
    {
        let body =
            #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"\#(prompt)"}]\#(extra)}"#
        return try await send("/v1/chat/completions", body: body)
    }

    /// POSTs `body` to `path` and reads the whole answer.
    func send(_ path: String, body: String, key: String = Self.key) async throws -> Answer {
        let response = try await HTTPClient.shared.post(
            base + path, json: body,
            headers: [("authorization", "Bearer \(key)"), ("anthropic-version", "2023-06-01")])
        let text = try await response.text()
        return Answer(
            status: Int(response.status.code), provider: response.headers.first(name: "x-plexus-provider"),
            passthrough: response.headers.first(name: "x-plexus-passthrough") == "true", body: text)
    }

    /// The newest usage rows after a flush. A unary request's row is committed just after its answer is written,
    /// so a client can read the answer first: this waits (at most two seconds) until no request is in flight.
    func rows(_ limit: Int = 50) async throws -> [UsageRecord] {
        let deadline = ContinuousClock.now + .seconds(2)
        while gateway.inFlight.count > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        await gateway.usageWriter.flush()
        return try await gateway.store.recent(limit: limit)
    }
}

/// Providers `a` and `b` on one mock server (so targets differ by provider), plus an alias per scenario.
/// Sticky sessions are off unless `routing` says otherwise, so scenarios that repeat one prompt see the selector.
func twoTargetYAML(
    port: Int, models: String, routing: String = "{ sticky_sessions: false }", extra: String = ""
) -> String {
    """
    providers:
      a:
        api_base_url: http://127.0.0.1:\(port)/v1
      b:
        api_base_url: http://127.0.0.1:\(port)/v1
    models:
    \(models)
    keys:
      tester: { secret: "${TEST_KEY}" }
    cooldown:
      initial_seconds: 1
      max_seconds: 8
      retry_after_cap_seconds: 5
    routing: \(routing)
    \(extra)
    """
}

/// Answers too long to keep: floods and endless streams.
extension TestGateway {
    struct StreamRead {
        var total = 0
        var tail = ""
        var ended = false
        /// Whether the bytes sought came.
        var found = false
    }

    /// Streams an answer without keeping it, until it ends or `limit` bytes came: its length, its last 4 KiB, and
    /// whether `sought` was in it.
    func readStream(
        _ path: String, body: String, upTo limit: Int = .max, seeking sought: StaticString = "\u{0}"
    ) async throws -> StreamRead {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(TestGateway.key)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        var read = StreamRead()
        var tail: [UInt8] = []
        var iterator = response.body.makeAsyncIterator()
        while read.total < limit {
            guard let part = try await iterator.next() else {
                read.ended = true
                break
            }
            read.total += part.readableBytes
            // Where one part ends and the next begins, then the part itself.
            let seam = tail.suffix(sought.utf8CodeUnitCount) + part.readableBytesView.prefix(sought.utf8CodeUnitCount)
            read.found = read.found || Self.contains(seam, sought) || Self.contains(part.readableBytesView, sought)
            tail += part.readableBytesView
            if tail.count > 8192 { tail.removeFirst(tail.count - 4096) }
        }
        read.tail = String(decoding: tail, as: UTF8.self)
        return read
    }

    /// A byte search fast enough for hundreds of MiB in a debug build.
    static func contains(_ bytes: some Collection<UInt8>, _ sought: StaticString) -> Bool {
        bytes.withContiguousStorageIfAvailable { ByteSearch.contains($0, sought) } ?? contains(Array(bytes), sought)
    }
}
