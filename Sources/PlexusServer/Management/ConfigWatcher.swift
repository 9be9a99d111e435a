import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Picks up hand edits of `plexus.yaml`: checks the file once a second and on SIGHUP.
struct ConfigWatcher: Service {
    let manager: ConfigManager
    let interval: Duration

    func run() async throws {
        guard manager.path != nil else { return }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { await manager.reloadFromDisk() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        await manager.reloadFromDisk()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
