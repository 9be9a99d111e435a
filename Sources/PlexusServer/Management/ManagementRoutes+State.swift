import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage

extension ManagementRoutes {
    func registerState(on group: RouterGroup<BasicRequestContext>) {
        group.get("cooldowns") { _, _ in
            let now = RoutingState.now()
            return ManagementResponses.json([
                "cooldowns": .array(context.routing.cooldowns(now: now).map { $0.json(now: now) })
            ])
        }
        group.delete("cooldowns") { _, _ in
            let count = context.routing.cooldowns(now: RoutingState.now()).count
            context.routing.clearCooldown(nil)
            context.events.publish(.cleared(nil))
            return ManagementResponses.json(["cleared": .number(Double(count))])
        }
        group.delete("cooldowns/:provider/**") { _, ctx in
            let provider = Self.parameter(ctx, "provider")
            let model = ctx.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? String($0) }
                .joined(separator: "/")
            let target = TargetID(provider: provider, model: model)
            guard context.routing.isCooling(target, now: RoutingState.now()), context.routing.clearCooldown(target)
            else {
                return ManagementResponses.error(ManagementError(.notFound, "\(target) is not cooling"))
            }
            context.events.publish(.cleared(target))
            return ManagementResponses.json(["cleared": 1])
        }
        group.get("performance") { _, _ in
            let stats = context.routing.performance(now: RoutingState.now())
            let targets = stats.sorted { $0.key.description < $1.key.description }.map { $0.value.json(target: $0.key) }
            return ManagementResponses.json([
                "window_seconds": .number(context.routing.window), "targets": .array(targets),
            ])
        }
        group.get("debug") { _, _ in ManagementResponses.json(context.capture.current.json) }
        group.patch("debug") { request, _ in
            await managed { () throws(ManagementError) in
                var request = request
                let body = try await request.jsonObject()
                let before = context.capture.current
                let after = context.capture.update { v in
                    if let b = body["capture"]?.boolValue { v.capture = b }
                    if let b = body["capture_on_error"]?.boolValue { v.captureOnError = b }
                    if let f = body["filters"] {
                        v.keys = f["keys"]?.arrayValue?.compactMap(\.stringValue) ?? v.keys
                        v.aliases = f["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? v.aliases
                        v.providers = f["providers"]?.arrayValue?.compactMap(\.stringValue) ?? v.providers
                    }
                }
                if before.capture != after.capture || before.captureOnError != after.captureOnError {
                    _ = try? await context.config.edit { (document: inout ConfigDocument) throws(ManagementError) in
                        document.set(["debug", "capture"], .bool(after.capture))
                        document.set(["debug", "capture_on_error"], .bool(after.captureOnError))
                    }
                }
                return ManagementResponses.json(after.json)
            }
        }
        group.get("events") { _, _ in
            let events = context.events.subscribe()
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": connected\n\n"))
                    try await Self.relay(events, to: &writer)
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes events as they come (the hub's heartbeat included); ends when a write fails because the client left.
    @concurrent static func relay(_ events: AsyncStream<EventHub.Event>, to writer: inout any ResponseBodyWriter)
        async throws
    {
        for await event in events {
            try await writer.write(ByteBuffer(bytes: event.frame))
        }
    }
}

extension CooldownEntry {
    func json(now: Double) -> JSONValue {
        [
            "provider": .string(target.provider), "model": .string(target.model), "reason": .string(reason.rawValue),
            "status": status.map { .number(Double($0)) } ?? .null, "failures": .number(Double(failures)),
            "until": .string(ISOTime.string(Date(timeIntervalSince1970: until))),
            "remaining_seconds": .number((remaining(now: now) * 10).rounded() / 10),
        ]
    }
}

extension TargetStats {
    func json(target: TargetID) -> JSONValue {
        func pair(_ p50: Double?, _ p95: Double?) -> JSONValue {
            ["p50": p50.map(JSONValue.number) ?? .null, "p95": p95.map(JSONValue.number) ?? .null]
        }
        return [
            "provider": .string(target.provider), "model": .string(target.model),
            "requests": .number(Double(requests)), "errors": .number(Double(errors)), "error_rate": .number(errorRate),
            "ttft_ms": pair(ttftP50, ttftP95), "tokens_per_second": pair(tpsP50, tpsP95),
            "duration_ms": pair(durationP50, durationP95),
            "last_seen": lastSampleAt.map { .string(ISOTime.string(Date(timeIntervalSince1970: $0))) } ?? .null,
        ]
    }
}
