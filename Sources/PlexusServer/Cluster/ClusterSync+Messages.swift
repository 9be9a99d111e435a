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
        await notify(JSONValue.object(message).jsonString)
    }

    /// Sends events already serialized, as one `events` message.
    private func sendEvents(_ events: [String]) async {
        let from = JSONValue.string(instance).jsonString
        await notify(#"{"kind":"events","from":\#(from),"events":[\#(events.joined(separator: ","))]}"#)
    }

    private func notify(_ payload: String) async {
        do {
            try await store.notify(payload)
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
            noteStored(.set(entry))
            routing.adopt(entry)
            events.publishRemote(.cooldownSet(entry.json(now: RoutingState.now())))
        case "cooldown_cleared":
            let target = EventHub.Event.clearedTarget(message["cleared"])
            let before = message["before"]?.doubleValue
            noteStored(.cleared(target, before: before))
            routing.adoptClear(target, before: before)
            events.publishRemote(.cleared(target))
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
        // Each event is serialized once: its length decides the batch, and the batch is its texts joined.
        var batch: [String] = []
        var size = 0
        for event in queued {
            let text = event.jsonString
            let length = text.utf8.count
            if length > Self.payloadLimit - 200 { continue }
            if size + length > Self.payloadLimit - 200, !batch.isEmpty {
                await sendEvents(batch)
                batch.removeAll()
                size = 0
            }
            batch.append(text)
            size += length + 1
        }
        if !batch.isEmpty { await sendEvents(batch) }
    }
}
