import Foundation
import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusServer

/// Issue 5, point 3: changes through the API are validated, written atomically with a backup, keep `${NAME}`, and
/// apply at once; bad changes get 422 and leave the file alone; hand edits are picked up.
@Suite("Config write-back", .serialized, .timeLimit(.minutes(3)))
struct WriteBackTests {
    static func load(_ text: String) throws -> PlexusConfig {
        try ConfigLoader.load(
            yaml: text, environment: ["TEST_KEY": TestGateway.key, "TEST_ADMIN_KEY": TestGateway.adminKey],
            fileName: "plexus.yaml")
    }

    @Test func providerModelAndKeyRoundTripsThroughTheFile() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let provider =
                #"{"api_base_url": {"chat": "mock://"}, "api_key": "${NEW_PROVIDER_KEY:-x}", "models": {"demo-fast": {"pricing": {"source": "simple", "input": 1, "output": 2}}}}"#
            let put = try await gw.admin(.PUT, "/v0/management/providers/extra", body: provider)
            #expect(put.status == 200, "\(put.body)")
            #expect(gw.configText.contains("${NEW_PROVIDER_KEY:-x}"), "the reference is kept as written")
            #expect(
                gw.configText.contains("${TEST_KEY}")
                    && gw.configText.contains("${DEMO_UPSTREAM_KEY:-sk-upstream-canary-default}"))
            let alias = #"{"selector": "in_order", "targets": [{"provider": "extra", "model": "demo-fast"}]}"#
            #expect(try await gw.admin(.PUT, "/v0/management/models/fresh", body: alias).status == 200)
            let onDisk = try Self.load(gw.configText)
            #expect(onDisk.provider(named: "extra")?.baseURLs[.chat] == "mock://")
            #expect(onDisk.alias(named: "fresh")?.selector == .inOrder)
            let answer = try await gw.chat("fresh")
            #expect(answer.status == 200 && answer.provider == "extra", "the change applies to new requests")
            let got = try await gw.admin(.GET, "/v0/management/models/fresh").json
            #expect(got["targets"]?[0]?["provider"]?.stringValue == "extra")
            #expect(FileManager.default.fileExists(atPath: gw.folder.appendingPathComponent("plexus.yaml.bak").path))
            #expect(try await gw.admin(.DELETE, "/v0/management/models/fresh").status == 200)
            #expect(try Self.load(gw.configText).alias(named: "fresh") == nil)
            #expect(try await gw.admin(.DELETE, "/v0/management/models/fresh").status == 404)
        }
    }

    @Test func generatedKeysAreShownOnceAndStoredOnlyAsADigest() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let created = try await gw.admin(
                .PUT, "/v0/management/keys/laptop",
                body: #"{"comment": "mine", "generate_secret": true, "allowed_models": ["demo"]}"#)
            #expect(created.status == 200, "\(created.body)")
            let secret = try #require(created.json["secret"]?.stringValue)
            #expect(secret.hasPrefix("sk-plexus-"))
            #expect(!gw.configText.contains(secret), "the secret never lands in the file")
            #expect(gw.configText.contains("secret_sha256"))
            let listed = try await gw.admin(.GET, "/v0/management/keys").body
            #expect(!listed.contains(secret))
            let use = try await gw.send(
                "/v1/chat/completions", body: #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#,
                key: secret)
            #expect(use.status == 200)
            let edit = try await gw.admin(.PUT, "/v0/management/keys/laptop", body: #"{"comment": "renamed"}"#)
            #expect(edit.status == 200, "editing other fields keeps the secret: \(edit.body)")
            let again = try await gw.send(
                "/v1/chat/completions", body: #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#,
                key: secret)
            #expect(again.status == 200)
        }
    }

    @Test func invalidChangesAre422AndLeaveTheFileUntouched() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let before = gw.configText
            let dangling = #"{"targets": [{"provider": "nowhere", "model": "x"}]}"#
            let answer = try await gw.admin(.PUT, "/v0/management/models/broken", body: dangling)
            #expect(answer.status == 422)
            #expect(answer.json["error"]?["code"]?.stringValue == "invalid_config")
            #expect(answer.body.contains("nowhere"))
            let literal = try await gw.admin(
                .PUT, "/v0/management/providers/p", body: #"{"api_base_url": "mock://", "api_key": "sk-literal"}"#)
            #expect(literal.status == 400, "a literal secret is refused: \(literal.body)")
            let badYAML = try await gw.admin(
                .PUT, "/v0/management/config", body: "models: [unclosed\n", contentType: "application/yaml")
            #expect(badYAML.status == 422)
            let problems = badYAML.json["error"]?["problems"]?.arrayValue ?? []
            #expect(problems.contains { $0["line"]?.intValue != nil })
            #expect(gw.configText == before)
        }
    }

    @Test func handEditsArePickedUpAndABadOneKeepsTheRunningConfig() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let path = gw.folder.appendingPathComponent("plexus.yaml").path
            let edited = gw.configText + "\n  # hand edit\n"
            let added = edited.replacingOccurrences(
                of: "models:\n", with: "models:\n  handmade:\n    targets: [ { provider: demo, model: demo-fast } ]\n")
            try added.write(toFile: path, atomically: true, encoding: .utf8)
            var served = 0
            for _ in 0..<40 where served == 0 {
                if try await gw.chat("handmade").status == 200 {
                    served += 1
                } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(served == 1, "the file watch applied the hand edit")
            try "models: {{{".write(toFile: path, atomically: true, encoding: .utf8)
            var status = JSONValue.null
            for _ in 0..<40 {
                status = try await gw.admin(.GET, "/v0/management/config/status").json
                if status["last_error"] != .null { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status["last_error"]?["message"]?.stringValue != nil, "the bad edit is reported")
            #expect(try await gw.chat("handmade").status == 200, "the running config stays")
        }
    }

    /// Issue 18, point 1: a file that is moved away, emptied or unreadable for a while is reported, never applied
    /// (an empty config would answer 401 to every client and 403 to the admin), and its return is picked up.
    @Test(arguments: ["missing", "empty", "unreadable"])
    func aFileThatCannotBeReadKeepsTheRunningConfig(kind: String) async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let path = gw.folder.appendingPathComponent("plexus.yaml").path
            let original = gw.configText
            let aside = path + ".aside"
            switch kind {
            case "missing": try FileManager.default.moveItem(atPath: path, toPath: aside)
            case "empty": try "\n  \n".write(toFile: path, atomically: true, encoding: .utf8)
            default:  // a read that fails (EISDIR), as EACCES or EMFILE do; root reads a file whatever its mode
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            }
            var status = JSONValue.null
            for _ in 0..<50 {
                status = try await gw.admin(.GET, "/v0/management/config/status").json
                if status["last_error"] != .null { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let message = status["last_error"]?["message"]?.stringValue ?? ""
            #expect(
                message.contains(kind == "missing" ? "missing" : kind == "empty" ? "empty" : "cannot be read"),
                "\(status)")
            #expect(try await gw.chat("demo").status == 200, "clients keep working on the running config")
            #expect(try await gw.admin(.GET, "/v0/management/config/status").status == 200, "and so does the admin")
            switch kind {
            case "missing": try FileManager.default.moveItem(atPath: aside, toPath: path)
            case "empty": try original.write(toFile: path, atomically: true, encoding: .utf8)
            default:
                try FileManager.default.removeItem(atPath: path)
                try FileManager.default.moveItem(atPath: aside, toPath: path)
            }
            for _ in 0..<50 {
                status = try await gw.admin(.GET, "/v0/management/config/status").json
                if status["last_error"] == .null { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status["last_error"] == .null, "the file's return is picked up: \(status)")
            #expect(try await gw.chat("demo").status == 200)
        }
    }

    @Test func requestsInFlightFinishOnTheConfigTheyStartedWith() async throws {
        let yaml = managementYAML().replacingOccurrences(
            of: "models:\n",
            with: "models:\n  slowly:\n    targets: [ { provider: demo, model: \"mock:tokens=20,tps=25\" } ]\n")
        try await TestGateway.with(yaml: yaml) { gw in
            async let inFlight = gw.chat("slowly", stream: true)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await gw.admin(.DELETE, "/v0/management/models/slowly").status == 200)
            let finished = try await inFlight
            #expect(finished.status == 200)
            #expect(finished.body.contains("[DONE]"), "the stream that started before the change completes")
            #expect(try await gw.chat("slowly").status == 404, "new requests see the change")
        }
    }
}
