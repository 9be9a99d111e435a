import Foundation
import Hummingbird
import PlexusCore
import PlexusRouting
import PlexusStorage

extension ManagementRoutes {
    /// `GET /v0/management/limits`: every key's limits and current use; `?key=NAME` for one.
    func registerLimits(on group: RouterGroup<BasicRequestContext>) {
        group.get("limits") { request, _ in
            let wanted = request.uri.queryParameters["key"].map(String.init)
            let keys = context.stateBox.current.config.keys.filter { wanted == nil || $0.name == wanted }
            let now = Date()
            var items: [JSONValue] = []
            for key in keys { items.append(await keyUse(key, now: now)) }
            return ManagementResponses.json(["at": .string(ISOTime.string(now)), "keys": .array(items)])
        }
    }

    /// One key: its limits, this minute's counts (limited keys only), today's spend and the budget period's.
    private func keyUse(_ key: KeyConfig, now: Date) async -> JSONValue {
        let today = BudgetPeriod.day.interval(containing: now)
        let spendToday = try? await (context.store as? any SpendStore)?.spend(key: key.name, since: today.start)
        var object = JSONObject([
            ("name", .string(key.name)),
            ("limits", key.limits.map(Self.limitsJSON) ?? .null),
            ("today_spend_usd", .number(spendToday?.usd ?? 0)),
            ("today_unpriced_requests", .number(Double(spendToday?.unpriced ?? 0))),
        ])
        guard let limits = key.limits else { return .object(object) }
        let standing = await context.ledger.standing(key: key.name, limits: limits, now: now)
        object["requests_this_minute"] = .number(Double(standing.requests))
        object["tokens_this_minute"] = .number(Double(standing.tokens))
        object["concurrent_requests"] = .number(Double(standing.concurrent))
        if let budget = limits.budget {
            let period = budget.period.interval(containing: now)
            object["budget"] = [
                "period": .string(budget.period.rawValue), "period_start": .string(ISOTime.string(period.start)),
                "period_end": .string(ISOTime.string(period.end)), "usd": .number(budget.usd),
                "spent_usd": .number(standing.spendUSD),
                "remaining_usd": .number(standing.budgetRemaining(limits) ?? 0),
                "unpriced_requests": .number(Double(standing.unpricedRequests)),
            ]
        }
        return .object(object)
    }

    /// `limits` as written in `plexus.yaml`.
    static func limitsJSON(_ limits: KeyLimits) -> JSONValue {
        var object = JSONObject()
        if let n = limits.requestsPerMinute { object["requests_per_minute"] = .number(Double(n)) }
        if let n = limits.tokensPerMinute { object["tokens_per_minute"] = .number(Double(n)) }
        if let n = limits.concurrentRequests { object["concurrent_requests"] = .number(Double(n)) }
        if let b = limits.budget { object["budget"] = ["usd": .number(b.usd), "period": .string(b.period.rawValue)] }
        return .object(object)
    }
}
