import Crypto
import Foundation
import Logging
import PlexusCore
import PlexusRouting
import PlexusStorage
import Synchronization

/// Where several instances keep their shared config versions (`ClusterSync` on PostgreSQL).
protocol SharedConfig: Sendable {
    func latest() async throws -> ConfigVersion?
    /// The new version's number, or nil when another writer stored the version after `after` first.
    func append(_ text: String, source: String, after: Int?) async throws -> Int?
    /// Tells the other instances a version was stored.
    func announce(version: Int) async
    /// The newest versions first.
    func versions(limit: Int) async throws -> [ConfigVersion]
    func version(_ number: Int) async throws -> ConfigVersion?
}

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
        /// The text installed, `${NAME}` references and all.
        var text: String = ""
        /// With several instances: the database version installed (or refused last), so each is tried once.
        var shared: Int?
    }

    let path: String?
    let environment: [String: String]
    private let stateBox: GatewayStateBox
    private let events: EventHub
    private let logger: Logger
    private let status: Mutex<Status>
    /// Serialises writers: read-modify-write of the file (and the database) must not interleave.
    private let writeLock = AsyncLock()
    /// With several instances on PostgreSQL: where versions are stored and announced (`ClusterSync`).
    private let sharedStore = Mutex<(any SharedConfig)?>(nil)

    init(
        path: String?, text: String?, environment: [String: String], stateBox: GatewayStateBox, events: EventHub,
        logger: Logger
    ) {
        self.path = path
        self.environment = environment
        self.stateBox = stateBox
        self.events = events
        self.logger = logger
        let version = Self.version(of: text ?? "")
        status = Mutex(Status(version: version, loadedAt: Date(), seen: version, text: text ?? ""))
    }

    private var shared: (any SharedConfig)? { sharedStore.withLock { $0 } }

    static func version(of text: String) -> String {
        KeyConfig.hex(Array(SHA256.hash(data: Data(text.utf8))))
    }

    var currentStatus: Status { status.withLock { $0 } }

    /// The file as it is on disk now; "" when the gateway runs without one.
    func text() throws(ManagementError) -> String {
        if shared != nil { return status.withLock { $0.text } }
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
            case let posix = underlying as NSError, posix.domain == NSPOSIXErrorDomain
        {
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
    func replace(with text: String) async throws(ManagementError) -> String {
        try await writeLock.withLock { () async throws(ManagementError) in try await apply(text, source: "api") }
    }

    /// Applies an edit of the document as it is on disk now.
    func edit(
        _ change: (inout ConfigDocument) throws(ManagementError) -> Void
    ) async throws(ManagementError) -> String {
        try await writeLock.withLock { () async throws(ManagementError) in
            var document: ConfigDocument
            let current = try text()
            do {
                document = try ConfigDocument(yaml: current)
            } catch {
                throw ManagementError(.invalidConfig, "the current file cannot be edited: \(error)")
            }
            try change(&document)
            return try await apply(document.text(), source: "api")
        }
    }

    /// Validates, stores (the database first, with several instances), writes the file and installs `text`.
    private func apply(_ text: String, source: String) async throws(ManagementError) -> String {
        let config: PlexusConfig
        switch validate(text) {
        case .success(let c): config = c
        case .failure(let error): throw ManagementError(invalid: error)
        }
        if let shared {
            let stored = try await store(text, source: source, in: shared)
            if let path { writeBestEffort(text, to: path) }
            install(config, text: text, source: source, shared: stored)
            await shared.announce(version: stored)
            return status.withLock { $0.version }
        }
        guard let path else { throw ManagementError(.conflict, "the gateway was started without a config file") }
        do {
            try Self.writeAtomically(text, to: path)
        } catch {
            throw ManagementError(.internal, "could not write \(fileName): \(error.localizedDescription)")
        }
        install(config, text: text, source: source)
        return status.withLock { $0.version }
    }

    /// Stores `text` as the next shared version after the one installed.
    private func store(_ text: String, source: String, in shared: any SharedConfig) async throws(ManagementError) -> Int
    {
        let base = status.withLock { $0.shared }
        let stored: Int?
        do {
            stored = try await shared.append(text, source: source, after: base)
        } catch {
            throw ManagementError(
                .internal, "the config could not be stored in the database (\(error)); nothing was changed")
        }
        guard let stored else {
            throw ManagementError(.conflict, "the config was changed on another instance meanwhile; reload and retry")
        }
        return stored
    }

    /// The file of an instance that shares its config: kept in step, but the database is what counts.
    private func writeBestEffort(_ text: String, to path: String) {
        do {
            try Self.writeAtomically(text, to: path)
        } catch {
            logger.warning(
                "could not write the config file", metadata: ["file.path": "\(path)", "error.message": "\(error)"])
        }
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
        return await writeLock.withLock { () async -> Bool in
            switch first {
            case .failure(let problem):
                refuse(
                    ConfigError(fileName: fileName, problems: [ConfigProblem(path: "", message: problem.description)]),
                    version: "unreadable: \(problem)")
                return false
            case .success(let text):
                let version = Self.version(of: text)
                switch validate(text) {
                case .success(let config):
                    guard let shared else {
                        install(config, text: text, source: "file")
                        return true
                    }
                    do {
                        let stored = try await store(text, source: "file", in: shared)
                        install(config, text: text, source: "file", shared: stored)
                        await shared.announce(version: stored)
                        return true
                    } catch {
                        // Not marked seen: tried again next tick, once the database answers.
                        logger.warning("hand edit not applied yet", metadata: ["error.message": "\(error)"])
                        return false
                    }
                case .failure(let error):
                    refuse(error, version: version)
                    return false
                }
            }
        }
    }

    /// Shares the config through the database (several instances): the database's newest version wins over the
    /// file; with none yet, the file seeds it. A failure leaves the file's config running (and throws).
    func share(through shared: any SharedConfig) async throws {
        sharedStore.withLock { $0 = shared }
        if let latest = try await shared.latest() {
            await adopt(latest)
            return
        }
        let text = status.withLock { $0.text }
        if let seeded = try await shared.append(text, source: "seed", after: nil) {
            status.withLock { $0.shared = seeded }
            logger.info("config stored in the database", metadata: ["config.shared_version": "\(seeded)"])
        } else if let latest = try await shared.latest() {
            await adopt(latest)  // another instance seeded it first
        }
    }

    /// The stored versions, newest first, and the one installed; nil without shared storage.
    func versions(limit: Int) async throws(ManagementError) -> (versions: [ConfigVersion], installed: Int?)? {
        guard let shared else { return nil }
        do {
            return (try await shared.versions(limit: limit), status.withLock { $0.shared })
        } catch {
            throw ManagementError(.internal, "the config versions could not be read: \(error)")
        }
    }

    /// One stored version; nil without shared storage, 404 when there is no such version.
    func storedVersion(_ number: Int) async throws(ManagementError) -> ConfigVersion? {
        guard let shared else { return nil }
        let found: ConfigVersion?
        do {
            found = try await shared.version(number)
        } catch {
            throw ManagementError(.internal, "the config version could not be read: \(error)")
        }
        guard let found else { throw ManagementError(.notFound, "no config version \(number)") }
        return found
    }

    /// Stores an earlier version's text as the newest version and applies it everywhere.
    func restore(_ number: Int) async throws(ManagementError) -> String {
        guard let old = try await storedVersion(number) else { throw Self.notShared }
        return try await writeLock.withLock { () async throws(ManagementError) in
            try await apply(old.text, source: "restore")
        }
    }

    static let notShared = ManagementError(
        .notFound, "config versions are kept with PostgreSQL storage (several instances); this gateway uses SQLite")

    /// Installs a version another instance stored, when newer than the one installed; one that does not validate
    /// here (a `${NAME}` this instance lacks) keeps the running config and is reported once.
    func adopt(_ version: ConfigVersion) async {
        await writeLock.withLock { () async in
            let current = status.withLock { $0 }
            guard version.version > current.shared ?? 0 else { return }
            guard version.text != current.text else {
                status.withLock { $0.shared = version.version }
                return
            }
            switch validate(version.text) {
            case .success(let config):
                if let path { writeBestEffort(version.text, to: path) }
                install(config, text: version.text, source: "database", shared: version.version)
            case .failure(let error):
                status.withLock { $0.shared = version.version }
                refuse(error, version: "shared \(version.version)")
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
        logger.error(
            "config reload refused; the running config stays",
            metadata: [
                "config.problems": "\(error.problems.count)", "config.error": "\(error.description)",
            ])
        events.publish(.configReloaded(ok: false, version: version, message: error.description))
    }

    private func install(_ config: PlexusConfig, text: String, source: String, shared: Int? = nil) {
        stateBox.replace(GatewayState(config: config))
        let version = Self.version(of: text)
        status.withLock { s in
            s = Status(
                version: version, loadedAt: Date(), lastError: nil, lastErrorAt: nil, seen: version, text: text,
                shared: shared ?? s.shared)
        }
        logger.info(
            "config applied", metadata: ["config.version": "\(version.prefix(12))", "config.source": "\(source)"])
        events.publish(.configReloaded(ok: true, version: version, message: nil))
    }
}
