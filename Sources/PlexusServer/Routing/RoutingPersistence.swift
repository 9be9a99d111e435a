import Foundation
import Logging
import PlexusRouting
import ServiceLifecycle

/// Saves cooldowns to a JSON file beside the database once a second when they changed, and on shutdown, so a
/// restart keeps them without a write on the request path.
struct RoutingPersistence: Service {
    let state: RoutingState
    let path: String?
    let logger: Logger

    /// Loads saved cooldowns; a missing or unreadable file means none.
    static func load(path: String?) -> [CooldownEntry] {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return [] }
        return (try? JSONDecoder().decode([CooldownEntry].self, from: data)) ?? []
    }

    func run() async throws {
        guard path != nil else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                save()
            }
        }
        save()
    }

    func save() {
        guard let path, let entries = state.takeChangedCooldowns() else { return }
        do {
            let data = try JSONEncoder().encode(entries)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.warning("could not save cooldowns", metadata: ["file.path": "\(path)", "error.message": "\(error)"])
        }
    }
}
