import NIOCore
import NIOEmbedded
import NIOHTTP1
import PlexusHTTP

/// The gateway's request parser must never accept a request llhttp (NIOHTTP1's parser) refuses, nor frame one
/// differently: where two parsers disagree on where a request ends, a proxy can be made to smuggle one. Refusing
/// what llhttp accepts is allowed (ours is stricter on purpose: one Host, no Content-Length beside chunked). And
/// the same bytes split anywhere must parse the same.
enum HTTPParserCheck {
    /// One complete request as a parser saw it.
    struct Parsed: Equatable, CustomStringConvertible {
        var method: String
        var target: String
        var http11: Bool
        var fields: [String]
        var body: [UInt8]
        /// The connection stays open after the answer.
        var keepAlive = true
        var description: String {
            "\(method) \(target) 1.\(http11 ? 1 : 0) \(fields) body \(body.count) B\(keepAlive ? "" : ", then close")"
        }
    }

    /// What a parser made of all the bytes: the complete requests, and whether it refused the rest.
    struct Outcome: Equatable {
        var requests: [Parsed] = []
        var refused = false
        /// The parser stopped parsing HTTP after a request (llhttp after CONNECT or an Upgrade, or after a request
        /// that closes the connection: the gateway answers nothing after one either).
        var upgraded = false
    }

    static func check(_ input: [UInt8]) -> String? {
        let whole = ours([input[...]])
        let split = ours(FuzzSplits.pieces(input, at: FuzzSplits.cuts(count: input.count, seed: input)))
        guard whole == split else { return "split input parsed differently: \(whole.requests) vs \(split.requests)" }
        return compare(ours: whole, llhttp: llhttp(input))
    }

    static func compare(ours: Outcome, llhttp: Outcome) -> String? {
        for (index, (mine, theirs)) in zip(ours.requests, llhttp.requests).enumerated() where mine != theirs {
            return "request \(index) differs: ours \(mine), llhttp \(theirs)"
        }
        if ours.requests.count > llhttp.requests.count, !llhttp.upgraded {
            let state = llhttp.refused ? "refused" : "did not finish"
            return
                "accepted request \(llhttp.requests.count) that llhttp \(state): \(ours.requests[llhttp.requests.count])"
        }
        if llhttp.requests.count > ours.requests.count, !ours.refused {
            return
                "still reading request \(ours.requests.count) that llhttp ended: \(llhttp.requests[ours.requests.count])"
        }
        return nil
    }

    /// Our parser, fed `pieces` one after the other as reads would bring them.
    static func ours(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
        var parser = HTTPRequestParser(limits: .init())
        var outcome = Outcome()
        var current: Parsed?
        var buffer = ByteBuffer()
        for piece in pieces {
            buffer.writeBytes(piece)
            do {
                try parser.parse(&buffer) { event in
                    switch event {
                    case .head(let head, let answer):
                        var fields: [String] = []
                        // swift-format-ignore: ReplaceForEachWithForLoop
                        // `HeaderFields.forEach` walks offsets into the head's bytes; it is not a Sequence.
                        head.fields.forEach { name, value in
                            fields.append(lowercased(name) + ": " + String(decoding: value, as: UTF8.self))
                        }
                        if let host = head.authority { fields.append("host: " + host) }
                        current = Parsed(
                            method: head.method.rawValue, target: head.target, http11: answer.http11,
                            fields: fields.sorted(), body: [], keepAlive: !head.closeAfter)
                    case .body(let bytes): current?.body += bytes.readableBytesView
                    case .end:
                        if let done = current { outcome.requests.append(done) }
                        current = nil
                    }
                }
            } catch {
                outcome.refused = true
                return outcome
            }
        }
        return outcome
    }

    /// NIOHTTP1's request decoder on the whole input.
    static func llhttp(_ input: [UInt8]) -> Outcome {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        var outcome = Outcome()
        var current: Parsed?
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.writeInbound(ByteBuffer(bytes: input))
        } catch {
            outcome.refused = true
        }
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                // llhttp keeps a value's trailing spaces; RFC 9110 section 5.5 says they are not part of it.
                let fields = head.headers.map { $0.name.lowercased() + ": " + trimmingTrailingSpace($0.value) }
                current = Parsed(
                    method: head.method.rawValue, target: HTTPRequestParser.originForm(head.uri),
                    http11: head.version.minor != 0, fields: fields.sorted(), body: [],
                    keepAlive: head.isKeepAlive)
                let upgrade = head.method == .CONNECT || head.headers.contains(name: "upgrade")
                if upgrade || !head.isKeepAlive { outcome.upgraded = true }
            case .body(let bytes): current?.body += bytes.readableBytesView
            case .end:
                if let done = current { outcome.requests.append(done) }
                current = nil
            }
        }
        return outcome
    }

    private static func trimmingTrailingSpace(_ value: String) -> String {
        var v = Substring(value)
        while v.last == " " || v.last == "\t" { v.removeLast() }
        return String(v)
    }

    private static func lowercased(_ name: UnsafeRawBufferPointer) -> String {
        String(decoding: name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
