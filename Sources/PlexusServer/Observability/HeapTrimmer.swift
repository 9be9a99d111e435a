#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// Gives memory back to the system after a burst. glibc keeps freed heap pages (in several arenas, one per
/// thread that allocated) for reuse, so a gateway that held thousands of streams stayed at its peak RSS long after
/// they ended. When no request is running, `malloc_trim` returns the free pages: at once after a busy spell, and
/// again every `idleTrim` while idle (pooled upstream connections close later and free their buffers then). It
/// never runs under load, where its arena locks would stall allocations.
struct HeapTrimmer: Service {
    let inFlight: InFlightTable
    let interval: Duration
    var idleTrim: Duration = .seconds(10)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var busySinceTrim = false
            var lastTrim = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if inFlight.count > 0 {
                    busySinceTrim = true
                } else if busySinceTrim || ContinuousClock.now - lastTrim >= idleTrim {
                    busySinceTrim = false
                    lastTrim = .now
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
