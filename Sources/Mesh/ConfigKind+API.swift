/// How each kind appears on the wire: Kubernetes API versions, MCP type URLs and the protobuf message.
extension ConfigKind {
    /// The protobuf message of the kind's `spec`, as it appears in an `Any` type URL.
    package var protoMessageName: String {
        switch group {
        case "networking.istio.io": "istio.networking.v1alpha3.\(kind)"
        case "security.istio.io": "istio.security.v1beta1.\(kind)"
        default: "\(group).v1alpha1.\(kind)"
        }
    }

    /// The Kubernetes API versions accepted in YAML (`apiVersion: GROUP/VERSION`).
    package var apiVersions: [String] {
        switch group {
        case "networking.istio.io": ["v1alpha3", "v1beta1", "v1"]
        case "security.istio.io": ["v1beta1", "v1"]
        default: ["v1alpha1"]
        }
    }

    /// The MCP-over-xDS type URLs to subscribe to, oldest first (istiod ≤ 1.23 serves `v1alpha3`,
    /// ≥ 1.24 serves `v1`, and the two are merged; security kinds are `v1beta1` then `v1`).
    package var mcpTypeURLs: [String] {
        switch group {
        case "networking.istio.io": ["\(group)/v1alpha3/\(kind)", "\(group)/v1/\(kind)"]
        case "security.istio.io": ["\(group)/v1beta1/\(kind)", "\(group)/v1/\(kind)"]
        default: ["\(group)/v1alpha1/\(kind)"]
        }
    }

    /// Whether resources of this kind live in a namespace (ApplicationProtocol is cluster-scoped).
    package var isNamespaced: Bool { self != .applicationProtocol }

    /// The kind for a Kubernetes `apiVersion` and `kind`, or nil when Aeraki does not handle it.
    package init?(apiVersion: String, kind: String) {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let match = ConfigKind.all.first(where: {
                $0.group == parts[0] && $0.kind == kind && $0.apiVersions.contains(String(parts[1]))
            })
        else { return nil }
        self = match
    }

    /// The kind for an MCP type URL (`networking.istio.io/v1/ServiceEntry`), or nil.
    package init?(mcpTypeURL: String) {
        guard let match = ConfigKind.all.first(where: { $0.mcpTypeURLs.contains(mcpTypeURL) }) else { return nil }
        self = match
    }
}
