internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols

/// AuthorizationPolicies → RBAC policy inputs (istiod's `security/authz/model`), for TCP chains
/// (`forTCP`: HTTP attributes cannot be evaluated) or HTTP chains.
struct AuthorizationPolicyRules {
    /// The mesh trust domain and its aliases (principal migration).
    let trustDomains: [String]

    static let dryRunAnnotation = "istio.io/dry-run"

    /// The inputs of `policies` (AuthorizationPolicy resources in creation order).
    func inputs(_ policies: [MeshResource], forTCP: Bool, diagnostics: inout [Diagnostic]) -> [RBACPolicyInput] {
        policies.compactMap { resource in
            guard case .authorizationPolicy(let ap) = resource.spec else { return nil }
            var input = RBACPolicyInput(
                source: resource.key, action: .allow,
                dryRun: resource.annotations[Self.dryRunAnnotation]?.lowercased() == "true",
                rules: ap.rules.map { rule(of: $0, policyNamespace: resource.key.namespace, forTCP: forTCP) }
            )
            switch ap.action {
            case .allow: input.action = .allow
            case .deny: input.action = .deny
            case .audit: input.action = .log
            default:
                // CUSTOM needs the mesh's extension providers, which Aeraki does not configure: deny
                // what the policy would have sent to the authorizer, as istiod does for a bad provider.
                input.action = .deny
                input.nameSuffix = "-deny-due-to-bad-CUSTOM-action"
                input.dryRun = false
                diagnostics.append(Diagnostic(
                    .unsupportedAuthorization, config: resource.key,
                    "authorization \(resource.key.namespace)/\(resource.key.name): CUSTOM (ext_authz) is not supported; its rules deny instead"
                ))
            }
            return input
        }
    }

    /// One rule; `when` conditions join every `from` and `to` entry.
    func rule(of rule: Istio_Security_V1beta1_Rule, policyNamespace: String, forTCP: Bool) -> RBACRule {
        var whenPrincipals: [RBACCondition<RBACMatchers.Principal>] = []
        var whenPermissions: [RBACCondition<RBACMatchers.Permission>] = []
        for condition in rule.when {
            if let principal = principalCondition(condition, policyNamespace: policyNamespace, forTCP: forTCP) {
                whenPrincipals += principal
            } else {
                whenPermissions += permissionCondition(condition, forTCP: forTCP)
            }
        }
        var result = RBACRule()
        result.from = rule.from.map { source(of: $0.source, policyNamespace: policyNamespace, forTCP: forTCP) + whenPrincipals }
        if result.from.isEmpty, !whenPrincipals.isEmpty { result.from = [whenPrincipals] }
        result.to = rule.to.map { operation(of: $0.operation, forTCP: forTCP) + whenPermissions }
        if result.to.isEmpty, !whenPermissions.isEmpty { result.to = [whenPermissions] }
        return result
    }

    private static let httpOnTCP = "HTTP attribute on a TCP chain"
    private static let noJWT = "request authentication (JWT) attributes are not enforced by Aeraki"

    func source(of s: Istio_Security_V1beta1_Source, policyNamespace: String, forTCP: Bool) -> [RBACCondition<RBACMatchers.Principal>] {
        typealias M = RBACMatchers
        var out: [RBACCondition<M.Principal>] = []
        out += M.attribute(s.principals, s.notPrincipals, or: M.orIDs, not: M.notID) { M.principals([$0], trustDomains: trustDomains) }
        out += M.attribute(s.requestPrincipals, s.notRequestPrincipals, or: M.orIDs, not: M.notID, unsupported: Self.noJWT) { _ in [] }
        out += M.attribute(s.serviceAccounts, s.notServiceAccounts, or: M.orIDs, not: M.notID) { [M.serviceAccount($0, policyNamespace: policyNamespace)] }
        out += M.attribute(s.trustDomains, s.notTrustDomains, or: M.orIDs, not: M.notID) { [M.trustDomain($0)] }
        out += M.attribute(s.namespaces, s.notNamespaces, or: M.orIDs, not: M.notID) { [M.namespace($0)] }
        out += M.attribute(s.remoteIpBlocks, s.notRemoteIpBlocks, or: M.orIDs, not: M.notID) { [M.remoteIP($0)] }
        out += M.attribute(s.ipBlocks, s.notIpBlocks, or: M.orIDs, not: M.notID) { [M.directRemoteIP($0)] }
        return out
    }

