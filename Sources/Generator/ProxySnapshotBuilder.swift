package import Mesh
package import Protocols

/// Builds the complete Envoy configuration of one proxy from what it sees of the mesh: listeners
/// (`virtualOutbound`, one per visible service address and port, `virtualInbound`), clusters
/// (`outbound|PORT|SUBSET|HOST`, `inbound|PORT||`, the special ones), endpoints and routes. Every
/// service port is handed to the registry's plugin for its protocol.
///
/// This is the one-off form of ``SharedGenerator`` (the same code, with a table of its own), for
/// offline generation and tests; it returns the messages. The output is deterministic: the same
/// index and proxy give byte-identical resources.
package struct ProxySnapshotBuilder: Sendable {
    /// The protocol plugins.
    package let registry: PluginRegistry
    /// Mesh-wide options.
    package let options: GeneratorOptions

    /// A builder using `registry`.
    package init(registry: PluginRegistry, options: GeneratorOptions = .defaults) {
        self.registry = registry
        self.options = options
    }

    /// Everything `proxy` needs, built from `index`.
    /// - Throws: a serialization error (not expected for generated messages).
    package func build(index: MeshIndex, proxy: ProxyIdentity) throws -> GeneratedConfig {
        GeneratedMessageTypes.register()
        let generator = SharedGenerator(registry: registry, options: options)
        generator.update(index: index, changes: nil)
        let generated = try generator.generated(for: [proxy])[0].get()
        return try GeneratedConfig(nodeID: proxy.id, snapshot: generated.snapshot, diagnostics: generated.diagnostics)
    }
}
