import Foundation
import Hummingbird
import PlexusCore
import PlexusStorage

extension ManagementRoutes {
    func registerUsage(on group: RouterGroup<BasicRequestContext>) {
        group.get("usage") { request, _ in
            await managed { () throws(ManagementError) in
                let query = try Self.usageQuery(request.uri.queryParameters)
                let page = try await storage { try await context.store.usage(query: query) }
                let traced = try await storage { try await context.store.hasTrace(ids: page.items.map(\.requestID)) }
                return ManagementResponses.json(page.json(traced: traced))
            }
        }
        group.get("usage/summary") { request, _ in
            await managed { () throws(ManagementError) in
                let q = request.uri.queryParameters
                guard let bucket = UsageSummaryQuery.Bucket(rawValue: q["bucket"].map(String.init) ?? "hour") else {
                    throw ManagementError(.invalidRequest, "bucket must be minute, hour or day")
                }
                guard let groupBy = UsageSummaryQuery.GroupBy(rawValue: q["group_by"].map(String.init) ?? "none") else {
                    throw ManagementError(.invalidRequest, "group_by must be model, provider, key, attribution or none")
                }
                let query = UsageSummaryQuery(
                    from: try Self.date(q, "from"), to: try Self.date(q, "to"), bucket: bucket, groupBy: groupBy)
                let summary = try await storage { try await context.store.summary(query: query) }
                return ManagementResponses.json(summary.json)
            }
        }
        group.get("usage/:id") { _, ctx in
            await managed { () throws(ManagementError) in
                let id = Self.parameter(ctx, "id")
                guard let row = try await storage({ try await written { try await context.store.record(id: id) } })
                else {
                    throw ManagementError(.notFound, "no request '\(id)'")
                }
                let traced = try await storage { try await context.store.hasTrace(ids: [id]) }
                return ManagementResponses.json(row.json(hasTrace: traced.contains(id)))
            }
        }
        group.get("debug/traces") { request, _ in
            await managed { () throws(ManagementError) in
                let query = try Self.pageQuery(request.uri.queryParameters)
                let page = try await storage { try await context.store.traces(query: query) }
                return ManagementResponses.json(page.json(\.json))
            }
        }
        group.get("debug/traces/:id") { _, ctx in
            await managed { () throws(ManagementError) in
                let id = Self.parameter(ctx, "id")
                guard let trace = try await storage({ try await written { try await context.store.trace(id: id) } })
                else {
                    throw ManagementError(.notFound, "no trace for request '\(id)'")
                }
                return ManagementResponses.text(trace.body, contentType: "application/json")
            }
        }
        group.get("inflight") { _, _ in
            ManagementResponses.json(["requests": .array(context.inFlight.all)])
        }
        group.get("errors") { request, _ in
            await managed { () throws(ManagementError) in
                let query = try Self.pageQuery(request.uri.queryParameters)
                let page = try await storage { try await context.store.errors(query: query) }
                return ManagementResponses.json(page.json(\.json))
            }
        }
    }

    /// Looks up something just finished: when it is still in the writer's batch, flushes and looks again.
    func written<T>(_ lookup: () async throws -> T?) async throws -> T? {
        if let found = try await lookup() { return found }
        await context.writer.flush()
        return try await lookup()
    }

    /// Runs a store call, mapping a bad cursor to 400 and anything else to 500.
    func storage<T>(_ body: () async throws -> T) async throws(ManagementError) -> T {
        do {
            return try await body()
        } catch let error as StorageQueryError {
            throw ManagementError(.invalidRequest, "\(error)")
        } catch {
            throw ManagementError(.internal, "storage: \(error)")
        }
    }

    /// A protocol filter (`chat`, `messages`, `gemini`, `responses`, `embeddings`); anything else is a 400.
    static func apiProtocol(_ q: Parameters, _ name: String) throws(ManagementError) -> APIProtocol? {
        guard let value = q[Substring(name)] else { return nil }
        guard let proto = APIProtocol(rawValue: String(value)) else {
            let names = APIProtocol.allCases.map(\.rawValue).joined(separator: ", ")
            throw ManagementError(.invalidRequest, "\(name) must be one of: \(names)")
        }
        return proto
    }

    static func usageQuery(_ q: Parameters) throws(ManagementError) -> UsageQuery {
        var query = UsageQuery(limit: try limit(q))
        query.from = try date(q, "from")
        query.to = try date(q, "to")
        query.key = q["key"].map(String.init)
        query.attribution = q["attribution"].map(String.init)
        query.alias = q["alias"].map(String.init)
        query.provider = q["provider"].map(String.init)
        query.model = q["model"].map(String.init)
        query.cursor = q["cursor"].map(String.init)
        if let status = q["status"] {
            guard let outcome = UsageRecord.Outcome(rawValue: String(status)) else {
                throw ManagementError(.invalidRequest, "status must be success, error or cancelled")
            }
            query.outcome = outcome
        }
        query.streamed = try bool(q, "streamed")
        query.passthrough = try bool(q, "passthrough")
        if let kind = q["kind"] {
            guard let parsed = RequestKind(rawValue: String(kind)) else {
                throw ManagementError(.invalidRequest, "kind must be chat or embeddings")
            }
            query.kind = parsed
        }
        query.clientProtocol = try apiProtocol(q, "client_api")
        query.targetProtocol = try apiProtocol(q, "target_api")
        return query
    }

    static func pageQuery(_ q: Parameters) throws(ManagementError) -> PageQuery {
        PageQuery(
            from: try date(q, "from"), to: try date(q, "to"), limit: try limit(q), cursor: q["cursor"].map(String.init))
    }

    static func limit(_ q: Parameters) throws(ManagementError) -> Int {
        guard let text = q["limit"] else { return 50 }
        guard let n = Int(text), (1...500).contains(n) else {
            throw ManagementError(.invalidRequest, "limit must be 1...500")
        }
        return n
    }

    static func date(_ q: Parameters, _ name: String) throws(ManagementError) -> Date? {
        guard let text = q[Substring(name)] else { return nil }
        guard let date = ISOTime.parse(String(text)) else {
            throw ManagementError(.invalidRequest, "\(name) must be an ISO 8601 time or Unix seconds")
        }
        return date
    }

    static func bool(_ q: Parameters, _ name: String) throws(ManagementError) -> Bool? {
        guard let text = q[Substring(name)] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw ManagementError(.invalidRequest, "\(name) must be true or false")
        }
    }
}
