import Crypto
import Foundation
import Hummingbird
import PlexusCore
import PlexusRouting
import PlexusStorage

extension ManagementRoutes {
    func registerConfig(on group: RouterGroup<BasicRequestContext>) {
        group.get("config") { _, _ in
            await managed { () throws(ManagementError) in
                ManagementResponses.text(try context.config.text(), contentType: "application/yaml")
            }
        }
        group.put("config") { request, _ in
            await managed { () throws(ManagementError) in
                var request = request
                let version = try await context.config.replace(with: try await request.text())
                return ManagementResponses.json(["status": "applied", "version": .string(version)])
            }
        }
        group.post("config/validate") { request, _ in
            await managed { () throws(ManagementError) in
                var request = request
                switch context.config.validate(try await request.text()) {
                case .success: return ManagementResponses.json(["valid": true])
                case .failure(let error):
                    return ManagementResponses.json(["valid": false, "problems": .array(error.problems.map(\.json))])
                }
            }
        }
        registerVersions(on: group)
        group.get("config/status") { _, _ in
            let status = context.config.currentStatus
            var lastError: JSONValue = .null
            if let error = status.lastError {
                lastError = [
                    "message": .string(error.description), "problems": .array(error.problems.map(\.json)),
                    "at": .string(ISOTime.string(status.lastErrorAt ?? Date())),
                ]
            }
            return ManagementResponses.json([
                "version": .string(status.version), "loaded_at": .string(ISOTime.string(status.loadedAt)),
                "shared_version": status.shared.map { .number(Double($0)) } ?? .null,
                "path": context.config.path.map(JSONValue.string) ?? .null, "last_error": lastError,
            ])
        }
    }

    func registerEntities(on group: RouterGroup<BasicRequestContext>) {
        for section in [ConfigSection.providers, .models, .keys] {
            let plural = section.rawValue
            group.get(RouterPath(plural)) { _, _ in
                await managed { () throws(ManagementError) in
                    let document = try currentDocument()
                    let items = document.names(section).compactMap { name in
                        document.entity(section, name).map { Self.named(name, $0) }
                    }
                    return ManagementResponses.json(.object(JSONObject([(plural, .array(items))])))
                }
            }
            group.get(RouterPath("\(plural)/:name")) { _, ctx in
                await managed { () throws(ManagementError) in
                    let name = Self.parameter(ctx, "name")
                    guard let entity = try currentDocument().entity(section, name) else {
                        throw ManagementError(.notFound, "no \(section.singular) '\(name)'")
                    }
                    return ManagementResponses.json(Self.named(name, entity))
                }
            }
            group.put(RouterPath("\(plural)/:name")) { request, ctx in
                await managed { () throws(ManagementError) in
                    var request = request
                    return try await put(
                        section, name: Self.parameter(ctx, "name"), body: try await request.jsonObject())
                }
            }
            group.delete(RouterPath("\(plural)/:name")) { _, ctx in
                await managed { () throws(ManagementError) in
                    let name = Self.parameter(ctx, "name")
                    var found = false
                    _ = try await context.config.edit { (document: inout ConfigDocument) throws(ManagementError) in
                        found = document.removeEntity(section, name)
                        if !found { throw ManagementError(.notFound, "no \(section.singular) '\(name)'") }
                    }
                    return ManagementResponses.json(["deleted": .string(name)])
                }
            }
        }
    }

    private func put(
        _ section: ConfigSection, name: String, body: JSONObject
    ) async throws(ManagementError) -> Response {
        guard !name.isEmpty else { throw ManagementError(.invalidRequest, "a name is required") }
        var settings = body
        settings["name"] = nil
        let generate = section == .keys && settings["generate_secret"]?.boolValue == true
        settings["generate_secret"] = nil
        let secret = generate ? Self.newSecret() : nil
        if secret != nil { settings["secret"] = nil }
        if section == .keys, !generate, settings["secret"] == nil, settings["secret_sha256"] == nil,
            case .object(let existing)? = try? currentDocument().entity(.keys, name)
        {
            // The dashboard edits a key's other fields without sending its secret: keep the one on file.
            let field = existing["secret_sha256"] != nil ? "secret_sha256" : "secret"
            if existing[field] != nil { settings[field] = .string(ConfigDocument.maskedSecret) }
        }
        _ = try await context.config.edit { (document: inout ConfigDocument) throws(ManagementError) in
            do {
                try document.setEntity(section, name, .object(settings))
            } catch {
                throw ManagementError(.invalidRequest, "\(error)")
            }
            if let secret {
                document.setKeyDigest(name, sha256Hex: KeyConfig.hex(Array(SHA256.hash(data: Data(secret.utf8)))))
            }
        }
        var answer = Self.named(name, (try? currentDocument().entity(section, name)) ?? .object(settings))
        if let secret, case .object(var object) = answer {
            object["secret"] = .string(secret)
            answer = .object(object)
        }
        return ManagementResponses.json(answer)
    }

    private func currentDocument() throws(ManagementError) -> ConfigDocument {
        let text = try context.config.text()
        do {
            return try ConfigDocument(yaml: text)
        } catch {
            throw ManagementError(.invalidConfig, "plexus.yaml cannot be read: \(error.description)")
        }
    }

    /// A path parameter, percent-decoded (names may hold `:`, `=`, `/` …).
    static func parameter(_ context: BasicRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// `{"name": NAME, ...entity}`.
    static func named(_ name: String, _ entity: JSONValue) -> JSONValue {
        var object = JSONObject([("name", .string(name))])
        if case .object(let fields) = entity {
            for (k, v) in fields.pairs where k != "name" { object[k] = v }
        } else {
            object["value"] = entity
        }
        return .object(object)
    }

    /// A client key: `sk-plexus-` and 40 random hex characters.
    static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "sk-plexus-" + KeyConfig.hex((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}

extension ConfigSection {
    var singular: String {
        switch self {
        case .providers: "provider"
        case .models: "model"
        case .keys: "key"
        }
    }
}
