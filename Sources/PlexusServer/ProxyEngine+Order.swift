import PlexusCore
import PlexusRouting

extension ProxyEngine {
    /// The primary alias's candidates in its selector's order, then each fallback alias's in its own.
    func order(
        _ groups: [CandidateGroup], inbound: InboundRequest, proto: APIProtocol, conversation: UInt64?,
        snapshot: GatewayState
    ) -> [Candidate] {
        // One group with one target (the common case) needs no order, and no new array.
        if groups.count == 1, groups[0].candidates.count <= 1 { return groups[0].candidates }
        let now = RoutingState.now()
        let routingConfig = snapshot.config.routing
        return groups.flatMap { group -> [Candidate] in
            guard let alias = group.alias, group.candidates.count > 1 else { return group.candidates }
            let input = SelectionInput(
                alias: alias, clientProtocol: proto, estimatedInputTokens: inbound.estimatedInputTokens,
                maxOutputTokens: inbound.maxOutputTokens, conversation: conversation, now: now,
                explorationRate: routingConfig.explorationRate, stickyEnabled: routingConfig.stickySessions)
            return routing.order(group.candidates, input: input)
        }
    }
}

extension InboundRequest {
    /// A fast input-size estimate for the cost selector: about four bytes of JSON per token.
    var estimatedInputTokens: Int { max(1, bytes.count / 4) }

    /// The output cap the client asked for, in any protocol's spelling (embeddings produce no output tokens).
    var maxOutputTokens: Int? {
        if embeddings != nil { return 0 }
        return json["max_tokens"]?.intValue ?? json["max_completion_tokens"]?.intValue
            ?? json["generationConfig"]?["maxOutputTokens"]?.intValue
    }

    /// Identifies a conversation by its opening (system prompt and first message), which later turns repeat.
    func conversationKey(proto: APIProtocol) -> UInt64? {
        // Embeddings have no conversation: each call stands alone.
        if embeddings != nil { return nil }
        let json = self.json
        var opening: [JSONValue] = []
        switch proto {
        case .chat:
            // Leading system/developer messages and the first message after them.
            guard let messages = json["messages"]?.arrayValue else { return nil }
            let isSystem = { (m: JSONValue) in ["system", "developer"].contains(m["role"]?.stringValue ?? "") }
            let lead = messages.prefix { isSystem($0) }
            opening = Array(lead) + messages.dropFirst(lead.count).prefix(1)
        case .messages:
            guard let messages = json["messages"]?.arrayValue, let first = messages.first else { return nil }
            opening = [json["system"] ?? .null, first]
        case .gemini:
            guard let contents = json["contents"]?.arrayValue, let first = contents.first else { return nil }
            opening = [json["systemInstruction"] ?? .null, first]
        case .responses:
            // `instructions` and the first input item (a plain string input is the whole opening).
            guard let input = json["input"] else { return nil }
            opening = [json["instructions"] ?? .null, input.arrayValue?.first ?? input]
        case .embeddings:
            return nil
        }
        // The requested name is part of the key: the same opening sent to another alias is another conversation.
        return ConversationKey.hash(of: JSONValue.array([.string(model)] + opening).serialized())
    }
}
