internal import MeshAPI

/// `security.istio.io` checks, after istiod's `ValidatePeerAuthentication`,
/// `ValidateAuthorizationPolicy` and `ValidateRequestAuthentication`.
extension SpecChecks {
    /// Known mode, valid selector, port-level modes only with a selector and on valid ports.
    static func peerAuthentication(_ pa: Istio_Security_V1beta1_PeerAuthentication, _ p: inout FieldProblems) {
        if pa.hasSelector { ValidationRules.checkLabels(pa.selector.matchLabels, field: "selector.matchLabels", into: &p) }
        if pa.hasMtls { checkMode(pa.mtls.mode, field: "mtls.mode", &p) }
        if !pa.portLevelMtls.isEmpty, !pa.hasSelector || pa.selector.matchLabels.isEmpty {
            p.add("portLevelMtls", "port-level mTLS requires a workload selector")
        }
        for (port, mtls) in pa.portLevelMtls.sorted(by: { $0.key < $1.key }) {
            if !ValidationRules.isPort(port) { p.add("portLevelMtls[\(port)]", "port \(port) is out of range 1-65535") }
            checkMode(mtls.mode, field: "portLevelMtls[\(port)].mode", &p)
        }
    }

    private static func checkMode(_ mode: Istio_Security_V1beta1_PeerAuthentication.MutualTLS.Mode, field: String, _ p: inout FieldProblems) {
        if case .UNRECOGNIZED(let value) = mode {
            p.add(field, "unknown mTLS mode \(value) (UNSET, DISABLE, PERMISSIVE or STRICT)")
        }
    }

    /// The `when` keys istiod accepts (`security/authz/model` `validateRequest`), besides the
    /// `request.headers[...]`, `request.auth.claims[...]` and `experimental.envoy.filters.*` families.
    static let authorizationConditionKeys: Set<String> = [
        "source.ip", "remote.ip", "source.namespace", "source.principal", "source.serviceAccount", "request.auth.principal",
        "request.auth.audiences", "request.auth.presenter", "destination.ip", "destination.port", "connection.sni",
    ]

    /// Action/provider pairing, selector or target reference, and every source, operation and
    /// condition value well-formed (principals, namespaces, IP blocks, ports).
    static func authorizationPolicy(_ ap: Istio_Security_V1beta1_AuthorizationPolicy, _ p: inout FieldProblems) {
        if case .UNRECOGNIZED(let value) = ap.action { p.add("action", "unknown action \(value) (ALLOW, DENY, AUDIT or CUSTOM)") }
        if ap.action == .custom, ap.provider.name.isEmpty { p.add("provider.name", "a CUSTOM policy needs an extension provider") }
        if ap.action != .custom, case .provider? = ap.actionDetail { p.add("provider", "provider is only allowed with action CUSTOM") }
        if ap.hasSelector {
            ValidationRules.checkLabels(ap.selector.matchLabels, field: "selector.matchLabels", into: &p)
            if ap.hasTargetRef || !ap.targetRefs.isEmpty { p.add("selector", "selector and targetRef(s) cannot be used together") }
        }
        if ap.action == .audit || ap.action == .custom, ap.rules.isEmpty {
            p.add("rules", "a \(ap.action == .audit ? "AUDIT" : "CUSTOM") policy needs at least one rule")
        }
        p.each("rules", ap.rules) { p, _, rule in
            p.each("from", rule.from) { p, _, from in
                guard from.hasSource, from.source != Istio_Security_V1beta1_Source() else {
                    p.add("source", "from.source must set at least one field")
                    return
                }
                p.within("source") { checkSource(from.source, &$0) }
            }
            p.each("to", rule.to) { p, _, to in
                guard to.hasOperation, to.operation != Istio_Security_V1beta1_Operation() else {
                    p.add("operation", "to.operation must set at least one field")
                    return
                }
                p.within("operation") { checkOperation(to.operation, &$0) }
            }
            p.each("when", rule.when) { p, _, condition in checkCondition(condition, &p) }
        }
    }

    private static func checkSource(_ s: Istio_Security_V1beta1_Source, _ p: inout FieldProblems) {
        for (field, values) in [("principals", s.principals), ("notPrincipals", s.notPrincipals), ("requestPrincipals", s.requestPrincipals),
                                ("notRequestPrincipals", s.notRequestPrincipals)] {
            for (i, value) in values.enumerated() where !isPattern(value) || value.hasPrefix("spiffe://") {
                p.add("\(field)[\(i)]", "malformed principal \"\(value)\": one `*` at most, at the start or end, without the spiffe:// prefix")
            }
        }
        for (field, values) in [("namespaces", s.namespaces), ("notNamespaces", s.notNamespaces)] {
            for (i, value) in values.enumerated() where !isPattern(value) || !isNamespacePattern(value) {
                p.add("\(field)[\(i)]", "malformed namespace \"\(value)\"")
            }
        }
        for (field, values) in [("serviceAccounts", s.serviceAccounts), ("notServiceAccounts", s.notServiceAccounts)] {
            for (i, value) in values.enumerated() {
                let parts = value.split(separator: "/", omittingEmptySubsequences: false)
                if value.contains("*") || parts.count > 2 || parts.contains(where: \.isEmpty) {
                    p.add("\(field)[\(i)]", "malformed service account \"\(value)\" (SA or NAMESPACE/SA, no wildcards)")
                }
            }
        }
        for (field, values) in [("trustDomains", s.trustDomains), ("notTrustDomains", s.notTrustDomains)] {
            for (i, value) in values.enumerated() where !isPattern(value) {
                p.add("\(field)[\(i)]", "malformed trust domain \"\(value)\"")
            }
        }
        for (field, values) in [("ipBlocks", s.ipBlocks), ("notIpBlocks", s.notIpBlocks), ("remoteIpBlocks", s.remoteIpBlocks),
                                ("notRemoteIpBlocks", s.notRemoteIpBlocks)] {
            for (i, value) in values.enumerated() where !ValidationRules.isIPOrCIDR(value) {
                p.add("\(field)[\(i)]", "malformed IP block \"\(value)\" (an IP address or CIDR)")
            }
        }
    }

