/// The database named by `storage.url`.
public enum StorageLocation: Sendable, Equatable {
    /// `sqlite://REL/path` (relative to the config file's folder) or `sqlite:///abs/path` (absolute).
    case sqlite(path: String)
    /// `postgres://…` or `postgresql://…`, kept whole for the driver.
    case postgres(url: String)

    /// Parses a storage URL; `nil` names what is wrong.
    public static func parse(_ url: String) -> Result<StorageLocation, StorageURLError> {
        if let rest = url.dropPrefix("sqlite://") {
            return rest.isEmpty
                ? .failure(StorageURLError(message: "sqlite URL has no path")) : .success(.sqlite(path: rest))
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return .success(.postgres(url: url))
        }
        return .failure(StorageURLError(message: "unsupported storage url (expected sqlite://PATH or postgres://…)"))
    }

    /// For SQLite: the database file, resolved against `folder` when relative.
    public func sqlitePath(relativeTo folder: String) -> String? {
        guard case .sqlite(let path) = self else { return nil }
        if path.hasPrefix("/") || path == ":memory:" { return path }
        if folder.isEmpty { return path }
        return folder.hasSuffix("/") ? folder + path : folder + "/" + path
    }
}

/// Why a storage URL was refused.
public struct StorageURLError: Error, Sendable, Equatable {
    public var message: String
}

extension String {
    /// The rest of the string after `prefix`, or `nil` when it does not start with it.
    func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
