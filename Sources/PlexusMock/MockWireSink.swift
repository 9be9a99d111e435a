import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts one response's bytes on the socket, applying the byte-level faults of its plan: a byte budget
/// that ends in a TCP reset (`reset_at`) and a drip (`drip`).
///
/// Every write goes straight to the channel and is awaited until the socket took it. So the bytes of a
/// budget are in the kernel before the reset (a reset with SO_LINGER 0 drops what is still queued in
/// NIO), and a client that does not read holds the mock back instead of filling memory.
struct MockWireSink {
    /// Thrown once the connection was reset: the connection is gone, stop serving it.
    struct ConnectionReset: Error {}

    private let channel: any Channel
    /// Bytes still allowed before the reset; nil without `reset_at`.
    private var budget: Int?
    private let drip: Duration?
    /// Whether a dripped byte went out already (the first one goes at once, each next one after the pause).
    private var dripped = false

    init(channel: any Channel, plan: MockWirePlan) {
        self.channel = channel
        budget = plan.resetAtByte
        drip = plan.drip
    }

    /// A buffer from the channel's allocator, for the encoder to fill.
    func buffer(capacity: Int) -> ByteBuffer { channel.allocator.buffer(capacity: capacity) }

    /// Sends `buffer`, or the part of it the budget allows and then resets (throwing `ConnectionReset`).
    mutating func send(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        guard buffer.readableBytes > 0 else { return }
        if let left = budget {
            if buffer.readableBytes >= left {
                if left > 0, let part = buffer.readSlice(length: left) { try await write(part) }
                budget = 0
                await reset()
                throw ConnectionReset()
            }
            budget = left - buffer.readableBytes
        }
        try await write(buffer)
    }

    private mutating func write(_ buffer: ByteBuffer) async throws {
        guard let drip else {
            try await channel.writeAndFlush(buffer)
            return
        }
        var rest = buffer
        while let byte = rest.readSlice(length: 1) {
            // Cancelled when the client goes away: the drip stops with it.
            if dripped { try await Task.sleep(for: drip) }
            dripped = true
            try await channel.writeAndFlush(byte)
        }
    }

    /// Resets the connection: SO_LINGER on with a zero timeout makes the close send RST instead of FIN.
    /// (A channel without socket options, as in an embedded test pipeline, just closes.)
    func reset() async {
        if let socket = channel as? any SocketOptionProvider {
            await drain(socket)
            try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }

    /// Waits (200 ms at most) until the peer acknowledged every byte written. A reset discards what the kernel
    /// still holds, and Linux may hold back a small last write for a moment (autocorking), which lost the tail
    /// of the budget now and then. Setting TCP_NODELAY again pushes such frames out; then `tcpi_unacked`
    /// says when they arrived. Bytes the client has no window for stay lost, as with any real reset.
    private func drain(_ socket: any SocketOptionProvider) async {
        #if os(Linux)
        try? await channel.setOption(.socketOption(.tcp_nodelay), value: 1)
        for _ in 0..<200 {
            guard let info = try? await socket.getTCPInfo().get(), info.tcpi_unacked > 0 else { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        #endif
    }
}
