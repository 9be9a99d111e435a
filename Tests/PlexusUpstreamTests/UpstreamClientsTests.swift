import NIOCore
import NIOPosix
import NIOSSL
import PlexusExecution
import Testing

@testable import PlexusUpstream

/// One AsyncHTTPClient per event loop, so that a request's connection lives on the loop of the task that sent it;
/// the per-host connection limit split over them.
@Suite("Upstream clients per event loop")
struct UpstreamClientsTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    static var loops: [any EventLoop] { Array(group.makeIterator()) }

    static func settings(limit: Int) -> UpstreamPoolSettings { UpstreamPoolSettings(maxConnectionsPerHost: limit) }

    @Test func eachLoopHasItsOwnClientAndTheCallerKeepsItsLoop() async throws {
        let clients = UpstreamClients(tls: .makeClientConfiguration(), group: Self.group)
        let (a, loopA) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: Self.loops[0])
        let (b, loopB) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: Self.loops[1])
        #expect(a !== b)
        #expect(loopA === Self.loops[0] && loopB === Self.loops[1])
        let (again, _) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: Self.loops[1])
        #expect(again === b, "the same settings reuse the clients")
        let (other, _) = clients.client(proxy: nil, pool: Self.settings(limit: 9), loop: Self.loops[1])
        #expect(other !== b, "other pool settings get their own clients")
        await clients.shutdown()
    }

    @Test func aCallerOffTheGroupGetsTheFirstLoop() async throws {
        let clients = UpstreamClients(tls: .makeClientConfiguration(), group: Self.group)
        let (first, _) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: Self.loops[0])
        let (client, loop) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: nil)
        #expect(client === first && loop === Self.loops[0])
        let stranger = MultiThreadedEventLoopGroup.singleton.next()
        let (_, strangerLoop) = clients.client(proxy: nil, pool: Self.settings(limit: 8), loop: stranger)
        #expect(strangerLoop === Self.loops[0], "a loop of another group is not used for callbacks")
        await clients.shutdown()
    }

    /// A limit below the number of loops cannot be split: one client over the whole group keeps it exact.
    @Test func aLimitBelowTheLoopCountKeepsOneClient() async throws {
        let clients = UpstreamClients(tls: .makeClientConfiguration(), group: Self.group)
        let (a, loopA) = clients.client(proxy: nil, pool: Self.settings(limit: 1), loop: Self.loops[0])
        let (b, loopB) = clients.client(proxy: nil, pool: Self.settings(limit: 1), loop: Self.loops[1])
        #expect(a === b)
        #expect(loopA === Self.loops[0] && loopB === Self.loops[1], "callbacks still on the caller's loop")
        await clients.shutdown()
    }

    /// Requests sent from tasks on every loop at once (as the gateway's connections send them) open at most the
    /// configured number of connections in all.
    @Test(arguments: [1, 2, 3])
    func theLimitHoldsOverAllLoops(limit: Int) async throws {
        let server = try await TestHTTPServer(.answer(body: "ok"))
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let transport = HTTPTransport(pool: Self.settings(limit: limit))
        let url = "http://127.0.0.1:\(server.port)/x"
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for i in 0..<24 {
                let executor = try #require(EventLoopTaskExecutor.of(loops[i % loops.count]))
                tasks.addTask(executorPreference: executor) {
                    let (status, body) = try await HTTPTransportTests.get(transport, url)
                    #expect(status == 200 && body == "ok")
                }
            }
            try await tasks.waitForAll()
        }
        #expect(server.accepted <= limit)
        try await transport.shutdown()
        await server.stop()
    }
}
