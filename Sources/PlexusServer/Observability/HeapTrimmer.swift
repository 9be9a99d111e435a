import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Gives memory back to the system after a burst. glibc keeps freed heap pages (in several arenas, one per
/// thread that allocated) for reuse, so a gateway that held thousands of streams stayed at its peak RSS long after
/// they ended. Once a whole interval passed with no request started and none running, `malloc_trim` returns the
/// free pages, and again every `idleTrim` while it stays quiet (pooled upstream connections close later and free
/// their buffers then). Never under load: trimming a busy heap (a look every 2 s that saw no request running at
/// that instant was enough before) stalled allocations and made requests fault their pages back in.
struct HeapTrimmer: Service {
    let inFlight: InFlightTable
    let interval: Duration
    var idleTrim: Duration = .seconds(10)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var state = TrimState()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if state.look(started: inFlight.started, running: inFlight.count, now: .now, every: idleTrim) {
                    Self.trim()
                }
            }
        }
    }

    static func trim() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// When to trim: the trimmer's state machine, one look per interval.
struct TrimState {
    private var lastStarted = -1
    private var busySinceTrim = false
    private var lastTrim: ContinuousClock.Instant?

    /// Whether to trim now, given the requests started so far and running now.
    mutating func look(started: Int, running: Int, now: ContinuousClock.Instant, every idleTrim: Duration) -> Bool {
        let quiet = started == lastStarted && running == 0
        if started != lastStarted { busySinceTrim = true }
        lastStarted = started
        guard quiet else { return false }
        let due = busySinceTrim || lastTrim.map { now - $0 >= idleTrim } ?? true
        guard due else { return false }
        busySinceTrim = false
        lastTrim = now
        return true
    }
}
