import Logging

/// Wraps a log handler and keeps metadata set on the logger to itself until a line is written. Hummingbird gives
/// every request a logger with `hb.request.id`; `StreamLogHandler` renders its whole metadata to text on each
/// set (about 7k instructions per request), although most requests never log a line.
struct DeferredMetadataLogHandler: LogHandler {
    private var inner: any LogHandler
    /// Set through this handler, in order (a request sets one key: a list is cheaper than hashing into a
    /// dictionary); merged under the line's own metadata when a line is written.
    private var deferred: [(key: String, value: Logger.Metadata.Value)] = []

    init(wrapping inner: any LogHandler) { self.inner = inner }

    /// A logger like `logger` whose metadata changes cost a dictionary write.
    static func logger(wrapping logger: Logger) -> Logger {
        Logger(label: logger.label) { _ in DeferredMetadataLogHandler(wrapping: logger.handler) }
    }

    func log(event: LogEvent) {
        var event = event
        if !deferred.isEmpty {
            let own = Logger.Metadata(deferred, uniquingKeysWith: { $1 })
            event.metadata = event.metadata.map { own.merging($0) { $1 } } ?? own
        }
        inner.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { deferred.first { $0.key == key }?.value ?? inner[metadataKey: key] }
        set {
            deferred.removeAll { $0.key == key }
            if let newValue {
                deferred.append((key, newValue))
            } else if inner[metadataKey: key] != nil {
                inner[metadataKey: key] = nil
            }
        }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata.merging(deferred) { $1 } }
        set {
            inner.metadata = [:]
            deferred = newValue.map { ($0.key, $0.value) }
        }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
}
