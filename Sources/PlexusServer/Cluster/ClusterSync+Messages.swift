import Foundation
import PlexusCore
import PlexusRouting

extension ClusterSync {
    /// NOTIFY payloads stay below PostgreSQL's 8,000-byte limit.
    static let payloadLimit = 7_000

    /// Sends `message` to the other instances, signed with this instance.
    func send(_ message: JSONValue) async {
        guard case .object(var message) = message else { return }
        message["from"] = .string(instance)
        do {
            try await store.notify(JSONValue.object(message).jsonString)
        } catch {
            logger.warning("could not notify the other instances", metadata: ["error.message": "\(error)"])
        }
    }

    /// One message from the channel; this instance's own are ignored.
    func receive(_ payload: String) async {
        guard let message = try? JSONValue(parsing: payload), let kind = message["kind"]?.stringValue,
            let from = message["from"]?.stringValue, from != instance
        else { return }
        switch kind {
        case "config":
            if let latest = try? await store.latestConfig() { await config.adopt(latest) }
        case "cooldown_set":
            guard let text = message["entry"]?.stringValue,
                let entry = try? JSONDecoder().decode(CooldownEntry.self, from: Data(text.utf8))
            else { return }
            routing.adopt(entry)
            events.publishRemote(.cooldownSet(entry.json(now: RoutingState.now())))
        case "cooldown_cleared":
            let target = message["provider"]?.stringValue.flatMap { provider in
                message["model"]?.stringValue.map { TargetID(provider: provider, model: $0) }
            }
            routing.adoptClear(target)
            events.publishRemote(
                .cooldownCleared(
                    target.map {
                        ["provider": .string($0.provider), "model": .string($0.model)]
                    } ?? ["all": true]))
        case "watching":
            watchers.withLock { $0[from] = Date() }
            events.forward(true)
        case "events":
            for item in message["events"]?.arrayValue ?? [] {
                guard let name = item["name"]?.stringValue, let data = item["data"],
                    let event = EventHub.Event.remote(name: name, data: data)
                else { continue }
                events.publishRemote(event)
            }
        default:
            return
        }
    }

    /// Stores and announces a cooldown set or cleared here.
    func share(_ change: RoutingState.CooldownChange) async {
        do {
            switch change {
            case .set(let entry):
                let text = String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)
                try await store.saveCooldown(provider: entry.target.provider, model: entry.target.model, entry: text)
                await send(["kind": "cooldown_set", "entry": .string(text)])
            case .cleared(let target):
                try await store.deleteCooldown(provider: target?.provider, model: target?.model)
                await send(
                    target.map {
                        ["kind": "cooldown_cleared", "provider": .string($0.provider), "model": .string($0.model)]
                    } ?? ["kind": "cooldown_cleared"])
            }
        } catch {
            logger.warning("could not share a cooldown", metadata: ["error.message": "\(error)"])
        }
    }

    /// Queues a local request event for the instances that watch (`EventHub` sends them here only while some do).
    /// Cooldown events are not: every cooldown travels in its own message, which the receiver announces.
    func queue(_ event: EventHub.Event) {
        switch event {
        case .requestStarted, .requestFinished: break
        case .cooldownSet, .cooldownCleared, .configReloaded, .keepAlive: return
        }
        var data = event.data
        if case .object(var object) = data {
            object["instance"] = .string(instance)
            data = .object(object)
        }
        pending.withLock { $0.append(["name": .string(event.name), "data": data]) }
    }

    /// Sends queued events in messages under the payload limit.
    func flushEvents() async {
        let queued = pending.withLock { p in
            defer { p.removeAll() }
            return p
        }
        var batch: [JSONValue] = []
        var size = 0
        for event in queued {
            let length = event.jsonString.utf8.count
            if length > Self.payloadLimit - 200 { continue }
            if size + length > Self.payloadLimit - 200, !batch.isEmpty {
                await send(["kind": "events", "events": .array(batch)])
                batch.removeAll()
                size = 0
            }
            batch.append(event)
            size += length + 1
        }
        if !batch.isEmpty { await send(["kind": "events", "events": .array(batch)]) }
    }
}
