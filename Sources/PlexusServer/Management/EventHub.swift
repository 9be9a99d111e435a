import Foundation
import PlexusCore
import PlexusRouting
import ServiceLifecycle
import Synchronization

/// Fans live events out to every `/events` subscriber; slow subscribers lose the oldest events, never block.
final class EventHub: Sendable {
    /// One live event.
    enum Event: Sendable {
        case requestStarted(JSONValue)
        case requestFinished(JSONValue)
        case cooldownSet(JSONValue)
        case cooldownCleared(JSONValue)
        case configReloaded(ok: Bool, version: String, message: String?)
        /// A comment frame that keeps idle connections open and finds the ones that closed.
        case keepAlive

        var name: String {
            switch self {
            case .requestStarted: "request_started"
            case .requestFinished: "request_finished"
            case .cooldownSet: "cooldown_set"
            case .cooldownCleared: "cooldown_cleared"
            case .configReloaded: "config_reloaded"
            case .keepAlive: "keep_alive"
            }
        }

        var data: JSONValue {
            switch self {
            case .requestStarted(let v), .requestFinished(let v), .cooldownSet(let v), .cooldownCleared(let v): v
            case .configReloaded(let ok, let version, let message):
                JSONValue.object(
                    JSONObject([
                        ("ok", .bool(ok)), ("version", .string(version)),
                        ("message", message.map(JSONValue.string) ?? .null),
                    ]))
            case .keepAlive: .null
            }
        }

        /// A cooldown cleared: one target's, or every one (`target` nil).
        static func cleared(_ target: TargetID?) -> Event {
            .cooldownCleared(clearedBody(target))
        }

        /// The body of a `cooldown_cleared` event: the target, or `all`.
        static func clearedBody(_ target: TargetID?) -> JSONValue {
            target.map { ["provider": .string($0.provider), "model": .string($0.model)] } ?? ["all": true]
        }

        /// The target a `clearedBody` names; nil for `all`.
        static func clearedTarget(_ body: JSONValue?) -> TargetID? {
            guard let provider = body?["provider"]?.stringValue, let model = body?["model"]?.stringValue else {
                return nil
            }
            return TargetID(provider: provider, model: model)
        }

        /// A request event another instance sent as `name` and `data`; nil for any other name.
        static func remote(name: String, data: JSONValue) -> Event? {
            switch name {
            case "request_started": .requestStarted(data)
            case "request_finished": .requestFinished(data)
            default: nil
            }
        }

        /// The SSE frame.
        var frame: [UInt8] {
            if case .keepAlive = self { return Array(": keep-alive\n\n".utf8) }
            return SSEWriter.bytes(event: name, data: data.jsonString)
        }
    }

    private let subscribers = Mutex<[UUID: AsyncStream<Event>.Continuation]>([:])
    /// Set while another instance's dashboard watches (several instances): local events then go `outbound` too.
    private let forwarding = Atomic<Bool>(false)
    private let outbound = Mutex<AsyncStream<Event>.Continuation?>(nil)

    /// Whether anyone listens, here or on another instance; publishers skip building events when nobody does.
    var hasSubscribers: Bool { forwarding.load(ordering: .relaxed) || hasLocalSubscribers }

    /// Whether a dashboard watches this instance.
    var hasLocalSubscribers: Bool { subscribers.withLock { !$0.isEmpty } }

    /// Publishes an event of this instance: to its subscribers, and to other instances while they watch.
    func publish(_ event: Event) {
        deliver(event)
        if forwarding.load(ordering: .relaxed) { outbound.withLock { $0 }?.yield(event) }
    }

    /// Publishes an event another instance sent, here only.
    func publishRemote(_ event: Event) { deliver(event) }

    private func deliver(_ event: Event) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    /// Local events for other instances, from now on (`ClusterSync` sends them on while `forward` is set).
    func outboundEvents() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        outbound.withLock { $0 = continuation }
        return stream
    }

    /// Whether another instance's dashboard watches.
    func forward(_ on: Bool) { forwarding.store(on, ordering: .relaxed) }

    /// Ends every subscriber's stream (graceful shutdown), so open `/events` responses finish.
    func close() {
        for continuation in subscribers.withLock({ s in
            defer { s.removeAll() }
            return Array(s.values)
        }) {
            continuation.finish()
        }
    }

    /// A stream of events from now on; it ends when the consumer stops iterating.
    func subscribe() -> AsyncStream<Event> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }
}

/// Sends the hub's keep-alive every 15 seconds.
struct EventHeartbeat: Service {
    let hub: EventHub

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                if hub.hasSubscribers { hub.publish(.keepAlive) }
            }
        }
        hub.close()
    }
}
