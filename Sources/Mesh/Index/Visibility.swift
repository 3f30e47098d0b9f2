/// `exportTo` and Sidecar egress-host rules (`pkg/config/visibility`, `pilot/pkg/model/sidecar.go`).
package enum Visibility {
    /// Whether an object in `namespace` with `exportTo` is visible to `consumer` (empty = `*`).
    package static func isExported(_ exportTo: [String], from namespace: String, to consumer: String) -> Bool {
        if exportTo.isEmpty { return true }
        for entry in exportTo {
            switch entry {
            case "*": return true
            case "~": continue
            case ".": if namespace == consumer { return true }
            default: if entry == consumer { return true }
            }
        }
        return false
    }

    /// Whether Sidecar egress hosts (`ns/dnsName`, `~ns/dnsName` exclusions) import `hostname` of
    /// `namespace` for a proxy in `proxyNamespace`.
    package static func imports(_ hosts: [String], hostname: String, namespace: String, proxyNamespace: String) -> Bool {
        var included = false
        for host in hosts {
            let parts = host.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            var ns = parts[0]
            let exclude = ns.hasPrefix("~") && ns.count > 1
            if exclude { ns.removeFirst() }
            if ns == "~" { continue }  // `~/*` imports nothing
            let namespaceMatches = ns == "*" || (ns == "." ? namespace == proxyNamespace : ns == namespace)
            guard namespaceMatches, HostName.matches(parts[1], hostname) || HostName.matches(hostname, parts[1]) else { continue }
            if exclude { return false }
            included = true
        }
        return included
    }
}
