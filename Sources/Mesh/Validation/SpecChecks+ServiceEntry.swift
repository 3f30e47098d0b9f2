internal import MeshAPI

extension SpecChecks {
    /// Istio protocol names (`pkg/config/protocol`), case-insensitive, plus Aeraki's layer-7 names.
    static let knownProtocols: Set<String> = [
        "http", "https", "http2", "grpc", "grpc-web", "tls", "tcp", "udp", "mongo", "redis", "mysql", "http_proxy",
        "dubbo", "thrift", "kafka", "zookeeper", "metaprotocol",
    ]

    static func serviceEntry(_ se: Istio_Networking_V1alpha3_ServiceEntry, _ p: inout FieldProblems) {
        if se.hosts.isEmpty { p.add("hosts", "at least one host is required") }
        for (i, host) in se.hosts.enumerated() {
            if host == "*" {
                p.add("hosts[\(i)]", "\"*\" is not allowed as a ServiceEntry host")
            } else if !ValidationRules.isHostname(host) {
                p.add("hosts[\(i)]", "\"\(host)\" is not a valid host name")
            } else if host.hasPrefix("*"), se.resolution == .dns || se.resolution == .dnsRoundRobin {
                p.add("hosts[\(i)]", "wildcard host \"\(host)\" cannot use DNS resolution")
            }
        }
        if Set(se.hosts).count != se.hosts.count { p.add("hosts", "duplicate hosts") }
        for (i, address) in se.addresses.enumerated() where !ValidationRules.isIPOrCIDR(address) {
            p.add("addresses[\(i)]", "\"\(address)\" is not an IP address or CIDR")
        }
        if se.ports.isEmpty { p.add("ports", "at least one port is required") }
        var names = Set<String>()
        var numbers = Set<UInt32>()
        p.each("ports", se.ports) { p, _, port in
            servicePort(number: port.number, name: port.name, protocol: port.protocol, &p)
            if port.targetPort != 0, !ValidationRules.isPort(port.targetPort) {
                p.add("targetPort", "target port \(port.targetPort) is out of range 1-65535")
            }
            if !port.name.isEmpty, !names.insert(port.name).inserted { p.add("name", "duplicate port name \"\(port.name)\"") }
            if !numbers.insert(port.number).inserted { p.add("number", "duplicate port number \(port.number)") }
        }
        if se.hasWorkloadSelector, !se.endpoints.isEmpty {
            p.add("workloadSelector", "workloadSelector and endpoints are mutually exclusive")
        }
        if se.hasWorkloadSelector {
            ValidationRules.checkLabels(se.workloadSelector.labels, field: "workloadSelector.labels", into: &p)
        }
        if se.resolution == .dnsRoundRobin, se.endpoints.count > 1 {
            p.add("endpoints", "DNS_ROUND_ROBIN resolution allows at most one endpoint")
        }
        let portNames = Set(se.ports.map(\.name))
        p.each("endpoints", se.endpoints) { p, _, endpoint in
            workloadEntry(endpoint, &p, requireAddress: true)
            if se.resolution == .static, !endpoint.address.hasPrefix("unix://"),
                !ValidationRules.isIPAddress(endpoint.address), !endpoint.address.isEmpty
            {
                p.add("address", "STATIC resolution requires an IP address, not \"\(endpoint.address)\"")
            }
            for name in endpoint.ports.keys.sorted() where !portNames.contains(name) {
                p.add("ports.\(name)", "port name \"\(name)\" is not defined by the ServiceEntry")
            }
        }
        if se.resolution == .none, se.endpoints.contains(where: { !$0.address.isEmpty && !ValidationRules.isIPAddress($0.address) && !$0.address.hasPrefix("unix://") }) {
            p.add("resolution", "NONE resolution requires IP endpoints")
        }
        ValidationRules.checkExportTo(se.exportTo, allowNone: true, into: &p)
    }

    static func servicePort(number: UInt32, name: String, protocol: String, _ p: inout FieldProblems) {
        if !ValidationRules.isPort(number) { p.add("number", "port \(number) is out of range 1-65535") }
        if name.isEmpty {
            p.add("name", "port name is required")
        } else if !ValidationRules.isDNS1123Label(name.lowercased()) {
            p.add("name", "\"\(name)\" is not a valid port name (DNS-1123 label)")
        }
        if !`protocol`.isEmpty, !knownProtocols.contains(`protocol`.lowercased()) {
            p.add("protocol", "unsupported protocol \"\(`protocol`)\"")
        }
    }

    static func workloadEntry(_ we: Istio_Networking_V1alpha3_WorkloadEntry, _ p: inout FieldProblems, requireAddress: Bool = true) {
        if we.address.isEmpty {
            if requireAddress { p.add("address", "address is required") }
        } else if we.address.hasPrefix("unix://") {
            if !we.ports.isEmpty { p.add("ports", "unix socket endpoints cannot have ports") }
        } else if !ValidationRules.isIPAddress(we.address), !ValidationRules.isHostname(we.address, allowWildcard: false) {
            p.add("address", "\"\(we.address)\" is not an IP address, host name or unix socket")
        }
        for (name, port) in we.ports.sorted(by: { $0.key < $1.key }) where !ValidationRules.isPort(port) {
            p.add("ports.\(name)", "port \(port) is out of range 1-65535")
        }
        ValidationRules.checkLabels(we.labels, field: "labels", into: &p)
        if !we.serviceAccount.isEmpty, !ValidationRules.isDNS1123Subdomain(we.serviceAccount) {
            p.add("serviceAccount", "\"\(we.serviceAccount)\" is not a valid service account name")
        }
    }
}
