import PlexusCore
import PlexusRouting
import PlexusUpstream

/// Why an attempt at one target failed in a way that lets the next target be tried.
struct AttemptFailure: Sendable {
    var error: PlexusError
    /// The upstream's status, when it answered.
    var status: Int?
    /// What the failure says about the target; nil sets no cooldown (e.g. a 409).
    var reason: CooldownReason?
    /// The upstream's Retry-After, in seconds.
    var retryAfter: Double?

    /// A transport failure (no answer, or the body broke before the first event).
    init(transport error: UpstreamError, provider: String) {
        let timedOut = error.code == .firstByteTimeout || error.code == .idleTimeout
        self.error = PlexusError(timedOut ? .timeout : .upstream, "\(provider): \(error.description)")
        status = nil
        reason =
            switch error.code {
            case .connect, .invalidURL, .invalidHeader: .connection
            case .firstByteTimeout, .idleTimeout: .timeout
            case .reset, .badResponse, .bodyTooLarge: .reset
            case .cancelled: nil
            }
    }

    /// A retryable status answered by the upstream.
    init(status: Int, error: PlexusError, retryAfterHeader: String?, now: Double) {
        self.error = error
        self.status = status
        reason = CooldownReason(httpStatus: status)
        retryAfter = retryAfterHeader.flatMap { RetryAfter.seconds($0, now: now) }
    }

    /// An error event as the first event of a 200 stream (first-chunk gate).
    init(errorEvent error: PlexusError) {
        self.error = error
        status = 200
        reason = .errorEvent
    }

    /// Any other failure that should move on to the next target without blaming this one.
    init(other error: PlexusError) {
        self.error = error
    }
}
