#if canImport(Glibc)
import Glibc
#endif

/// A loopback port where a connect hangs: a listener that never accepts, its accept queue filled by connections
/// made until one no longer completes. Linux drops the SYNs that reach a full queue, so the next client's connect
/// neither succeeds nor fails until it gives up: the connect timeout's case, without leaving the machine.
final class FullListener {
    let port: Int
    private let listener: Int32
    private var queued: [Int32] = []

    init() throws {
        let (listener, address) = try Self.loopbackSocket(listening: true)
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        for _ in 0..<16 {
            let client = try Self.connect(to: address)
            guard Self.completes(client) else {
                close(client)
                return
            }
            queued.append(client)
        }
        throw Failure(what: "the accept queue never filled")
    }

    deinit {
        for fd in queued { close(fd) }
        close(listener)
    }

    struct Failure: Error {
        let what: String
    }

    /// A TCP socket bound to a free loopback port, listening (backlog 0) or not.
    static func loopbackSocket(listening: Bool) throws -> (Int32, sockaddr_in) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && (!listening || listen(fd, 0) == 0)
                    && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Failure(what: "bind")
        }
        return (fd, address)
    }

    private static func connect(to address: sockaddr_in) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = address
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard started == 0 || errno == EINPROGRESS else { throw Failure(what: "connect: errno \(errno)") }
        return fd
    }

    /// Whether the connect completed within 300 ms.
    private static func completes(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&poller, 1, 300) == 1
    }
}

/// A loopback port that refuses connections: bound and never listening, so a connect gets a reset, and held for
/// as long as this lives, so no other test's server can take it (as one could a stopped server's port).
final class RefusingPort {
    let port: Int
    private let fd: Int32

    init() throws {
        let (fd, address) = try FullListener.loopbackSocket(listening: false)
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
