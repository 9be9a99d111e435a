#if canImport(Glibc)
import Glibc
#endif

/// Lowers the calling thread's scheduling priority (nice 5) for background work such as writing usage batches.
///
/// A batch is a few milliseconds of CPU on NIO's blocking pool; at normal priority it competed with the event
/// loops for this machine's cores and showed up in request tail latency. Linux gives each thread its own nice
/// value; lowering it needs no privilege, and the pool's threads only do background work. Not lower: with every
/// core busy, nice 5 still gets the writer about a tenth of a core against five busy threads, which is what a
/// saturated gateway's usage rows need, so the queue does not grow without bound.
enum BackgroundPriority {
    static func lowerCurrentThread() {
        #if os(Linux)
        // `who` 0 is the calling thread: on Linux the nice value is per thread, not per process.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        #endif
    }
}
