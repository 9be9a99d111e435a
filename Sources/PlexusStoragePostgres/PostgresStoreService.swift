import PostgresNIO
import ServiceLifecycle

/// Runs a `PostgresUsageStore`'s connection pool until graceful shutdown, cancellation or the store's `close()`.
///
/// The pool serves queries only while this runs; queries made before it starts wait for it.
public struct PostgresStoreService: Service {
    private let client: PostgresClient
    private let stopped: AsyncStream<Void>
    private let stopper: AsyncStream<Void>.Continuation

    init(client: PostgresClient) {
        self.client = client
        (stopped, stopper) = AsyncStream.makeStream()
    }

    /// Call once. Returns when the pool has shut down.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            // The client stops itself on graceful shutdown (it is a Service too) and on cancellation.
            group.addTask { await client.run() }
            group.addTask { for await _ in stopped {} }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Makes `run` return (the store's `close()`); safe to call more than once, before or after `run`.
    func stop() {
        stopper.finish()
    }
}
