internal import MeshAPI

extension SpecChecks {
    static func sidecar(_ sidecar: Istio_Networking_V1alpha3_Sidecar, _ p: inout FieldProblems) {
        if sidecar.egress.isEmpty, sidecar.ingress.isEmpty, !sidecar.hasOutboundTrafficPolicy,
            !sidecar.hasInboundConnectionPool
        {
            p.add(nil, "empty Sidecar: egress, ingress, outboundTrafficPolicy or inboundConnectionPool is required")
        }
        if sidecar.hasWorkloadSelector {
            ValidationRules.checkLabels(sidecar.workloadSelector.labels, field: "workloadSelector.labels", into: &p)
        }
        var ingressPorts = Set<UInt32>()
        p.each("ingress", sidecar.ingress) { p, _, ingress in
            if !ingress.hasPort {
                p.add("port", "an ingress listener needs a port")
            } else {
                p.within("port") { servicePort(number: ingress.port.number, name: ingress.port.name, protocol: ingress.port.protocol, &$0) }
                if !ingressPorts.insert(ingress.port.number).inserted {
                    p.add("port.number", "duplicate ingress port \(ingress.port.number)")
                }
            }
            if !ingress.bind.isEmpty, !ValidationRules.isIPAddress(ingress.bind) {
                p.add("bind", "\"\(ingress.bind)\" is not an IP address")
            }
            if !ingress.defaultEndpoint.isEmpty, !isDefaultEndpoint(ingress.defaultEndpoint) {
                p.add("defaultEndpoint", "\"\(ingress.defaultEndpoint)\" must be IP:PORT or unix:///path")
            }
        }
        let catchAll = sidecar.egress.indices.filter { !sidecar.egress[$0].hasPort }
        p.each("egress", sidecar.egress) { p, index, egress in
            if egress.hasPort {
                p.within("port") { servicePort(number: egress.port.number, name: egress.port.name, protocol: egress.port.protocol, &$0) }
            } else if catchAll.count > 1, index != catchAll.first {
                p.add(nil, "only one egress listener may omit the port")
            } else if index != sidecar.egress.count - 1 {
                p.add(nil, "the egress listener without a port must be the last one")
            }
            if egress.hosts.isEmpty { p.add("hosts", "an egress listener needs at least one host") }
            for (i, host) in egress.hosts.enumerated() {
                if let reason = egressHostProblem(host) { p.add("hosts[\(i)]", reason) }
            }
            if !egress.bind.isEmpty, !ValidationRules.isIPAddress(egress.bind), !egress.bind.hasPrefix("unix://") {
                p.add("bind", "\"\(egress.bind)\" is not an IP address or unix socket")
            }
        }
    }

    /// `namespace/dnsName` where namespace is `.`, `*`, `~` or a name (optionally `~`-prefixed) and
    /// dnsName is `*`, `*.suffix` or a host name.
    static func egressHostProblem(_ host: String) -> String? {
        let parts = host.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "\"\(host)\" must be of the form namespace/dnsName" }
        var namespace = String(parts[0])
        if namespace.hasPrefix("~"), namespace.count > 1 { namespace.removeFirst() }
        guard [".", "*", "~"].contains(namespace) || ValidationRules.isDNS1123Label(namespace) else {
            return "\"\(parts[0])\" is not a valid namespace in \"\(host)\""
        }
        guard ValidationRules.isHostname(String(parts[1])) else { return "\"\(parts[1])\" is not a valid host in \"\(host)\"" }
        return nil
    }

    private static func isDefaultEndpoint(_ value: String) -> Bool {
        if value.hasPrefix("unix://") { return value.count > 7 }
        guard let colon = value.lastIndex(of: ":"), let port = UInt32(value[value.index(after: colon)...]) else { return false }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return ValidationRules.isPort(port) && ValidationRules.isIPAddress(host)
    }

    static func gateway(_ gateway: Istio_Networking_V1alpha3_Gateway, _ p: inout FieldProblems) {
        if gateway.servers.isEmpty { p.add("servers", "at least one server is required") }
        var names = Set<String>()
        p.each("servers", gateway.servers) { p, _, server in
            if !server.hasPort {
                p.add("port", "a server needs a port")
            } else {
                p.within("port") { servicePort(number: server.port.number, name: server.port.name, protocol: server.port.protocol, &$0) }
            }
            if server.hosts.isEmpty { p.add("hosts", "at least one host is required") }
            for (i, host) in server.hosts.enumerated() {
                let dnsName = host.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? host
                if host.split(separator: "/", omittingEmptySubsequences: false).count > 2 || !ValidationRules.isHostname(dnsName) {
                    p.add("hosts[\(i)]", "\"\(host)\" is not a valid host or namespace/host")
                }
            }
            if !server.name.isEmpty, !names.insert(server.name).inserted { p.add("name", "duplicate server name \"\(server.name)\"") }
            let protocolName = server.port.protocol.uppercased()
            if ["HTTPS", "TLS"].contains(protocolName), !server.hasTls {
                p.add("tls", "\(protocolName) servers need tls settings")
            }
        }
        ValidationRules.checkLabels(gateway.selector, field: "selector", into: &p)
    }
}
