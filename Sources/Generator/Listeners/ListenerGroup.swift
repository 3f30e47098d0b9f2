internal import Mesh
internal import Protocols

/// The services that share one outbound listener `<bind>_<port>`.
struct ListenerGroup {
    /// `<VIP>_<port>` or `0.0.0.0_<port>`.
    var name: String
    /// The bind address.
    var bind: String
    /// The port.
    var port: UInt32
    /// The services, in host order (the first is the primary).
    var bindings: [ServiceBinding] = []
    /// Destination CIDRs to match (VIPs as /32, CIDR addresses as written).
    var prefixRanges: [String] = []
    /// Whether some service has no address (then the chain matches every destination).
    var matchesAnyDestination = false

    /// Groups the visible service ports of `view` by listener: one `<VIP>_<port>` per address of a
    /// service, `0.0.0.0_<port>` (with a prefix-range match) per CIDR address, and `0.0.0.0_<port>`
    /// for services without addresses. HTTP ports (``HTTPPlugin``) all share `0.0.0.0_<port>`, told
    /// apart by their virtual hosts, as istiod binds HTTP ports. Wildcard
    /// listeners on reserved ports are skipped.
    static func groups(_ view: ProxyView, registry: PluginRegistry, options: GeneratorOptions, diagnostics: inout [Diagnostic]) -> [ListenerGroup] {
        var groups: [String: ListenerGroup] = [:]
        for entry in view.entries {
            let service = entry.service
            for port in service.ports {
                let wildcard = service.addresses.isEmpty || registry.plugin(for: port.protocol) is HTTPPlugin
                let addresses: [String?] = wildcard ? [nil] : service.addresses
                for address in addresses {
                    let bind = address.map { $0.contains("/") ? "0.0.0.0" : $0 } ?? "0.0.0.0"
                    if bind == "0.0.0.0", options.reservedPorts.contains(port.number) {
                        diagnostics.append(Diagnostic(
                            .portConflict, config: service.source, "\(service.hostname):\(port.number): port is reserved for Envoy's own listeners; no outbound listener"
                        ))
                        continue
                    }
                    let name = "\(bind)_\(port.number)"
                    var group = groups[name] ?? ListenerGroup(name: name, bind: bind, port: port.number)
                    if !group.bindings.contains(where: { $0.service.hostname == service.hostname }) {
                        group.bindings.append(ProxyView.binding(entry, port: port))
                    }
                    if let address {
                        if !group.prefixRanges.contains(address) { group.prefixRanges.append(address) }
                    } else {
                        group.matchesAnyDestination = true
                    }
                    groups[name] = group
                }
            }
        }
        return groups.keys.sorted().map { groups[$0]! }
    }
}
