import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-files limit: every client and upstream connection is a descriptor, and the common soft
/// limit of 1,024 would stop a gateway at a few hundred concurrent streams.
enum OpenFilesLimit {
    /// Raises the soft limit to the hard limit and logs both.
    static func raise(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            logger.warning("cannot read the open-files limit", metadata: ["errno": "\(errno)"])
            return
        }
        let before = limit.rlim_cur
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
                logger.warning("cannot raise the open-files limit", metadata: ["errno": "\(errno)"])
                limit.rlim_cur = before
            }
        }
        logger.info(
            "open-files limit",
            metadata: [
                "soft": "\(limit.rlim_cur)", "hard": "\(limit.rlim_max)", "was": "\(before)",
            ])
    }
}
