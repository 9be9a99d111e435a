#if canImport(Glibc)
import Glibc
#endif

/// The process's open-files limit (RLIMIT_NOFILE).
enum OpenFilesLimit {
    /// Raises the soft limit to the hard limit; returns (before, after), or nil when it could not be read or set.
    ///
    /// Every connection is a descriptor, and the usual soft limit (1,024) is far below what a load or chaos
    /// run opens at once; the hard limit is what an unprivileged process may take without asking anyone.
    static func raiseToHard() -> (before: UInt64, after: UInt64)? {
        #if canImport(Glibc)
        var limits = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limits) == 0 else { return nil }
        let before = UInt64(limits.rlim_cur)
        if limits.rlim_cur < limits.rlim_max {
            limits.rlim_cur = limits.rlim_max
            guard setrlimit(resource, &limits) == 0 else { return nil }
        }
        return (before, UInt64(limits.rlim_cur))
        #else
        // Elsewhere (macOS) the hard limit may be "unlimited", which setrlimit refuses; leave it.
        return nil
        #endif
    }
}
