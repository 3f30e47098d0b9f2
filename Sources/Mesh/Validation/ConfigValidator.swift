/// Validates mesh resources as Istio's and Aeraki's admission webhooks do (and a little more).
///
/// Validation of one resource looks only at that resource; checks that span resources (subset
/// references) are made by the store against the whole candidate set, see ``ReferenceChecker``.
package struct ConfigValidator: Sendable {
    /// The cluster's DNS domain suffix, used to expand short host names.
    package var domainSuffix: String

    /// A validator for a cluster with the given domain suffix.
    package init(domainSuffix: String = "cluster.local") {
        self.domainSuffix = domainSuffix
    }

    /// Every problem in `resource`, each naming its source, key and field path.
    package func validate(_ resource: MeshResource) -> [ValidationError] {
        var problems = FieldProblems(root: "metadata")
        if !ValidationRules.isDNS1123Subdomain(resource.key.name) {
            problems.add("name", "\"\(resource.key.name)\" is not a valid resource name (DNS-1123 subdomain)")
        }
        if resource.key.kind.isNamespaced, !ValidationRules.isDNS1123Label(resource.key.namespace) {
            problems.add("namespace", "\"\(resource.key.namespace)\" is not a valid namespace name")
        }
        var spec = FieldProblems(root: "spec")
        switch resource.spec {
        case .serviceEntry(let se): SpecChecks.serviceEntry(se, &spec)
        case .workloadEntry(let we): SpecChecks.workloadEntry(we, &spec)
        case .virtualService(let vs): SpecChecks.virtualService(vs, &spec)
        case .destinationRule(let dr): SpecChecks.destinationRule(dr, &spec)
        case .sidecar(let sc): SpecChecks.sidecar(sc, &spec)
        case .gateway(let gw): SpecChecks.gateway(gw, &spec)
        case .metaRouter(let mr): SpecChecks.metaRouter(mr, &spec)
        case .applicationProtocol(let ap): SpecChecks.applicationProtocol(ap, &spec)
        case .redisService(let rs): SpecChecks.redisService(rs, &spec)
        case .redisDestination(let rd): SpecChecks.redisDestination(rd, &spec)
        case .dubboAuthorizationPolicy(let dap): SpecChecks.dubboAuthorizationPolicy(dap, &spec)
        case .peerAuthentication(let pa): SpecChecks.peerAuthentication(pa, &spec)
        case .authorizationPolicy(let ap): SpecChecks.authorizationPolicy(ap, &spec)
        case .requestAuthentication(let ra): SpecChecks.requestAuthentication(ra, &spec)
        }
        return (problems.problems + spec.problems).map {
            ValidationError(source: resource.source, key: resource.key, field: $0.field, reason: $0.reason)
        }
    }
}

/// The per-kind checks, one extension per kind (`SpecChecks+ServiceEntry.swift`, ...).
enum SpecChecks {}

extension ValidationRules {
    /// A DNS-1123 subdomain (Kubernetes object names): dot-separated DNS-1123 labels, ≤ 253.
    static func isDNS1123Subdomain(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 253 else { return false }
        return value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNS1123Label(String($0)) }
    }
}
