internal import Mesh

/// Istio's `exportTo` and Sidecar egress rules, as Mesh's internal `Visibility` applies them; the
/// generator needs them to precompute per-proxy rule lookups (see ``ScopedRules``).
/// Mirrors `Sources/Mesh/Index/Visibility.swift`; drop this copy when Mesh exposes it (`package`).
enum VisibilityRules {
    static func isExported(_ exportTo: [String], from namespace: String, to consumer: String) -> Bool {
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

    static func imports(_ hosts: [String], hostname: String, namespace: String, proxyNamespace: String) -> Bool {
        var included = false
        for host in hosts {
            let parts = host.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            var ns = parts[0]
            let exclude = ns.hasPrefix("~") && ns.count > 1
            if exclude { ns.removeFirst() }
            if ns == "~" { continue }
            let namespaceMatches = ns == "*" || (ns == "." ? namespace == proxyNamespace : ns == namespace)
            guard namespaceMatches, HostName.matches(parts[1], hostname) || HostName.matches(hostname, parts[1]) else { continue }
            if exclude { return false }
            included = true
        }
        return included
    }
}
