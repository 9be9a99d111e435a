import Foundation
import NIOCore

/// Reading raw bytes to the very end, for the wire faults: how the connection ended (FIN or RST),
/// how many reads the bytes took, and how long.
extension RawHTTP {
    /// How the server ended the connection.
    enum Ending: Equatable, Sendable, CustomStringConvertible {
        /// Orderly close (FIN): the read saw the end of the stream.
        case eof
        /// TCP reset: the read failed with ECONNRESET.
        case reset
        /// `limit` bytes arrived; the connection is still open.
        case limit
        case error(String)

        var description: String {
            switch self {
            case .eof: "EOF"
            case .reset: "ECONNRESET"
            case .limit: "limit reached"
            case .error(let text): "error \(text)"
            }
        }
    }

    /// Bytes received until the end.
    struct Received: Sendable {
        var bytes: [UInt8]
        /// Socket reads that delivered them (a drip gives about one per byte).
        var reads: Int
        var ending: Ending
        var elapsed: Duration
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }
}

extension RawHTTP.Connection {
    /// Reads (starting with what an earlier `read` left over) until EOF, a reset, or `limit` bytes.
    mutating func readToEnd(limit: Int? = nil) async -> RawHTTP.Received {
        let start = ContinuousClock.now
        var bytes = buffer
        buffer = []
        var reads = 0
        var ending = RawHTTP.Ending.eof
        do {
            while limit.map({ bytes.count < $0 }) ?? true {
                guard let chunk = try await iterator.next() else { break }
                reads += 1
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            if let limit, bytes.count >= limit { ending = .limit }
        } catch let error as IOError where error.errnoCode == ECONNRESET {
            ending = .reset
        } catch {
            ending = .error("\(error)")
        }
        return RawHTTP.Received(bytes: bytes, reads: reads, ending: ending, elapsed: ContinuousClock.now - start)
    }
}
