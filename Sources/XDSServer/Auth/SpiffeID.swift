/// A workload identity in Istio's SPIFFE form, `spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/ACCOUNT`.
package struct SpiffeID: Sendable, Hashable, CustomStringConvertible {
    /// The trust domain (`cluster.local`).
    package var trustDomain: String
    /// The Kubernetes namespace.
    package var namespace: String
    /// The Kubernetes service account.
    package var serviceAccount: String

    /// An identity from its parts.
    package init(trustDomain: String, namespace: String, serviceAccount: String) {
        self.trustDomain = trustDomain
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    /// Parses a URI as istiod does: `spiffe://` then exactly the path `TD/ns/NS/sa/SA`, every part
    /// non-empty; nil for anything else.
    package init?(uri: String) {
        guard uri.hasPrefix("spiffe://") else { return nil }
        let parts = uri.dropFirst("spiffe://".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "ns", parts[3] == "sa", !parts.contains(where: \.isEmpty) else {
            return nil
        }
        self.init(trustDomain: String(parts[0]), namespace: String(parts[2]), serviceAccount: String(parts[4]))
    }

    /// The URI form.
    package var description: String { "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)" }
}
