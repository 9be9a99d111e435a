// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "plexus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plexus", targets: ["plexus"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure: protocol wire types, canonical IR, translators, SSE. No I/O.
        .target(name: "PlexusCore"),
        // The event-loop task executor that server connections (gateway and mock) run on.
        .target(
            name: "PlexusExecution",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // Pure: typed config, validation, alias resolution, candidate ordering. Clock injected.
        .target(
            name: "PlexusRouting",
            dependencies: [
                "PlexusCore",
                .product(name: "Yams", package: "Yams"),
            ]),
        // Pure: HTTP/1.1 on the wire (request heads, body framing, header fields), parsed from untrusted bytes.
        .target(
            name: "PlexusHTTP",
            dependencies: [
                "PlexusCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // Network: upstream HTTP on AsyncHTTPClient (pools, TLS, proxies, HTTP/2); timeouts, back-pressure.
        .target(
            name: "PlexusUpstream",
            dependencies: [
                "PlexusCore", "PlexusHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Disk: usage log in SQLite, batched writer service.
        .target(
            name: "PlexusStorage",
            dependencies: [
                "PlexusCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Database: the same usage store on PostgreSQL (several gateways can share one).
        .target(
            name: "PlexusStoragePostgres",
            dependencies: [
                "PlexusStorage", "PlexusCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Network: mock upstream speaking OpenAI, Anthropic and Gemini; its in-process transport (`mock://`).
        .target(
            name: "PlexusMock",
            dependencies: [
                "PlexusExecution",
                "PlexusCore", "PlexusUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Network: the Hummingbird application.
        .target(
            name: "PlexusServer",
            dependencies: [
                "PlexusCore", "PlexusRouting", "PlexusHTTP", "PlexusUpstream", "PlexusStorage", "PlexusExecution",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // The concrete parts are chosen here (GatewayParts.standard): the stores, the HTTP and mock transports.
        .executableTarget(
            name: "plexus",
            dependencies: [
                "PlexusServer", "PlexusMock", "PlexusRouting", "PlexusStorage", "PlexusStoragePostgres",
                "PlexusUpstream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The benchmark's client: timestamps stream events (scripts/bench).
        .executableTarget(
            name: "plexus-bench",
            dependencies: [
                "PlexusUpstream", "PlexusCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // The properties the fuzz targets check (Fuzz/README.md); `swift test` replays the corpora through them.
        .target(
            name: "PlexusFuzzChecks",
            dependencies: [
                "PlexusCore", "PlexusHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(name: "PlexusCoreTests", dependencies: ["PlexusCore"]),
        .testTarget(name: "PlexusRoutingTests", dependencies: ["PlexusRouting", "PlexusCore"]),
        .testTarget(
            name: "PlexusUpstreamTests",
            dependencies: [
                "PlexusUpstream", "PlexusHTTP", "PlexusExecution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]),
        .testTarget(
            name: "PlexusMockTests",
            dependencies: [
                "PlexusMock", "PlexusCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "PlexusFuzzTests",
            dependencies: [
                "PlexusFuzzChecks", "PlexusHTTP", "PlexusCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "PlexusStorageTests",
            dependencies: [
                "PlexusStorage", "PlexusStoragePostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .testTarget(
            name: "PlexusServerTests",
            dependencies: [
                "PlexusServer", "PlexusHTTP", "PlexusMock", "PlexusRouting", "PlexusStorage", "PlexusStoragePostgres",
                "PlexusUpstream",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer's driver (scripts/fuzz): it has no `main` of its own (libFuzzer's runtime brings one), so it exists only
// in the build made with `--sanitize=fuzzer` and PLEXUS_FUZZ=1.
if Context.environment["PLEXUS_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(name: "plexus-fuzz", dependencies: ["PlexusFuzzChecks"], path: "Fuzz/plexus-fuzz"))
}

// Nonisolated async functions run on their caller's executor (SE-0461) instead of hopping to the generic one:
// each hop was a `swift_task_switch` that looked up the task's executor preference under a lock, 46 of them per
// proxied request.
for target in package.targets where target.type != .test {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
}

// A warning is an error in every target of ours (dependencies' warnings stay theirs).
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}
