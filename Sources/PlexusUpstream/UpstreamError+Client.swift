import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

extension UpstreamError {
    /// Maps AsyncHTTPClient's, SwiftNIO's and the mock's errors onto the fixed codes.
    init(client error: any Error) {
        if let e = error as? UpstreamError {
            self = e
        } else if error is CancellationError {
            self.init(.cancelled, "cancelled")
        } else if let e = error as? HTTPClientError {
            self.init(Self.code(of: e), "\(e)")
        } else if error is HTTPParserError {
            self.init(.badResponse, "malformed answer: \(error)")
        } else if error is NIOConnectionError || error is SocketAddressError
            || error is ChannelError && "\(error)".contains("connect")
        {
            self.init(.connect, "\(error)")
        } else if let e = error as? IOError, Self.connectErrnos.contains(e.errnoCode) {
            self.init(.connect, "\(error)")
        } else if error is NIOSSLError || error is BoringSSLError {
            self.init(.connect, "TLS: \(error)")
        } else {
            self.init(.reset, "\(error)")
        }
    }

    /// Socket errors that mean no connection was made.
    private static let connectErrnos: Set<Int32> = [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, EADDRNOTAVAIL]

    private static let codes: [(HTTPClientError, Code)] = [
        (.connectTimeout, .connect), (.socksHandshakeTimeout, .connect), (.httpProxyHandshakeTimeout, .connect),
        (.tlsHandshakeTimeout, .connect), (.invalidProxyResponse, .connect), (.proxyAuthenticationRequired, .connect),
        (.getConnectionFromPoolTimeout, .connect), (.deadlineExceeded, .firstByteTimeout),
        (.readTimeout, .idleTimeout), (.writeTimeout, .idleTimeout), (.cancelled, .cancelled),
        (.invalidURL, .invalidURL), (.emptyHost, .invalidURL), (.emptyScheme, .invalidURL),
        (.bodyLengthMismatch, .badResponse),
        (.identityCodingIncorrectlyPresent, .badResponse), (.contentLengthMissing, .badResponse),
    ]

    /// AsyncHTTPClient's error as one of ours; anything it does not name otherwise is a broken connection.
    private static func code(of error: HTTPClientError) -> Code {
        codes.first { $0.0 == error }?.1 ?? .reset
    }
}
