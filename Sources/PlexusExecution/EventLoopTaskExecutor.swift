import NIOCore
import NIOPosix

/// An event loop as a task executor: a connection's task runs its nonisolated async code on its channel's loop.
/// (Gateway and mock server connections both use it.)
///
/// The connection, its request handling and (through the upstream pool's per-loop connections) the upstream call
/// then share one thread. It also beats NIO's global-executor takeover alone: there a job runs "on" the loop's
/// serial executor, so every call into nonisolated async code counts as an executor switch and is re-enqueued
/// (about a hundred jobs per proxied request, against about 30 with the preference).
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop that runs this executor's jobs.
    public let loop: any EventLoop

    private init(loop: any EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    /// One executor per loop of the shared group (the one Hummingbird and the upstream pool use).
    private static let executors: [ObjectIdentifier: EventLoopTaskExecutor] = {
        var table: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            table[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop: loop)
        }
        return table
    }()

    /// The executor of one of the shared group's loops; nil for a loop of another group.
    public static func of(_ loop: any EventLoop) -> EventLoopTaskExecutor? { executors[ObjectIdentifier(loop)] }
}