    func operation(of o: Istio_Security_V1beta1_Operation, forTCP: Bool) -> [RBACCondition<RBACMatchers.Permission>] {
        typealias M = RBACMatchers
        let http = forTCP ? Self.httpOnTCP : nil
        var out: [RBACCondition<M.Permission>] = []
        out += M.attribute(o.hosts, o.notHosts, or: M.orRules, not: M.notRule, unsupported: http) { [M.headerRule(":authority", $0, ignoreCase: true)] }
        out += M.attribute(o.methods, o.notMethods, or: M.orRules, not: M.notRule, unsupported: http) { [M.headerRule(":method", $0)] }
        out += M.attribute(o.paths, o.notPaths, or: M.orRules, not: M.notRule, unsupported: http) { [M.path($0)] }
        out += M.attribute(o.ports, o.notPorts, or: M.orRules, not: M.notRule) { UInt32($0).map { [M.destinationPort($0)] } ?? [] }
        return out
    }

    /// A `when` condition on the peer, or nil when it is about the destination.
    private func principalCondition(
        _ c: Istio_Security_V1beta1_Condition, policyNamespace: String, forTCP: Bool
    ) -> [RBACCondition<RBACMatchers.Principal>]? {
        typealias M = RBACMatchers
        let values = c.values
        let notValues = c.notValues
        switch c.key {
        case "source.ip": return M.attribute(values, notValues, or: M.orIDs, not: M.notID) { [M.directRemoteIP($0)] }
        case "remote.ip": return M.attribute(values, notValues, or: M.orIDs, not: M.notID) { [M.remoteIP($0)] }
        case "source.namespace": return M.attribute(values, notValues, or: M.orIDs, not: M.notID) { [M.namespace($0)] }
        case "source.principal": return M.attribute(values, notValues, or: M.orIDs, not: M.notID) { M.principals([$0], trustDomains: trustDomains) }
        case "source.serviceAccount":
            return M.attribute(values, notValues, or: M.orIDs, not: M.notID) { [M.serviceAccount($0, policyNamespace: policyNamespace)] }
        default:
            if c.key.hasPrefix("request.headers[") {
                let name = String(c.key.dropFirst("request.headers[".count).dropLast())
                return M.attribute(values, notValues, or: M.orIDs, not: M.notID, unsupported: forTCP ? Self.httpOnTCP : nil) { value in
                    var principal = M.Principal()
                    principal.header = M.header(name, value)
                    return [principal]
                }
            }
            if c.key.hasPrefix("request.auth.") {
                return M.attribute(values, notValues, or: M.orIDs, not: M.notID, unsupported: Self.noJWT) { _ in [] }
            }
            return nil
        }
    }

    private func permissionCondition(_ c: Istio_Security_V1beta1_Condition, forTCP: Bool) -> [RBACCondition<RBACMatchers.Permission>] {
        typealias M = RBACMatchers
        switch c.key {
        case "destination.ip": return M.attribute(c.values, c.notValues, or: M.orRules, not: M.notRule) { [M.destinationIP($0)] }
        case "destination.port":
            return M.attribute(c.values, c.notValues, or: M.orRules, not: M.notRule) { UInt32($0).map { [M.destinationPort($0)] } ?? [] }
        case "connection.sni": return M.attribute(c.values, c.notValues, or: M.orRules, not: M.notRule) { [M.serverName($0)] }
        default:
            return [.unsupported("condition \(c.key) is not supported")]
        }
    }
}
