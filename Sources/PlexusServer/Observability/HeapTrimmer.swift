#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// Gives memory back to the system after a burst. glibc keeps freed heap pages (in several arenas, one per
/// thread that allocated) for reuse, so a gateway that held thousands of streams stayed at its peak RSS long after
/// they ended. Once no request has been running for a check, `malloc_trim` returns the free pages; it runs only
/// when the gateway is idle, never under load, where its arena locks would stall allocations.
struct HeapTrimmer: Service {
    let inFlight: InFlightTable
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var busySinceTrim = false
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if inFlight.count > 0 {
                    busySinceTrim = true
                } else if busySinceTrim {
                    busySinceTrim = false
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
