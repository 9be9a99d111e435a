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

    /// The file as it is on disk now.
    func text() -> String {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
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
            do {
                document = try ConfigDocument(yaml: text())
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

    /// Re-reads the file (file watch, SIGHUP). An invalid file keeps the running config and is reported.
    @discardableResult
    func reloadFromDisk() -> Bool {
        writeLock.withLock { _ in
            let text = text()
            let version = Self.version(of: text)
            if version == status.withLock({ $0.seen }) { return false }
            switch validate(text) {
            case .success(let config):
                install(config, text: text, source: "file")
                return true
            case .failure(let error):
                status.withLock { s in
                    s.lastError = error
                    s.lastErrorAt = Date()
                    s.seen = version
                }
                logger.error("config reload refused; the running config stays", metadata: [
                    "config.problems": "\(error.problems.count)", "config.error": "\(error.description)",
                ])
                events.publish(.configReloaded(ok: false, version: version, message: error.description))
                return false
            }
        }
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
