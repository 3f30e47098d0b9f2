// swift-tools-version:6.1
import PackageDescription

// MARK: - External products, named once

let swiftProtobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let swiftASN1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let jwtKit: Target.Dependency = .product(name: "JWTKit", package: "jwt-kit")

// MARK: - Settings shared by every target

let defaultSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "aeraki",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aeraki", targets: ["aeraki"]),
        .executable(name: "aeraki-transport-bench", targets: ["TransportBench"]),
        .library(name: "LibGRPCTransport", targets: ["LibGRPCTransport"]),
        .library(name: "EnvoyAPI", targets: ["EnvoyAPI"]),
        .library(name: "MeshAPI", targets: ["MeshAPI"]),
        .library(name: "XDSCache", targets: ["XDSCache"]),
        .library(name: "XDSServer", targets: ["XDSServer"]),
        .library(name: "Mesh", targets: ["Mesh"]),
        .library(name: "KubernetesSource", targets: ["KubernetesSource"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
    ],
    targets: [
        // MARK: C interop and transport

        .target(
            name: "CLibGRPC",
            linkerSettings: [.linkedLibrary("grpc"), .linkedLibrary("gpr")]
        ),
        .target(
            name: "LibGRPCTransport",
            dependencies: ["CLibGRPC"],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "LibGRPCTransportTests",
            dependencies: ["LibGRPCTransport"],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Generated API (never edited by hand; see Scripts/generate-protos.sh)

        .target(
            name: "EnvoyAPI",
            dependencies: [swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .target(
            name: "MeshAPI",
            dependencies: ["EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: xDS

        .target(
            name: "XDSCache",
            dependencies: ["EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "XDSCacheTests",
            dependencies: ["XDSCache", "EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .target(
            name: "XDSServer",
            dependencies: ["XDSCache", "LibGRPCTransport", "EnvoyAPI", swiftProtobuf, logging, x509, swiftASN1, jwtKit],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "XDSServerTests",
            dependencies: ["XDSServer", "XDSCache", "LibGRPCTransport", "EnvoyAPI", swiftProtobuf, jwtKit],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Mesh

        .target(
            name: "Mesh",
            dependencies: ["MeshAPI", "EnvoyAPI", "LibGRPCTransport", swiftProtobuf, logging, yams, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "MeshTests",
            dependencies: ["Mesh", "MeshAPI", "EnvoyAPI", "LibGRPCTransport", swiftProtobuf, serviceLifecycle],
            resources: [.copy("Fixtures")],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Kubernetes API source (its own module, so Mesh links no HTTP client)

        .target(
            name: "KubernetesSource",
            dependencies: ["Mesh", "MeshAPI", asyncHTTPClient, nioCore, nioHTTP1, nioSSL, logging, yams, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "KubernetesSourceTests",
            dependencies: ["KubernetesSource", "Mesh", "MeshAPI", nioCore, logging],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Protocols and generation

        .target(
            name: "Protocols",
            dependencies: ["Mesh", "MeshAPI", "EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "ProtocolsTests",
            dependencies: ["Protocols", "Mesh", "MeshAPI", "EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .target(
            name: "Generator",
            dependencies: ["Protocols", "Mesh", "MeshAPI", "XDSCache", "EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "GeneratorTests",
            dependencies: ["Generator", "Protocols", "Mesh", "MeshAPI", "XDSCache", "EnvoyAPI", swiftProtobuf],
            resources: [.copy("Fixtures")],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Admin and composition root

        .target(
            name: "Admin",
            dependencies: ["XDSCache", "EnvoyAPI", swiftProtobuf, nioCore, nioPosix, nioHTTP1, logging, coreMetrics, prometheus, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "AdminTests",
            dependencies: ["Admin", "XDSCache", "EnvoyAPI", swiftProtobuf, logging, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),
        .target(
            name: "AerakiServer",
            dependencies: ["Admin", "Generator", "Protocols", "XDSServer", "XDSCache", "Mesh", "MeshAPI", "KubernetesSource", "LibGRPCTransport", "EnvoyAPI", swiftProtobuf,
                           logging, coreMetrics, serviceLifecycle, .product(name: "UnixSignals", package: "swift-service-lifecycle")],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "AerakiServerTests",
            dependencies: ["AerakiServer", "Admin", "Generator", "XDSServer", "XDSCache", "Mesh", "LibGRPCTransport", "EnvoyAPI", swiftProtobuf,
                           logging, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: serve-static's resource files (a library, so the fuzzer reaches the decoder)

        .target(
            name: "StaticResources",
            dependencies: ["Generator", "Mesh", "XDSCache", "EnvoyAPI", swiftProtobuf, yams],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Fuzzing (Scripts/fuzz.sh builds aeraki-fuzz with -sanitize=fuzzer; the tests replay the corpus)

        .target(
            name: "FuzzHarnesses",
            dependencies: ["XDSServer", "XDSCache", "Mesh", "MeshAPI", "Generator", "Protocols", "StaticResources", "EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
        .executableTarget(
            name: "aeraki-fuzz",
            dependencies: ["FuzzHarnesses"],
            swiftSettings: defaultSwiftSettings
        ),
        .testTarget(
            name: "FuzzHarnessesTests",
            dependencies: ["FuzzHarnesses"],
            swiftSettings: defaultSwiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "aeraki",
            dependencies: ["Generator", "Protocols", "AerakiServer", "Admin", "StaticResources", "XDSServer", "XDSCache", "Mesh", "KubernetesSource", "LibGRPCTransport",
                           "EnvoyAPI", swiftProtobuf, argumentParser, logging, yams, serviceLifecycle],
            swiftSettings: defaultSwiftSettings
        ),
        .executableTarget(
            name: "TransportBench",
            dependencies: ["LibGRPCTransport"],
            path: "Benchmarks/TransportBench",
            swiftSettings: defaultSwiftSettings
        ),
        .executableTarget(
            name: "FanoutBench",
            dependencies: ["XDSServer", "XDSCache", "LibGRPCTransport", "EnvoyAPI", swiftProtobuf],
            path: "Benchmarks/FanoutBench",
            swiftSettings: defaultSwiftSettings
        ),
        .executableTarget(
            name: "ScaleBench",
            dependencies: ["LibGRPCTransport"],
            path: "Benchmarks/ScaleBench",
            swiftSettings: defaultSwiftSettings
        ),
        .executableTarget(
            name: "GeneratorBench",
            dependencies: ["Generator", "Protocols", "Mesh", "MeshAPI", "XDSCache"],
            path: "Benchmarks/GeneratorBench",
            swiftSettings: defaultSwiftSettings
        ),
    ]
)
