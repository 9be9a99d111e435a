import Foundation
import PlexusCore

extension ProxyEngine {
    /// Stores the Responses object a client is about to receive, unless its request said `store: false`; awaited,
    /// so a client that continues from the id at once finds it.
    func remember(answer body: some Collection<UInt8>, turn: ResponsesTurn?, requestID: String) async {
        guard let turn, turn.store, let json = try? JSONValue(parsing: body) else { return }
        await remember(response: json, turn: turn, requestID: requestID)
    }

    func remember(response json: JSONValue, turn: ResponsesTurn, requestID: String) async {
        guard turn.store, let row = turn.stored(json, requestID: requestID) else { return }
        await responses.remember(row)
    }
}

extension Result where Success == IR.Response, Failure == PlexusError {
    /// A translated answer for a Responses client carries the gateway's id, the one it is stored under, and a
    /// `created_at` from the server's clock when the upstream gave none.
    func identified(by turn: ResponsesTurn?, now: Date = Date()) -> Self {
        guard let turn else { return self }
        return map { response in
            var response = response
            response.id = turn.id
            if response.created == nil { response.created = Int(now.timeIntervalSince1970) }
            return response
        }
    }
}
