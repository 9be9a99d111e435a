extension IR {
    /// One step of a streamed answer; decoders produce these and encoders turn them into a client's protocol.
    public enum StreamEvent: Sendable, Equatable {
        /// The message begins.
        case start(id: String, model: String, created: Int?)
        /// A content block opens at `index` (indices are contiguous per stream, from 0).
        case blockStart(index: Int, kind: BlockKind)
        case delta(index: Int, delta: Delta)
        case blockStop(index: Int)
        /// Cumulative usage so far; a later event replaces an earlier one.
        case usage(Usage)
        case stop(StopReason, stopSequence: String?)
        /// An upstream error inside the stream.
        case error(PlexusError)
    }

    /// The kind of a streamed content block.
    public enum BlockKind: Sendable, Hashable {
        case text
        case thinking
        case redactedThinking(RedactedThinking)
        /// A tool call; arguments follow as `.arguments` deltas.
        case toolCall(id: String, name: String, signature: Signature?)
        /// A provider-specific block; `.arguments` deltas extend its `input`.
        case opaque(Opaque)
    }

    /// An increment of a block.
    public enum Delta: Sendable, Hashable {
        case text(String)
        case thinking(String)
        case signature(Signature)
        /// A fragment of tool call arguments (JSON text).
        case arguments(String)
    }
}
