import PlexusCore

/// Small helpers for hand-written request bodies.
enum T {
    static func decode(_ json: String, from proto: APIProtocol, model: String = "m") throws -> IR.Request {
        try Translator.decodeRequest(Array(json.utf8), from: proto, model: model)
    }

    /// Decodes a body from one protocol and encodes it for another, returning the parsed upstream JSON.
    static func translate(_ json: String, from: APIProtocol, to: APIProtocol) throws -> JSONValue {
        let r = try decode(json, from: from)
        return try JSONValue(parsing: Translator.encodeRequest(r, to: to, upstreamModel: "up"))
    }

    /// The error a translation throws, or nil when it succeeds.
    static func refusal(_ json: String, from: APIProtocol, to: APIProtocol) -> PlexusError? {
        do {
            _ = try translate(json, from: from, to: to)
            return nil
        } catch let e as PlexusError {
            return e
        } catch {
            return PlexusError(.internal, "\(error)")
        }
    }
}
