// swift-tools-version:6.1
import PackageDescription

// MARK: - External products, named once

let swiftProtobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")

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
        .library(name: "LibGRPCTransport", targets: ["LibGRPCTransport"]),
        .library(name: "EnvoyAPI", targets: ["EnvoyAPI"]),
        .library(name: "MeshAPI", targets: ["MeshAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
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
            exclude: [],
            swiftSettings: defaultSwiftSettings
        ),
        .target(
            name: "MeshAPI",
            dependencies: ["EnvoyAPI", swiftProtobuf],
            swiftSettings: defaultSwiftSettings
        ),
    ]
)
