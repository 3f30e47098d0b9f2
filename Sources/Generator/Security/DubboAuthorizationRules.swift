internal import EnvoyAPI
internal import Protocols
internal import Mesh
internal import MeshAPI

/// DubboAuthorizationPolicies → RBAC policy inputs, as Aeraki's `dubbo/authz` builder maps them
/// (principals and namespaces as Istio's; interfaces and methods as matches on the Dubbo RBAC
/// filter's metadata `service` / `method`), with each policy named after itself.
///
/// Interfaces and methods exist only inside `dubbo_proxy`, and the Dubbo RBAC filter only in some
/// Envoy builds (``ProxyCapabilities/Capability/dubboRBAC``). Without it, the policies become
/// network RBAC on the chain and the Dubbo attributes are handled as istiod handles HTTP attributes
/// on TCP chains: an ALLOW rule that names them is dropped, a DENY rule loses them and denies more.
struct DubboAuthorizationRules {
    /// The Dubbo RBAC filter's name, which is also the metadata namespace it matches on.
    static let filterName = "envoy.filters.dubbo.rbac"

    /// The mesh trust domain and its aliases (principal migration).
    let trustDomains: [String]

    /// The inputs of `policies`; `dubboFilter`: interfaces and methods can be matched.
    func inputs(_ policies: [MeshResource], dubboFilter: Bool) -> [RBACPolicyInput] {
        policies.compactMap { resource in
            guard case .dubboAuthorizationPolicy(let dap) = resource.spec else { return nil }
            let action: Envoy_Config_Rbac_V3_RBAC.Action = dap.action == .deny ? .deny : .allow
            return RBACPolicyInput(
                source: resource.key, action: action, dryRun: false,
                rules: dap.rules.map { rule(of: $0, dubboFilter: dubboFilter) }
            )
        }
    }

    func rule(of rule: Dubbo_Aeraki_Io_V1alpha1_Rule, dubboFilter: Bool) -> RBACRule {
        typealias M = RBACMatchers
        var result = RBACRule()
        result.from = rule.from.map { from in
            let s = from.source
            return M.attribute(s.principals, s.notPrincipals, or: M.orIDs, not: M.notID) { M.principals([$0], trustDomains: trustDomains) }
                + M.attribute(s.namespaces, s.notNamespaces, or: M.orIDs, not: M.notID) { [M.namespace($0)] }
        }
        let unsupported = dubboFilter ? nil : "Dubbo interfaces and methods need the Dubbo RBAC filter (AERAKI_CAPABILITIES dubbo_rbac)"
        result.to = rule.to.map { to in
            let o = to.operation
            return M.attribute(o.interfaces, o.notInterfaces, or: M.orRules, not: M.notRule, unsupported: unsupported) {
                [M.metadata(filter: Self.filterName, key: "service", $0)]
            } + M.attribute(o.methods, o.notMethods, or: M.orRules, not: M.notRule, unsupported: unsupported) {
                [M.metadata(filter: Self.filterName, key: "method", $0)]
            }
        }
        return result
    }

    /// The Dubbo RBAC filters for `set`: DENY, then ALLOW, each `envoy.filters.dubbo.rbac` with a
    /// network RBAC config (stat prefix `dubbo.`), to go before the Dubbo router.
    static func dubboFilters(_ set: RBACPolicySet) throws -> [Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboFilter] {
        try set.buckets.map { bucket in
            var filter = Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboFilter()
            filter.name = filterName
            filter.config = try .packing(set.networkConfig(bucket, statPrefix: "dubbo."), plugin: filterName)
            return filter
        }
    }
}
