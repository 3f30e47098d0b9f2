/// The fuzz targets: each runs one input through one of Aeraki's input paths (see the harnesses).
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// SotW discovery requests through a stream's state machines (`SotWStreamHarness`).
    case sotw
    /// Delta discovery requests through a stream's state machines (`DeltaStreamHarness`).
    case delta
    /// istiod's MCP responses through the MCP session (`MCPSessionHarness`).
    case mcp
    /// A mesh YAML/JSON file through parsing, validation, indexing and generation (`MeshConfigHarness`).
    case mesh
    /// A `serve-static` resource file through its decoder (`StaticResourceHarness`).
    case staticResources = "static"

    /// Runs one input; traps (crashes) when an invariant breaks.
    package func run(_ bytes: [UInt8]) {
        switch self {
        case .sotw: SotWStreamHarness.run(bytes)
        case .delta: DeltaStreamHarness.run(bytes)
        case .mcp: MCPSessionHarness.run(bytes)
        case .mesh: MeshConfigHarness.run(bytes)
        case .staticResources: StaticResourceHarness.run(bytes)
        }
    }
}
