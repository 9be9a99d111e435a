import Crypto
import Foundation
import Logging
import PlexusCore
import PlexusRouting
import Synchronization

/// Owns `plexus.yaml`: validates changes, writes them atomically (keeping `.bak`), and swaps the running state.
///
/// Requests in flight keep the `GatewayState` snapshot they started with; only new requests see a change.
final class ConfigManager: Sendable {
    /// What is loaded and what went wrong last.
    struct Status: Sendable {
        var version: String
        var loadedAt: Date
        var lastError: ConfigError?
        var lastErrorAt: Date?
        /// The version of the file as last read, valid or not, so an unchanged bad file is reported once.
        var seen: String = ""
    }

    let path: String?
    let environment: [String: String]
    private let stateBox: GatewayStateBox
    private let events: EventHub
    private let logger: Logger
    private let status: Mutex<Status>
    /// Serialises writers: read-modify-write of the file must not interleave.
    private let writeLock = Mutex(())

    init(path: String?, text: String?, environment: [String: String], stateBox: GatewayStateBox, events: EventHub,
         logger: Logger) {
        self.path = path
        self.environment = environment
        self.stateBox = stateBox
        self.events = events
        self.logger = logger
        let version = Self.version(of: text ?? "")
        status = Mutex(Status(version: version, loadedAt: Date(), seen: version))
    }

    static func version(of text: String) -> String {
        KeyConfig.hex(Array(SHA256.hash(data: Data(text.utf8))))
    }

    var currentStatus: Status { status.withLock { $0 } }

    /// The file as it is on disk now; "" when the gateway runs without one.
    func text() throws(ManagementError) -> String {
        guard let path else { return "" }
        switch Self.read(path) {
        case .success(let text): return text
        case .failure(let problem):
            throw ManagementError(.conflict, "\(fileName) cannot be read now (\(problem)); nothing was changed")
        }
    }

    /// Reads the file, or says why it cannot be read. A file that is missing, unreadable (permissions, no file
    /// descriptor left), not UTF-8, or empty is a problem to report, never a config to apply: an empty config
    /// would lock every client and the admin out (a deploy tool or an editor replaces the file in steps).
    static func read(_ path: String) -> Result<String, FileProblem> {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return .failure(.missing)
        } catch {
            return .failure(.unreadable(reason(error)))
        }
        guard let text = String(validating: data, as: UTF8.self) else { return .failure(.notUTF8) }
        guard text.contains(where: { !$0.isWhitespace }) else { return .failure(.empty) }
        return .success(text)
    }

    /// The system's words for a failed read ("Too many open files"), where Foundation's own are only "The operation
    /// could not be completed".
    private static func reason(_ error: any Error) -> String {
        // A `POSIXError` on Linux, which does not cast to `NSError` from `Any`; bridged from `any Error` it does.
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error,
           case let posix = underlying as NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedDescription
    }

    /// Why the file could not be read.
    enum FileProblem: Error, CustomStringConvertible, Equatable {
        case missing
        case unreadable(String)
        case notUTF8
        case empty

        var description: String {
            switch self {
            case .missing: "the file is missing"
            case .unreadable(let reason): "the file cannot be read: \(reason)"
            case .notUTF8: "the file is not UTF-8 text"
            case .empty: "the file is empty"
            }
        }
    }

    /// Checks a whole new file without writing it.
    func validate(_ text: String) -> Result<PlexusConfig, ConfigError> {
        do {
            return .success(try ConfigLoader.load(yaml: text, environment: environment, fileName: fileName))
        } catch {
            return .failure(error)
        }
    }

    var fileName: String { path.map { ($0 as NSString).lastPathComponent } ?? "plexus.yaml" }

    /// Validates, writes and applies a whole new file; the file is untouched when validation fails.
    func replace(with text: String) throws(ManagementError) -> String {
        try writeLock.withLock { _ throws(ManagementError) in try apply(text) }
    }

    /// Applies an edit of the document as it is on disk now.
    func edit(_ change: (inout ConfigDocument) throws(ManagementError) -> Void) throws(ManagementError) -> String {
        try writeLock.withLock { _ throws(ManagementError) in
            var document: ConfigDocument
            let current = try text()
            do {
                document = try ConfigDocument(yaml: current)
            } catch {
                throw ManagementError(.invalidConfig, "the current file cannot be edited: \(error)")
            }
            try change(&document)
            return try apply(document.text())
        }
    }

    private func apply(_ text: String) throws(ManagementError) -> String {
        let config: PlexusConfig
        switch validate(text) {
        case .success(let c): config = c
        case .failure(let error): throw ManagementError(invalid: error)
        }
        guard let path else { throw ManagementError(.conflict, "the gateway was started without a config file") }
        do {
            try Self.writeAtomically(text, to: path)
        } catch {
            throw ManagementError(.internal, "could not write \(fileName): \(error.localizedDescription)")
        }
        install(config, text: text, source: "api")
        return status.withLock { $0.version }
    }

    /// Writes `text` to a temporary file beside `path`, keeps the old file as `.bak`, and renames over it.
    static func writeAtomically(_ text: String, to path: String) throws {
        let fm = FileManager.default
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if fm.fileExists(atPath: path) {
            let backup = path + ".bak"
            try? fm.removeItem(atPath: backup)
            try fm.copyItem(atPath: path, toPath: backup)
        }
        guard rename(temporary, path) == 0 else {
            try? fm.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Re-reads the file (file watch, SIGHUP). A file that cannot be read, is still being written, or is invalid
    /// keeps the running config and is reported (once per distinct problem). `settle` is how long a changed file
    /// must stay the same before it is applied: an editor or deploy tool that writes in place is caught mid-way.
    @discardableResult
    func reloadFromDisk(settle: Duration = .milliseconds(100)) async -> Bool {
        guard let path else { return false }
        let first = Self.read(path)
        if case .success(let text) = first {
            if Self.version(of: text) == status.withLock({ $0.seen }) { return false }
            try? await Task.sleep(for: settle)
            guard case .success(let again) = Self.read(path), again == text else { return false }  // next tick
        }
        return writeLock.withLock { _ in
            switch first {
            case .failure(let problem):
                refuse(ConfigError(fileName: fileName, problems: [ConfigProblem(path: "", message: problem.description)]),
                       version: "unreadable: \(problem)")
                return false
            case .success(let text):
                let version = Self.version(of: text)
                switch validate(text) {
                case .success(let config):
                    install(config, text: text, source: "file")
                    return true
                case .failure(let error):
                    refuse(error, version: version)
                    return false
                }
            }
        }
    }

    /// Keeps the running config and reports why the file was not applied, once per distinct problem.
    private func refuse(_ error: ConfigError, version: String) {
        let isNew = status.withLock { s in
            guard s.seen != version else { return false }
            s.lastError = error
            s.lastErrorAt = Date()
            s.seen = version
            return true
        }
        guard isNew else { return }
        logger.error("config reload refused; the running config stays", metadata: [
            "config.problems": "\(error.problems.count)", "config.error": "\(error.description)",
        ])
        events.publish(.configReloaded(ok: false, version: version, message: error.description))
    }

    private func install(_ config: PlexusConfig, text: String, source: String) {
        stateBox.replace(GatewayState(config: config))
        let version = Self.version(of: text)
        status.withLock { s in
            s = Status(version: version, loadedAt: Date(), lastError: nil, lastErrorAt: nil, seen: version)
        }
        logger.info("config applied", metadata: ["config.version": "\(version.prefix(12))", "config.source": "\(source)"])
        events.publish(.configReloaded(ok: true, version: version, message: nil))
    }
}
