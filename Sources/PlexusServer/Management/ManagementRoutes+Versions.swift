import Foundation
import Hummingbird
import PlexusCore
import PlexusStorage

extension ManagementRoutes {
    /// `config/versions…`: the config's stored versions (PostgreSQL storage), listed, read and restored.
    func registerVersions(on group: RouterGroup<BasicRequestContext>) {
        group.get("config/versions") { request, _ in
            await managed { () throws(ManagementError) in
                let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50
                guard let (versions, installed) = try await context.config.versions(limit: min(max(limit, 1), 500))
                else { throw ConfigManager.notShared }
                return ManagementResponses.json([
                    "installed": installed.map { .number(Double($0)) } ?? .null,
                    "versions": .array(versions.map(Self.summary)),
                ])
            }
        }
        group.get("config/versions/:version") { _, ctx in
            await managed { () throws(ManagementError) in
                guard let version = try await context.config.storedVersion(try Self.versionNumber(ctx)) else {
                    throw ConfigManager.notShared
                }
                return ManagementResponses.text(version.text, contentType: "application/yaml")
            }
        }
        group.post("config/versions/:version/restore") { _, ctx in
            await managed { () throws(ManagementError) in
                let applied = try await context.config.restore(try Self.versionNumber(ctx))
                let shared = context.config.currentStatus.shared
                return ManagementResponses.json([
                    "status": "applied", "version": .string(applied),
                    "shared_version": shared.map { .number(Double($0)) } ?? .null,
                ])
            }
        }
    }

    static func versionNumber(_ ctx: BasicRequestContext) throws(ManagementError) -> Int {
        guard let n = ctx.parameters.get("version").flatMap({ Int($0) }), n > 0 else {
            throw ManagementError(.invalidRequest, "a version is a whole number above 0")
        }
        return n
    }

    static func summary(_ v: ConfigVersion) -> JSONValue {
        [
            "version": .number(Double(v.version)), "created_at": .string(ISOTime.string(v.createdAt)),
            "source": .string(v.source), "instance": .string(v.instance),
            "sha256": .string(ConfigManager.version(of: v.text)), "bytes": .number(Double(v.text.utf8.count)),
        ]
    }
}
