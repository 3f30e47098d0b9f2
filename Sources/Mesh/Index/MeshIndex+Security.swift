internal import MeshAPI

/// A workload's inbound mutual TLS mode (PeerAuthentication `UNSET` resolved by inheritance).
package enum MutualTLSMode: String, Sendable, Hashable {
    /// Plaintext only.
    case disable = "DISABLE"
    /// mTLS and plaintext.
    case permissive = "PERMISSIVE"
    /// mTLS only.
    case strict = "STRICT"
}

/// The PeerAuthentication in effect for one workload (istiod's `ComposePeerAuthentication`).
package struct EffectivePeerAuthentication: Sendable, Hashable {
    /// The workload mode, for ports without a port-level setting and for passthrough traffic.
    package var mode: MutualTLSMode = .permissive
    /// Port-level modes of the workload policy, by workload (target) port.
    package var portModes: [UInt32: MutualTLSMode] = [:]
    /// Every PeerAuthentication that could apply (winners and ignored duplicates): what the inbound
    /// configuration is built from.
    package var sources: [ConfigKey] = []

    /// PERMISSIVE everywhere, from no policy.
    package init() {}

    /// The mode of target port `port`.
    package func mode(port: UInt32) -> MutualTLSMode { portModes[port] ?? mode }
}

extension MeshIndex {
    /// The PeerAuthentication in effect for a workload with `labels` in `namespace`: from PERMISSIVE,
    /// the oldest mesh-level (root namespace, no selector), namespace-level (no selector) and
    /// workload-level (selector matching, not in the root namespace) policies apply in turn, each
    /// only when its mode is set; then the workload policy's port-level modes. Root-namespace
    /// policies with a selector are ignored, as istiod ignores them.
    package func peerAuthentication(namespace: String, labels: [String: String]) -> EffectivePeerAuthentication {
        var result = EffectivePeerAuthentication()
        var mesh: Istio_Security_V1beta1_PeerAuthentication?
        var scoped: Istio_Security_V1beta1_PeerAuthentication?
        var workload: Istio_Security_V1beta1_PeerAuthentication?
        for resource in peerAuthentications(in: [options.rootNamespace, namespace]) {
            guard case .peerAuthentication(let pa) = resource.spec else { continue }
            let ns = resource.key.namespace
            let selects = pa.hasSelector && !pa.selector.matchLabels.isEmpty
            if ns == options.rootNamespace, !selects {
                result.sources.append(resource.key)
                mesh = mesh ?? pa
            } else if ns == namespace, !selects {
                result.sources.append(resource.key)
                scoped = scoped ?? pa
            } else if ns == namespace, ns != options.rootNamespace, Self.labels(labels, match: pa.selector.matchLabels) {
                result.sources.append(resource.key)
                workload = workload ?? pa
            }
        }
        for level in [mesh, scoped, workload] {
            if let level, let mode = Self.mode(level.mtls.mode) { result.mode = mode }
        }
        for (port, mtls) in workload?.portLevelMtls ?? [:] {
            result.portModes[port] = Self.mode(mtls.mode) ?? result.mode
        }
        return result
    }

    /// The mode clients infer for services of `namespace` (`GetNamespaceMutualTLSMode`): the
    /// namespace policy's, else the mesh policy's, else PERMISSIVE; with the policies read.
    package func namespaceMutualTLS(namespace: String) -> (mode: MutualTLSMode, sources: [ConfigKey]) {
        var mode = MutualTLSMode.permissive
        var sources: [ConfigKey] = []
        var mesh: MutualTLSMode?
        var scoped: MutualTLSMode?
        var meshSeen = false
        var scopedSeen = false
        for resource in peerAuthentications(in: [options.rootNamespace, namespace]) {
            guard case .peerAuthentication(let pa) = resource.spec, !pa.hasSelector || pa.selector.matchLabels.isEmpty else { continue }
            if resource.key.namespace == options.rootNamespace, !meshSeen {
                meshSeen = true
                sources.append(resource.key)
                mesh = Self.mode(pa.mtls.mode)
            }
            if resource.key.namespace == namespace, namespace != options.rootNamespace, !scopedSeen {
                scopedSeen = true
                sources.append(resource.key)
                scoped = Self.mode(pa.mtls.mode)
            }
        }
        if let mesh { mode = mesh }
        if let scoped { mode = scoped }
        return (mode, sources)
    }

    /// The AuthorizationPolicies that apply to a sidecar workload with `labels` in `namespace`, in
    /// creation order: those of the root namespace and of `namespace` whose selector is empty or
    /// matches (a root-namespace policy with a selector applies in every namespace). Policies with a
    /// `targetRef(s)` attach to gateways and waypoints, not sidecars, and are skipped.
    package func authorizationPolicies(namespace: String, labels: [String: String]) -> [MeshResource] {
        let candidates = Set([options.rootNamespace, namespace]).flatMap { derived.authorizationPolicies[$0] ?? [] }
        return candidates.filter { resource in
            guard case .authorizationPolicy(let ap) = resource.spec, !ap.hasTargetRef, ap.targetRefs.isEmpty else { return false }
            return Self.labels(labels, match: ap.selector.matchLabels)
        }.sorted(by: MeshResource.creationOrder)
    }

    /// The keys of every PeerAuthentication in `namespaces`.
    package func peerAuthenticationKeys(namespaces: Set<String>) -> [ConfigKey] {
        peerAuthentications(in: namespaces.sorted()).map(\.key)
    }

    /// The PeerAuthentications of `namespaces` (each once), namespace by namespace in creation order.
    func peerAuthentications(in namespaces: [String]) -> [MeshResource] {
        var seen = Set<String>()
        return namespaces.filter { seen.insert($0).inserted }.flatMap { derived.peerAuthentications[$0] ?? [] }
    }

    /// The DubboAuthorizationPolicy resources of `namespace` (they apply to the Dubbo services of
    /// their namespace), in creation order.
    package func dubboAuthorizationPolicies(namespace: String) -> [MeshResource] {
        derived.dubboAuthorizationPolicies[namespace] ?? []
    }

    static func mode(_ mode: Istio_Security_V1beta1_PeerAuthentication.MutualTLS.Mode) -> MutualTLSMode? {
        switch mode {
        case .disable: .disable
        case .permissive: .permissive
        case .strict: .strict
        default: nil
        }
    }

    /// The workload selectors of PeerAuthentications and AuthorizationPolicies: which of them match
    /// decides a workload's inbound configuration.
    static func securitySelectors(peerAuthentications: [MeshResource], authorizationPolicies: [MeshResource]) -> [[String: String]] {
        var selectors: [[String: String]] = []
        for resource in peerAuthentications + authorizationPolicies {
            switch resource.spec {
            case .peerAuthentication(let pa) where !pa.selector.matchLabels.isEmpty: selectors.append(pa.selector.matchLabels)
            case .authorizationPolicy(let ap) where !ap.selector.matchLabels.isEmpty: selectors.append(ap.selector.matchLabels)
            default: break
            }
        }
        return selectors
    }
}
