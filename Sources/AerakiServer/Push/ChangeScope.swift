import Mesh
import MeshAPI

/// Which proxies a config change batch can affect.
///
/// A VirtualService or DestinationRule only shapes the outbound config of the proxies that see its
/// host, so a batch made only of those kinds names its hosts (fully qualified, old and new
/// versions of each resource) and affects a proxy only when one of them is visible to it, before
/// or after the change. Anything else (ServiceEntry, WorkloadEntry, Sidecar, Aeraki's kinds, a
/// wildcard host) conservatively affects every proxy: it can change endpoints, inbound listeners
/// or visibility itself.
struct ChangeScope {
    /// The hosts the batch touches; nil: every proxy is affected.
    let hosts: Set<String>?

    /// The scope of `keys`, changed between `old` and `new`.
    init(keys: Set<ConfigKey>, old: ConfigSnapshot?, new: ConfigSnapshot, domainSuffix: String) {
        guard let old, !keys.isEmpty else {
            hosts = nil
            return
        }
        var hosts = Set<String>()
        for key in keys {
            for resource in [old[key], new[key]].compactMap({ $0 }) {
                let named: [String]
                switch resource.spec {
                case .virtualService(let vs): named = vs.hosts
                case .destinationRule(let dr): named = [dr.host]
                default:
                    self.hosts = nil
                    return
                }
                for host in named {
                    guard !host.contains("*"), !host.isEmpty else {
                        self.hosts = nil
                        return
                    }
                    hosts.insert(HostName.resolve(host, namespace: key.namespace, domainSuffix: domainSuffix).lowercased())
                }
            }
        }
        self.hosts = hosts
    }

    /// Whether `proxy` sees any touched host in `old` or `new`.
    func affects(_ proxy: ProxyIdentity, old: MeshIndex?, new: MeshIndex) -> Bool {
        guard let hosts else { return true }
        if hosts.isEmpty { return false }
        for index in [old, new].compactMap({ $0 }) {
            for service in index.services(visibleTo: proxy) where hosts.contains(service.hostname.lowercased()) {
                return true
            }
        }
        return false
    }
}
