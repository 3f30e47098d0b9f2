package import Mesh
internal import MeshAPI

/// The `domains` of a service's virtual host, as istiod's `generateVirtualHostDomains` lists them
/// (Istio 1.29): the FQDN, the FQDN with a trailing dot, the short names the proxy's namespace can
/// use, a `*.` copy of each for a headless Kubernetes service, then the service's VIPs.
package enum VirtualHostDomains {
    /// The domains of `service` for a proxy whose DNS domain is `proxyDNSDomain`
    /// (`<namespace>.svc.<suffix>`). `withPort`: every entry also with `:port` (proxyless gRPC,
    /// which has no `ignore_port_in_host_matching`).
    package static func domains(_ service: MeshService, port: UInt32, proxyDNSDomain: String, withPort: Bool = false) -> [String] {
        let host = service.hostname.lowercased()
        var names = [host, host + "."] + alternates(host, proxyDNSDomain: proxyDNSDomain)
        if service.isSynthetic, case .none = service.resolution { names += names.map { "*." + $0 } }
        let vips = service.addresses.filter { !$0.contains("/") && $0 != "0.0.0.0" }.map { $0.contains(":") ? "[\($0)]" : $0 }
        var domains: [String] = []
        for name in names + vips where !domains.contains(name) {
            domains.append(name)
            if withPort { domains.append("\(name):\(port)") }
        }
        return domains
    }

    /// The short names of `host` for the proxy's DNS domain. For a Kubernetes name
    /// (`name.ns.svc.<suffix>` with the proxy in `<pns>.svc.<suffix>`): `name`, `name.ns.svc`,
    /// `name.ns` in the same namespace, `name.ns`, `name.ns.svc` in another. Otherwise the part not
    /// shared with the proxy's domain and, when it has two labels, that plus the first shared label;
    /// nothing when no suffix is shared.
    static func alternates(_ host: String, proxyDNSDomain: String) -> [String] {
        let hostParts = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let proxyParts = proxyDNSDomain.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var shared = 0
        while shared < min(hostParts.count, proxyParts.count), hostParts[hostParts.count - 1 - shared] == proxyParts[proxyParts.count - 1 - shared] {
            shared += 1
        }
        guard shared > 0, shared < hostParts.count else { return [] }
        let unique = Array(hostParts[..<(hostParts.count - shared)])
        let sharedParts = Array(hostParts[(hostParts.count - shared)...])
        let isKubernetesName = hostParts.count >= 4 && hostParts[2] == "svc" && proxyParts.count >= 3 && proxyParts[1] == "svc"
            && shared >= hostParts.count - 2
        if isKubernetesName {
            let (name, namespace) = (hostParts[0], hostParts[1])
            return namespace == proxyParts[0] ? [name, "\(name).\(namespace).svc", "\(name).\(namespace)"] : ["\(name).\(namespace)", "\(name).\(namespace).svc"]
        }
        let uniqueName = unique.joined(separator: ".")
        return unique.count == 2 ? [uniqueName, uniqueName + "." + sharedParts[0]] : [uniqueName]
    }
}
