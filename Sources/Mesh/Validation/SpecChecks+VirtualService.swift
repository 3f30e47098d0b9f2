internal import MeshAPI

extension SpecChecks {
    static func virtualService(_ vs: Istio_Networking_V1alpha3_VirtualService, _ p: inout FieldProblems) {
        if vs.hosts.isEmpty { p.add("hosts", "at least one host is required") }
        for (i, host) in vs.hosts.enumerated() where !ValidationRules.isHostname(host) && !ValidationRules.isIPAddress(host) {
            p.add("hosts[\(i)]", "\"\(host)\" is not a valid host name")
        }
        if Set(vs.hosts).count != vs.hosts.count { p.add("hosts", "duplicate hosts") }
        for (i, gateway) in vs.gateways.enumerated() where !isGatewayReference(gateway) {
            p.add("gateways[\(i)]", "\"\(gateway)\" is not \"mesh\", a gateway name or namespace/name")
        }
        if vs.http.isEmpty, vs.tcp.isEmpty, vs.tls.isEmpty {
            p.add(nil, "at least one of http, tcp or tls routes is required")
        }
        p.each("http", vs.http) { p, _, route in
            let hasAction = !route.route.isEmpty || route.hasRedirect || route.hasDirectResponse || route.hasDelegate
            if !hasAction { p.add(nil, "an HTTP route needs route, redirect, directResponse or delegate") }
            if !route.route.isEmpty, route.hasRedirect || route.hasDirectResponse {
                p.add(nil, "route cannot be combined with redirect or directResponse")
            }
            p.each("match", route.match) { p, _, match in
                for (name, value) in [("uri", match.uri), ("scheme", match.scheme), ("method", match.method), ("authority", match.authority)] {
                    stringMatch(value, field: name, &p)
                }
                for (header, value) in match.headers.sorted(by: { $0.key < $1.key }) {
                    stringMatch(value, field: "headers.\(header)", &p)
                }
                if match.port != 0, !ValidationRules.isPort(match.port) { p.add("port", "port \(match.port) is out of range 1-65535") }
            }
            routeDestinations(route.route.map { ($0.destination, $0.hasDestination, $0.weight) }, &p)
        }
        p.each("tcp", vs.tcp) { p, _, route in
            if route.route.isEmpty { p.add("route", "at least one destination is required") }
            p.each("match", route.match) { p, _, match in
                l4Match(port: match.port, subnets: match.destinationSubnets, &p)
            }
            routeDestinations(route.route.map { ($0.destination, $0.hasDestination, $0.weight) }, &p)
        }
        p.each("tls", vs.tls) { p, _, route in
            if route.match.isEmpty { p.add("match", "a TLS route needs at least one match") }
            if route.route.isEmpty { p.add("route", "at least one destination is required") }
            p.each("match", route.match) { p, _, match in
                if match.sniHosts.isEmpty { p.add("sniHosts", "a TLS match needs at least one SNI host") }
                for (i, sni) in match.sniHosts.enumerated() where !ValidationRules.isHostname(sni) {
                    p.add("sniHosts[\(i)]", "\"\(sni)\" is not a valid host name")
                }
                l4Match(port: match.port, subnets: match.destinationSubnets, &p)
            }
            routeDestinations(route.route.map { ($0.destination, $0.hasDestination, $0.weight) }, &p)
        }
        ValidationRules.checkExportTo(vs.exportTo, allowNone: false, into: &p)
    }

    static func isGatewayReference(_ value: String) -> Bool {
        if value == "mesh" { return true }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1 { return ValidationRules.isDNS1123Subdomain(value) }
        return parts.count == 2 && ValidationRules.isDNS1123Label(String(parts[0]))
            && ValidationRules.isDNS1123Subdomain(String(parts[1]))
    }

    private static func l4Match(port: UInt32, subnets: [String], _ p: inout FieldProblems) {
        if port != 0, !ValidationRules.isPort(port) { p.add("port", "port \(port) is out of range 1-65535") }
        for (i, subnet) in subnets.enumerated() where !ValidationRules.isIPOrCIDR(subnet) {
            p.add("destinationSubnets[\(i)]", "\"\(subnet)\" is not an IP address or CIDR")
        }
    }

    static func stringMatch(_ match: Istio_Networking_V1alpha3_StringMatch, field: String, _ p: inout FieldProblems) {
        if case .regex(let pattern)? = match.matchType, !ValidationRules.isValidRegex(pattern) {
            p.add("\(field).regex", "\"\(pattern)\" is not a valid regular expression")
        }
    }

    /// Destinations of one route: each needs a host; weights are ≥ 0 and, with several destinations,
    /// add up to 100.
    private static func routeDestinations(
        _ destinations: [(Istio_Networking_V1alpha3_Destination, Bool, Int32)],
        _ p: inout FieldProblems
    ) {
        var total: Int64 = 0
        p.each("route", destinations) { p, _, entry in
            let (destination, present, weight) = entry
            if !present || destination.host.isEmpty {
                p.add("destination.host", "destination host is required")
            } else if !ValidationRules.isHostname(destination.host, allowWildcard: false) {
                p.add("destination.host", "\"\(destination.host)\" is not a valid host name")
            }
            if !destination.subset.isEmpty, !ValidationRules.isDNS1123Label(destination.subset) {
                p.add("destination.subset", "\"\(destination.subset)\" is not a valid subset name (DNS-1123 label)")
            }
            if destination.hasPort, !ValidationRules.isPort(destination.port.number) {
                p.add("destination.port.number", "port \(destination.port.number) is out of range 1-65535")
            }
            if weight < 0 { p.add("weight", "weight \(weight) is negative") }
            total += Int64(weight)
        }
        if destinations.count > 1, total != 100 {
            p.add("route", "weights add up to \(total), not 100")
        }
    }
}