    private static func checkOperation(_ o: Istio_Security_V1beta1_Operation, _ p: inout FieldProblems) {
        for (field, values) in [("ports", o.ports), ("notPorts", o.notPorts)] {
            for (i, value) in values.enumerated() where !(UInt32(value).map(ValidationRules.isPort) ?? false) {
                p.add("\(field)[\(i)]", "malformed port \"\(value)\" (1-65535)")
            }
        }
        for (field, values) in [("hosts", o.hosts), ("notHosts", o.notHosts), ("methods", o.methods), ("notMethods", o.notMethods)] {
            for (i, value) in values.enumerated() where !isPattern(value) {
                p.add("\(field)[\(i)]", "malformed value \"\(value)\": one `*` at most, at the start or end")
            }
        }
        for (field, values) in [("paths", o.paths), ("notPaths", o.notPaths)] {
            for (i, value) in values.enumerated() where value.isEmpty || !(value.hasPrefix("/") || value.hasPrefix("*")) {
                p.add("\(field)[\(i)]", "malformed path \"\(value)\" (must start with / or *)")
            }
        }
    }

    private static func checkCondition(_ c: Istio_Security_V1beta1_Condition, _ p: inout FieldProblems) {
        let key = c.key
        let family = key.hasPrefix("request.headers[") || key.hasPrefix("request.auth.claims[") || key.hasPrefix("experimental.envoy.filters.")
        if key.isEmpty {
            p.add("key", "a condition needs a key")
        } else if !family && !authorizationConditionKeys.contains(key) {
            p.add("key", "unknown condition key \"\(key)\"")
        } else if family, !key.hasSuffix("]") {
            p.add("key", "malformed condition key \"\(key)\"")
        }
        if c.values.isEmpty && c.notValues.isEmpty { p.add(nil, "a condition needs values or notValues") }
        if ["source.ip", "remote.ip", "destination.ip"].contains(key) {
            for (i, value) in (c.values + c.notValues).enumerated() where !ValidationRules.isIPOrCIDR(value) {
                p.add("values[\(i)]", "malformed IP block \"\(value)\" (an IP address or CIDR)")
            }
        }
        if key == "destination.port" {
            for (i, value) in (c.values + c.notValues).enumerated() where !(UInt32(value).map(ValidationRules.isPort) ?? false) {
                p.add("values[\(i)]", "malformed port \"\(value)\" (1-65535)")
            }
        }
    }

    /// Every JWT rule has an issuer; keys come from `jwks` or an `https://`/`http://` `jwksUri`, not both.
    static func requestAuthentication(_ ra: Istio_Security_V1beta1_RequestAuthentication, _ p: inout FieldProblems) {
        if ra.hasSelector { ValidationRules.checkLabels(ra.selector.matchLabels, field: "selector.matchLabels", into: &p) }
        p.each("jwtRules", ra.jwtRules) { p, _, rule in
            if rule.issuer.isEmpty { p.add("issuer", "issuer is required") }
            if !rule.jwksUri.isEmpty, !(rule.jwksUri.hasPrefix("https://") || rule.jwksUri.hasPrefix("http://")) {
                p.add("jwksUri", "\"\(rule.jwksUri)\" is not an http(s) URL")
            }
            if !rule.jwksUri.isEmpty, !rule.jwks.isEmpty { p.add("jwks", "set jwks or jwksUri, not both") }
            p.each("fromHeaders", rule.fromHeaders) { p, _, header in
                if header.name.isEmpty { p.add("name", "header name is required") }
            }
        }
    }

    /// An exact value, `prefix*`, `*suffix` or `*` (Istio's string match forms).
    static func isPattern(_ value: String) -> Bool {
        let stars = value.filter { $0 == "*" }.count
        return !value.isEmpty && !value.contains(" ") && (stars == 0 || value == "*" || (stars == 1 && (value.hasPrefix("*") || value.hasSuffix("*"))))
    }

    private static func isNamespacePattern(_ value: String) -> Bool {
        let bare = value.filter { $0 != "*" }
        return bare.isEmpty || bare.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
    }
}
