/// Host name rules shared by validation and the index: short-name expansion and wildcard matching.
package enum HostName {
    /// Expands a short name (no dot) to `name.namespace.svc.<domainSuffix>`, as istiod does for
    /// VirtualService and DestinationRule hosts; FQDNs, wildcards and IPs are returned unchanged.
    package static func resolve(_ host: String, namespace: String, domainSuffix: String = "cluster.local") -> String {
        if host.isEmpty || host == "*" || host.contains(".") || host.contains(":") { return host }
        if host.hasPrefix("*") { return host }
        return "\(host).\(namespace).svc.\(domainSuffix)"
    }

    /// Whether `pattern` (exact, `*` or `*.suffix`) matches the concrete or wildcard `host`.
    package static func matches(_ pattern: String, _ host: String) -> Bool {
        let pattern = pattern.lowercased()
        let host = host.lowercased()
        if pattern == "*" || pattern == host { return true }
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)  // ".suffix"
            if host.hasPrefix("*.") { return host.dropFirst(1).hasSuffix(suffix) }
            return host.hasSuffix(suffix)
        }
        return false
    }

    /// How specific a host pattern is: exact names beat wildcards, longer wildcards beat shorter.
    static func specificity(_ pattern: String) -> Int {
        pattern.hasPrefix("*") ? pattern.count : Int.max
    }
}
