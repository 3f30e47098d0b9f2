/// Istio's cluster naming (`pilot/pkg/model/service.go` `BuildSubsetKey`).
public enum ClusterName {
    /// `outbound|PORT|SUBSET|HOST`.
    public static func outbound(port: UInt32, subset: String = "", host: String) -> String {
        "outbound|\(port)|\(subset)|\(host)"
    }

    /// `inbound|PORT||` (the host is dropped, as Istio ≥ 1.8 does).
    public static func inbound(port: UInt32) -> String {
        "inbound|\(port)||"
    }

    /// The mTLS SNI of an outbound cluster: `outbound_.PORT_.SUBSET_.HOST`.
    public static func sni(port: UInt32, subset: String = "", host: String) -> String {
        "outbound_.\(port)_.\(subset)_.\(host)"
    }

    /// `PassthroughCluster`: original destination, for traffic to unknown hosts under `ALLOW_ANY`.
    public static let passthrough = "PassthroughCluster"
    /// `BlackHoleCluster`: no endpoints, for traffic that must go nowhere.
    public static let blackHole = "BlackHoleCluster"
    /// `InboundPassthroughCluster`: inbound traffic to ports no service declares.
    public static let inboundPassthrough = "InboundPassthroughCluster"
}
