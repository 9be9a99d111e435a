import NIOCore
import NIOPosix

/// Runs a request's nonisolated async code on one event loop as its task executor.
///
/// With NIO installed as the global executor, a job runs "on" the event loop's serial executor, so every call into
/// nonisolated async code (most of an async call tree) counts as an executor switch and is re-enqueued: about a
/// hundred extra jobs per proxied request. A task executor preference runs those jobs on the same thread as
/// generic-executor work, so only real suspensions (I/O) enqueue anything.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    private init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
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

    /// Runs `body` with the current event loop as the task executor; as is when not on one of the group's loops.
    static func onCurrentLoop<T>(_ body: () async -> T) async -> T {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, let executor = executors[ObjectIdentifier(loop)]
        else { return await body() }
        return await withTaskExecutorPreference(executor) { await body() }
    }
}
