import PlexusCore

/// Whatever a client protocol's decoder accepts, each protocol's encoder writes in a form that protocol's decoder
/// reads back, and writing that again gives the same bytes: a request that passes the gateway's door can always be
/// sent on, and translation settles after one step.
///
/// The input's first byte picks the client protocol; the rest is the body.
enum RequestDecoderCheck {
    static func check(_ input: [UInt8]) -> String? {
        guard let selector = input.first else { return nil }
        let protocols = APIProtocol.generative
        let client = protocols[Int(selector) % protocols.count]
        let body = Array(input.dropFirst())
        guard let request = try? Translator.decodeRequest(body, from: client, model: "fuzz-model") else { return nil }
        for target in protocols {
            // A target that cannot express the request says so with a 400 naming the field: allowed.
            guard let sent = try? Translator.encodeRequest(request, to: target, upstreamModel: "fuzz-model") else {
                continue
            }
            let again: IR.Request
            do {
                again = try Translator.decodeRequest(sent, from: target, model: "fuzz-model")
            } catch {
                return "\(client) to \(target): the \(target) decoder refused what the encoder wrote (\(error)): "
                    + String(decoding: sent.prefix(300), as: UTF8.self)
            }
            guard let resent = try? Translator.encodeRequest(again, to: target, upstreamModel: "fuzz-model") else {
                return "\(client) to \(target): the second encoding failed"
            }
            guard resent == sent else {
                return "\(client) to \(target): encoding did not settle: " + difference(sent, resent)
            }
        }
        return nil
    }

    /// Where two encodings part, with some bytes around it.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let from = max(0, at - 60)
        return "first at byte \(at):\n" + String(decoding: a[from..<min(a.count, at + 100)], as: UTF8.self) + "\n"
            + String(decoding: b[from..<min(b.count, at + 100)], as: UTF8.self)
    }
}
