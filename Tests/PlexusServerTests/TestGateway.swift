import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PlexusCore
import PlexusMock
import PlexusRouting
import ServiceLifecycle
import Synchronization
import Testing

@testable import PlexusServer

/// A gateway running in process on a loopback port chosen by the OS, for integration tests.
struct TestGateway {
    let port: Int
    let gateway: Gateway
    let folder: URL
    /// Starts the graceful shutdown `with` does after its body (SIGTERM's path), without waiting for it.
    let shutDown: @Sendable () async -> Void
    static let key = "sk-test-key"
    static let adminKey = "admin-test-key"
    /// An upstream key that must never show up anywhere the gateway writes or answers.
    static let upstreamCanary = "sk-upstream-canary-7f3a9c"

    var base: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` against a gateway configured by `yaml` (`${TEST_KEY}` is the client key); stops it afterwards.
    static func with<T: Sendable>(
        yaml: String, folder given: URL? = nil, timeout: Duration = .seconds(60), logs: LogBuffer? = nil,
        _ body: @Sendable @escaping (TestGateway) async throws -> T
    ) async throws -> T {
        let folder =
            given ?? FileManager.default.temporaryDirectory.appendingPathComponent("plexus-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let environment = ["TEST_KEY": key, "TEST_ADMIN_KEY": adminKey, "UPSTREAM_CANARY": upstreamCanary]
        let config = try ConfigLoader.load(yaml: yaml, environment: environment, fileName: "plexus.yaml")
        let configPath = folder.appendingPathComponent("plexus.yaml").path
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        var logger = Logger(label: "test") { label in
            logs.map { CapturingLogHandler(buffer: $0) as any LogHandler }
                ?? StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = logs == nil ? .warning : .trace
        let gateway = try await Gateway(
            config: config, configFolder: folder.path, configPath: configPath, environment: environment,
            parts: .forTests, logger: logger)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = gateway.application(host: "127.0.0.1", port: 0) { port in portSink.yield(port) }
        // The service group's own account, printed if the gateway does not stop: which service held it up.
        let groupLogs = LogBuffer()
        var groupLogger = Logger(label: "service-group") { _ in CapturingLogHandler(buffer: groupLogs) }
        groupLogger.logLevel = .debug
        let group = ServiceGroup(
            configuration: .init(
                services: gateway.services(around: app).map { .init(service: $0) }, logger: groupLogger))
        defer { if given == nil { try? FileManager.default.removeItem(at: folder) } }
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try? await group.run() }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { return .failure(TestTimeout()) }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(
                    try await withTimeout(timeout) {
                        try await body(
                            TestGateway(
                                port: port, gateway: gateway, folder: folder,
                                shutDown: { await group.triggerGracefulShutdown() }))
                    })
            } catch {
                outcome = .failure(error)
            }
            // Graceful: the usage writer gets to flush, as on SIGTERM.
            await group.triggerGracefulShutdown()
            let watchdog = Task {
                try await Task.sleep(for: .seconds(60))
                Issue.record("the gateway did not stop within 60 s; its service group said:\n\(groupLogs.text)")
            }
            await tasks.waitForAll()
            watchdog.cancel()
            return outcome
        }
        await gateway.shutdown()
        return try result.get()
    }
}

struct TestTimeout: Error {}

/// Runs `body`, failing with `TestTimeout` when it takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask { try await body() }
        tasks.addTask {
            try await Task.sleep(for: limit)
            throw TestTimeout()
        }
        defer { tasks.cancelAll() }
        while let next = try await tasks.next() {
            if let value = next { return value }
        }
        throw TestTimeout()
    }
}

/// Runs a real MockServer on a free loopback port around `body`.
func withMockServer<T: Sendable>(
    _ upstream: MockUpstream = MockUpstream(), _ body: @Sendable @escaping (Int, MockUpstream) async throws -> T
) async throws -> T {
    let server = MockServer(upstream: upstream, host: "127.0.0.1", port: 0, logger: Logger(label: "mock"))
    let (ports, sink) = AsyncStream<Int>.makeStream()
    return try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask {
            try await server.run { sink.yield($0) }
            return nil
        }
        tasks.addTask {
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { throw TestTimeout() }
            return try await body(port, upstream)
        }
        var value: T?
        while let next = try await tasks.next() {
            if let v = next {
                value = v
                break
            }
        }
        tasks.cancelAll()
        return value!
    }
}

extension HTTPClient {
    /// POSTs JSON and returns the response with its body still streaming.
    func post(_ url: String, json: String, headers: [(String, String)] = []) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (n, v) in headers { request.headers.add(name: n, value: v) }
        request.body = .bytes(ByteBuffer(string: json))
        return try await execute(request, timeout: .seconds(30))
    }
}

extension HTTPClientResponse {
    func text() async throws -> String {
        var buffer = try await body.collect(upTo: 16 << 20)
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    func json() async throws -> JSONValue { try JSONValue(parsing: try await text()) }
}

/// Everything a gateway logged, for tests that look for leaks.
final class LogBuffer: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// A log handler writing every message with its metadata into a `LogBuffer`.
struct CapturingLogHandler: LogHandler {
    let buffer: LogBuffer
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        buffer.append("\(event.level) \(event.message) \(all)")
    }
}
