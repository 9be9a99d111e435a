import HTTPTypes
import Hummingbird
import Synchronization

/// Watches a client's connection for it going away, so the upstream call can be cancelled.
///
/// Hummingbird can only watch by consuming the connection's inbound side, after which the connection cannot carry
/// another request. So a unary request is watched only once it has been slow for `grace` (fast answers keep their
/// keep-alive connection), and a stream is watched while it is relayed; a watched answer says `Connection: close`.
final class ClientWatch: Sendable {
    let body: RequestBody
    private let engaged = Atomic<Bool>(false)

    init(body: RequestBody) { self.body = body }

    /// Claims the connection's inbound side; false when another watch already has it.
    func claim() -> Bool { engaged.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged }

    /// Runs `work`; past `grace`, cancels it when the client leaves.
    func run(grace: Duration, _ work: @escaping @Sendable () async -> Response) async -> Response {
        await withTaskGroup(of: Response?.self) { group in
            group.addTask { await work() }
            group.addTask {
                try? await Task.sleep(for: grace)
                return nil
            }
            if case .some(.some(let fast)) = await group.next() {
                group.cancelAll()
                return fast
            }
            guard claim() else { return await Self.next(&group) }
            let (closed, closedSink) = AsyncStream<Void>.makeStream()
            group.addTask {
                for await _ in closed {}
                return nil
            }
            let first: Response?? = try? await body.consumeWithInboundCloseHandler { _ in
                await group.next()
            } onInboundClosed: {
                closedSink.finish()
            }
            closedSink.finish()
            var response: Response
            if case .some(.some(let done)) = first {
                response = done
            } else {
                // The client left: cancel the attempt (and so the upstream call); it records the cancellation.
                group.cancelAll()
                response = await Self.next(&group)
            }
            response.headers[.connection] = "close"
            return response
        }
    }

    /// The next non-nil result (the work's response).
    private static func next(_ group: inout TaskGroup<Response?>) async -> Response {
        while let result = await group.next() {
            if let response = result { return response }
        }
        return Response(status: .internalServerError)
    }
}
