internal import EnvoyAPI
internal import Mesh
internal import Protocols

/// Builds the `virtualInbound` chains of the proxy's own services: one per target port (the port the
/// workload listens on, not the service port — Aeraki matched the wrong one), for every own service,
/// with or without a workload selector. Every plugin's filters go through the ``InboundSecurity``
/// stage, which makes them the port's mTLS filter chains with the workload's authorization.
struct InboundChainBuilder {
    let registry: PluginRegistry
    let proxy: ProxyIdentity
    let options: GeneratorOptions
    /// The outbound clusters inbound filters may call that exist for the proxy (rate-limit services).
    var existingClusters: Set<String> = []
    let security: InboundSecurity

    /// The chains, sorted by target port, and the target ports that need an `inbound|PORT||` cluster
    /// with the protocol of the port's first service.
    func chains(
        _ ownServices: [ProxyView.Entry], diagnostics: inout [Diagnostic]
    ) throws -> (chains: [Envoy_Config_Listener_V3_FilterChain], ports: [(number: UInt32, protocol: MeshProtocol)]) {
        var byPort: [UInt32: [ServiceBinding]] = [:]
        for entry in ownServices {
            for port in entry.service.ports {
                let target = port.targetPort != 0 ? port.targetPort : port.number
                if target == options.inboundPort || target == options.outboundPort {
                    diagnostics.append(Diagnostic(
                        .portConflict, config: entry.service.source, "inbound: \(entry.service.hostname) target port \(target) collides with a capture port; skipped"
                    ))
                    continue
                }
                if byPort[target, default: []].contains(where: { $0.service.hostname == entry.service.hostname }) { continue }
                byPort[target, default: []].append(ProxyView.binding(entry, port: port))
            }
        }
        var chains: [Envoy_Config_Listener_V3_FilterChain] = []
        var ports: [(number: UInt32, protocol: MeshProtocol)] = []
        for port in byPort.keys.sorted() {
            let bindings = byPort[port]!
            let context = InboundContext(
                targetPort: port, bindings: bindings, proxy: proxy, accessLog: options.accessLog, existingClusters: existingClusters,
                tracingSampling: options.tracingSampling
            )
            let plugin = registry.plugin(for: bindings[0].port.protocol)
            let output: PluginOutput
            do {
                output = try plugin.inboundFilters(context)
            } catch {
                diagnostics.append(Diagnostic(failure: error, config: bindings[0].service.source, "inbound \(port): \(error); falling back to tcp_proxy"))
                guard let fallback = try? registry.fallback.inboundFilters(context) else { continue }
                output = fallback
            }
            diagnostics.append(contentsOf: output.diagnostics.map { $0.within("inbound \(port)") })
            chains += try security.chains(port: port, namespaces: bindings.map(\.service.namespace), filters: output.filters)
            ports.append((number: port, protocol: bindings[0].port.protocol))
        }
        return (chains, ports)
    }
}
