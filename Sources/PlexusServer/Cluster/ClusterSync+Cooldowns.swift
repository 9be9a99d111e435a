import Foundation
import PlexusCore
import PlexusRouting

extension ClusterSync {
    /// How many times a cooldown change is offered to the database, a second apart, before it is given up.
    static let shareAttempts = 10

    /// Stores and announces a cooldown set or cleared here. A write the database refuses (its connection was
    /// just lost, say) is tried again every second for a few seconds; later changes wait, so the order holds.
    func share(_ change: RoutingState.CooldownChange) async {
        for attempt in 1...Self.shareAttempts {
            do {
                try await write(change)
                break
            } catch {
                if attempt == Self.shareAttempts || Task.isCancelled {
                    logger.error("could not share a cooldown; gave up", metadata: ["error.message": "\(error)"])
                    return
                }
                if attempt == 1 {
                    logger.warning("could not share a cooldown; retrying", metadata: ["error.message": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        noteStored(change)
        switch change {
        case .set(let entry):
            guard let text = try? Self.text(of: entry) else { return }
            await send(["kind": "cooldown_set", "entry": .string(text)])
        case .cleared(let target, let before):
            await send([
                "kind": "cooldown_cleared", "cleared": EventHub.Event.clearedBody(target),
                "before": before.map { .number($0) } ?? .null,
            ])
        }
    }

    private func write(_ change: RoutingState.CooldownChange) async throws {
        switch change {
        case .set(let entry):
            try await store.saveCooldown(
                provider: entry.target.provider, model: entry.target.model, entry: try Self.text(of: entry))
        case .cleared(let target, let before):
            try await store.deleteCooldown(provider: target?.provider, model: target?.model, setBefore: before)
        }
    }

    private static func text(of entry: CooldownEntry) throws -> String {
        String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)
    }

    /// Notes what the table holds after a change stored here or announced by another instance.
    func noteStored(_ change: RoutingState.CooldownChange) {
        stored.withLock { s in
            switch change {
            case .set(let entry):
                s[entry.target] = entry.setAt
            case .cleared(let target?, let before?):
                if let setAt = s[target], setAt <= before { s[target] = nil }
            case .cleared(let target?, nil):
                s[target] = nil
            case .cleared(nil, _):
                s.removeAll()
            }
        }
    }

    /// Adopts the stored cooldowns, and clears each one this instance knew was stored and is no longer: another
    /// instance cleared it while this one was not listening, and its message is lost. A cooldown set here and not
    /// yet stored is not in `stored`, so it stands.
    func catchUpCooldowns() async throws {
        let known = stored.withLock { $0 }
        let entries = try await store.cooldownEntries().compactMap {
            try? JSONDecoder().decode(CooldownEntry.self, from: Data($0.utf8))
        }
        let present = Set(entries.map(\.target))
        let gone = stored.withLock { s in
            // Skips a target whose note changed during the read: a newer set or a clear was noted meanwhile.
            let gone = known.filter { !present.contains($0.key) && s[$0.key] == $0.value }
            for target in gone.keys { s[target] = nil }
            for entry in entries { s[entry.target] = max(s[entry.target] ?? entry.setAt, entry.setAt) }
            return gone
        }
        for entry in entries { routing.adopt(entry) }
        for (target, setAt) in gone {
            routing.adoptClear(target, before: setAt)
            events.publishRemote(.cleared(target))
        }
    }
}
