import PlexusCore

/// Finds the whole response in a Responses stream relayed to the client as it came: the last event
/// (`response.completed`, `response.incomplete` or `response.failed`) carries it, and it is stored before that event
/// is written. (A translated stream's encoder hands over the response it wrote: `StreamEncoding.finalResponse`.)
struct ResponsesCapture: Sendable {
    let turn: ResponsesTurn
    private var found = false

    /// Nil when the client is not a Responses client or its request said `store: false`.
    init?(_ turn: ResponsesTurn?) {
        guard let turn, turn.store else { return nil }
        self.turn = turn
    }

    static let terminal: Set<String> = ["response.completed", "response.incomplete", "response.failed"]

    /// The response a translated stream's encoder wrote, once.
    mutating func response(from encoder: any StreamEncoding) -> JSONValue? {
        guard !found, let response = encoder.finalResponse else { return nil }
        found = true
        return response
    }

    /// Events about to be written as they are (a raw relay parsed them already).
    mutating func response(in events: [SSEEvent]) -> JSONValue? {
        guard !found, let last = events.last(where: { Self.terminal.contains($0.event ?? "") }) else { return nil }
        found = true
        return (try? JSONValue(parsing: last.data))?["response"]
    }
}

extension IR.StreamEvent {
    /// The start event with the gateway's id, for a Responses client of a translated stream.
    func identified(by turn: ResponsesTurn?) -> IR.StreamEvent {
        guard let turn, case .start(_, let model, let created) = self else { return self }
        return .start(id: turn.id, model: model, created: created)
    }
}
