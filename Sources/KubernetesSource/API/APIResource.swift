package import Mesh

/// A Kubernetes API resource Aeraki lists and watches: where it lives in the API and which mesh
/// kind its objects are.
package struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// The mesh kind of its objects.
    package var kind: ConfigKind
    /// The API version served (`v1alpha1`).
    package var version: String
    /// The plural resource name (`metarouters`).
    package var plural: String

    /// A resource from its parts.
    package init(kind: ConfigKind, version: String, plural: String) {
        self.kind = kind
        self.version = version
        self.plural = plural
    }

    /// `group/version/plural`.
    package var description: String { "\(kind.group)/\(version)/\(plural)" }

    /// Whether objects live in namespaces.
    package var isNamespaced: Bool { kind.isNamespaced }

    /// Whether Aeraki owns the kind's CRD and reports on its objects' status.
    package var isAerakiKind: Bool { kind.group.hasSuffix("aeraki.io") }

    /// The collection path, across all namespaces or in `namespace`.
    package func collectionPath(namespace: String? = nil) -> String {
        if let namespace, isNamespaced { "/apis/\(kind.group)/\(version)/namespaces/\(namespace)/\(plural)" }
        else { "/apis/\(kind.group)/\(version)/\(plural)" }
    }

    /// The path of one object's `status` subresource.
    package func statusPath(namespace: String, name: String) -> String {
        (isNamespaced ? collectionPath(namespace: namespace) : collectionPath()) + "/\(name)/status"
    }

    /// Aeraki's own kinds, as its CRDs (`deploy/crds/`) serve them.
    package static let aeraki: [APIResource] = [
        APIResource(kind: .metaRouter, version: "v1alpha1", plural: "metarouters"),
        APIResource(kind: .applicationProtocol, version: "v1alpha1", plural: "applicationprotocols"),
        APIResource(kind: .redisService, version: "v1alpha1", plural: "redisservices"),
        APIResource(kind: .redisDestination, version: "v1alpha1", plural: "redisdestinations"),
        APIResource(kind: .dubboAuthorizationPolicy, version: "v1alpha1", plural: "dubboauthorizationpolicies"),
    ]

    /// Istio's networking and security kinds, at `version` (`v1` since Istio 1.22; `v1beta1` or
    /// `v1alpha3` before — security kinds have no `v1alpha3` and use `v1beta1` then).
    package static func istio(version: String = "v1") -> [APIResource] {
        let networking = [
            (ConfigKind.serviceEntry, "serviceentries"), (.virtualService, "virtualservices"),
            (.destinationRule, "destinationrules"), (.sidecar, "sidecars"), (.gateway, "gateways"),
            (.workloadEntry, "workloadentries"),
        ].map { APIResource(kind: $0.0, version: version, plural: $0.1) }
        let securityVersion = version == "v1alpha3" ? "v1beta1" : version
        let security = [
            (ConfigKind.peerAuthentication, "peerauthentications"), (.authorizationPolicy, "authorizationpolicies"),
            (.requestAuthentication, "requestauthentications"),
        ].map { APIResource(kind: $0.0, version: securityVersion, plural: $0.1) }
        return networking + security
    }
}
