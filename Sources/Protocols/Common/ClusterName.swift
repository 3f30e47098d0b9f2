/// Istio's cluster naming (`pilot/pkg/model/service.go` `BuildSubsetKey`).
package enum ClusterName {
    /// `outbound|PORT|SUBSET|HOST`.
    package static func outbound(port: UInt32, subset: String = "", host: String) -> String {
        "outbound|\(port)|\(subset)|\(host)"
    }

    /// `inbound|PORT||` (the host is dropped, as Istio ≥ 1.8 does).
    package static func inbound(port: UInt32) -> String {
        "inbound|\(port)||"
    }

    /// The mTLS SNI of an outbound cluster: `outbound_.PORT_.SUBSET_.HOST`.
    package static func sni(port: UInt32, subset: String = "", host: String) -> String {
        "outbound_.\(port)_.\(subset)_.\(host)"
    }

    /// `PassthroughCluster`: original destination, for traffic to unknown hosts under `ALLOW_ANY`.
    package static let passthrough = "PassthroughCluster"
    /// `BlackHoleCluster`: no endpoints, for traffic that must go nowhere.
    package static let blackHole = "BlackHoleCluster"
    /// `InboundPassthroughCluster`: inbound traffic to ports no service declares.
    package static let inboundPassthrough = "InboundPassthroughCluster"
}
