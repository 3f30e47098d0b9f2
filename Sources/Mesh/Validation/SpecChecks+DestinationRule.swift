internal import MeshAPI
internal import SwiftProtobuf

extension SpecChecks {
    static func destinationRule(_ dr: Istio_Networking_V1alpha3_DestinationRule, _ p: inout FieldProblems) {
        if dr.host.isEmpty {
            p.add("host", "host is required")
        } else if !ValidationRules.isHostname(dr.host) {
            p.add("host", "\"\(dr.host)\" is not a valid host name")
        }
        if dr.hasTrafficPolicy { p.within("trafficPolicy") { trafficPolicy(dr.trafficPolicy, &$0) } }
        var names = Set<String>()
        p.each("subsets", dr.subsets) { p, _, subset in
            if subset.name.isEmpty {
                p.add("name", "subset name is required")
            } else if !ValidationRules.isDNS1123Label(subset.name) {
                p.add("name", "\"\(subset.name)\" is not a valid subset name (DNS-1123 label)")
            } else if !names.insert(subset.name).inserted {
                p.add("name", "duplicate subset name \"\(subset.name)\"")
            }
            ValidationRules.checkLabels(subset.labels, field: "labels", into: &p)
            if subset.hasTrafficPolicy { p.within("trafficPolicy") { trafficPolicy(subset.trafficPolicy, &$0) } }
        }
        if dr.hasWorkloadSelector {
            ValidationRules.checkLabels(dr.workloadSelector.matchLabels, field: "workloadSelector.matchLabels", into: &p)
        }
        ValidationRules.checkExportTo(dr.exportTo, allowNone: false, into: &p)
    }

    static func trafficPolicy(_ policy: Istio_Networking_V1alpha3_TrafficPolicy, _ p: inout FieldProblems) {
        if policy.hasConnectionPool { p.within("connectionPool") { connectionPool(policy.connectionPool, &$0) } }
        if policy.hasOutlierDetection { p.within("outlierDetection") { outlier(policy.outlierDetection, &$0) } }
        if policy.hasTls { p.within("tls") { clientTLS(policy.tls, &$0) } }
        var ports = Set<UInt32>()
        p.each("portLevelSettings", policy.portLevelSettings) { p, _, setting in
            if !setting.hasPort || !ValidationRules.isPort(setting.port.number) {
                p.add("port.number", "port-level settings need a port in 1-65535")
            } else if !ports.insert(setting.port.number).inserted {
                p.add("port.number", "duplicate port-level settings for port \(setting.port.number)")
            }
            if setting.hasConnectionPool { p.within("connectionPool") { connectionPool(setting.connectionPool, &$0) } }
            if setting.hasOutlierDetection { p.within("outlierDetection") { outlier(setting.outlierDetection, &$0) } }
            if setting.hasTls { p.within("tls") { clientTLS(setting.tls, &$0) } }
        }
    }

    private static func connectionPool(_ pool: Istio_Networking_V1alpha3_ConnectionPoolSettings, _ p: inout FieldProblems) {
        if pool.hasTcp {
            if pool.tcp.maxConnections < 0 { p.add("tcp.maxConnections", "must not be negative") }
            if pool.tcp.hasConnectTimeout, !isPositive(pool.tcp.connectTimeout) {
                p.add("tcp.connectTimeout", "must be greater than 0")
            }
        }
        if pool.hasHTTP {
            for (name, value) in [
                ("http1MaxPendingRequests", pool.http.http1MaxPendingRequests), ("http2MaxRequests", pool.http.http2MaxRequests),
                ("maxRequestsPerConnection", pool.http.maxRequestsPerConnection), ("maxRetries", pool.http.maxRetries),
            ] where value < 0 {
                p.add("http.\(name)", "must not be negative")
            }
        }
    }

    private static func outlier(_ outlier: Istio_Networking_V1alpha3_OutlierDetection, _ p: inout FieldProblems) {
        if !(0...100).contains(outlier.maxEjectionPercent) { p.add("maxEjectionPercent", "must be in 0-100") }
        if !(0...100).contains(outlier.minHealthPercent) { p.add("minHealthPercent", "must be in 0-100") }
        if outlier.hasInterval, !isPositive(outlier.interval) { p.add("interval", "must be greater than 0") }
        if outlier.hasBaseEjectionTime, !isPositive(outlier.baseEjectionTime) { p.add("baseEjectionTime", "must be greater than 0") }
    }

    private static func clientTLS(_ tls: Istio_Networking_V1alpha3_ClientTLSSettings, _ p: inout FieldProblems) {
        if tls.mode == .mutual, tls.credentialName.isEmpty, tls.clientCertificate.isEmpty || tls.privateKey.isEmpty {
            p.add("mode", "MUTUAL needs clientCertificate and privateKey, or credentialName")
        }
    }

    static func isPositive(_ duration: Google_Protobuf_Duration) -> Bool {
        duration.seconds > 0 || (duration.seconds == 0 && duration.nanos > 0)
    }
}
