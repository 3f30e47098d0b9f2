internal import EnvoyAPI
internal import Mesh
internal import Protocols

/// One authorization rule as Envoy RBAC sees it: an OR of `from` entries (each an AND of principal
/// conditions) and an OR of `to` entries (each an AND of permission conditions).
struct RBACRule {
    var from: [[RBACCondition<RBACMatchers.Principal>]] = []
    var to: [[RBACCondition<RBACMatchers.Permission>]] = []
}

/// One policy resource's contribution to an RBAC bucket.
struct RBACPolicyInput {
    /// The policy; its namespace and name make `ns[NS]-policy[NAME]-rule[` … (the rule index and `]`
    /// are appended), and diagnostics about its rules name it.
    var source: ConfigKey
    /// Appended to each policy name (`-deny-due-to-bad-CUSTOM-action`).
    var nameSuffix: String = ""
    var action: Envoy_Config_Rbac_V3_RBAC.Action
    /// `istio.io/dry-run: "true"`: the rules go to `shadow_rules`.
    var dryRun: Bool
    /// Empty when the policy has no rules: an ALLOW policy then matches nothing (allows nothing),
    /// a DENY or AUDIT policy nothing either.
    var rules: [RBACRule]
}

/// The RBAC configs of one chain: per action (AUDIT = LOG, DENY, ALLOW, in istiod's filter order)
/// the enforced and the shadow (dry-run) rules, built as istiod's authz builder does.
struct RBACPolicySet {
    struct Bucket {
        var action: Envoy_Config_Rbac_V3_RBAC.Action
        var rules: Envoy_Config_Rbac_V3_RBAC?
        var shadowRules: Envoy_Config_Rbac_V3_RBAC?

        /// `istio_dry_run_deny_` for a DENY bucket with shadow rules, else `istio_dry_run_allow_`
        /// (istiod's quirk: a nil shadow config reads as ALLOW).
        var shadowStatPrefix: String {
            shadowRules != nil && action == .deny ? "istio_dry_run_deny_" : "istio_dry_run_allow_"
        }
    }

    var buckets: [Bucket] = []

    /// The buckets of `inputs`. `chain` names the chain kind in diagnostics (`TCP`, `HTTP`, `Dubbo`).
    init(_ inputs: [RBACPolicyInput], chain: String, diagnostics: inout [Diagnostic]) {
        for action in [Envoy_Config_Rbac_V3_RBAC.Action.log, .deny, .allow] {
            let members = inputs.filter { $0.action == action }
            guard !members.isEmpty else { continue }
            var bucket = Bucket(action: action)
            for input in members {
                var policies: [String: Envoy_Config_Rbac_V3_Policy] = [:]
                if input.rules.isEmpty, action == .allow {
                    // "allow nothing": one policy that matches no request.
                    var policy = Envoy_Config_Rbac_V3_Policy()
                    policy.permissions = [RBACMatchers.notRule(RBACMatchers.anyRule)]
                    policy.principals = [RBACMatchers.notID(RBACMatchers.anyID)]
                    policies[Self.name(input, rule: 0)] = policy
                }
                for (index, rule) in input.rules.enumerated() {
                    let name = Self.name(input, rule: index)
                    if let policy = Self.policy(rule, of: input.source, action: action, name: name, chain: chain, diagnostics: &diagnostics) {
                        policies[name] = policy
                    }
                }
                if input.dryRun {
                    if bucket.shadowRules == nil { bucket.shadowRules = Self.empty(action) }
                    bucket.shadowRules!.policies.merge(policies) { first, _ in first }
                } else {
                    if bucket.rules == nil { bucket.rules = Self.empty(action) }
                    bucket.rules!.policies.merge(policies) { first, _ in first }
                }
            }
            buckets.append(bucket)
        }
    }

    /// `ns[NS]-policy[NAME]-rule[N]`, the policy's own namespace and name (not the rule's index:
    /// Aeraki's Dubbo builder had those mixed up).
    static func name(_ input: RBACPolicyInput, rule: Int) -> String {
        "ns[\(input.source.namespace)]-policy[\(input.source.name)]-rule[\(rule)]\(input.nameSuffix)"
    }

    private static func empty(_ action: Envoy_Config_Rbac_V3_RBAC.Action) -> Envoy_Config_Rbac_V3_RBAC {
        var rbac = Envoy_Config_Rbac_V3_RBAC()
        rbac.action = action
        return rbac
    }

    /// A rule as an Envoy policy. A condition the chain cannot evaluate drops the whole rule from an
    /// ALLOW bucket (less is allowed) and only itself from DENY and AUDIT (more is denied), as istiod
    /// handles HTTP attributes on TCP chains — never failing open.
    static func policy(
        _ rule: RBACRule, of source: ConfigKey, action: Envoy_Config_Rbac_V3_RBAC.Action, name: String, chain: String, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Rbac_V3_Policy? {
        let reasons = (rule.from.flatMap { $0 }.compactMap(Self.reason) + rule.to.flatMap { $0 }.compactMap(Self.reason))
        let unique = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !unique.isEmpty {
            let outcome = action == .allow ? "rule skipped (denies more)" : "condition ignored (denies more)"
            diagnostics.append(Diagnostic(
                .unsupportedAuthorization, config: source, "authorization \(name) on \(chain) chains: \(unique.joined(separator: "; ")); \(outcome)"
            ))
            if action == .allow { return nil }
        }
        var policy = Envoy_Config_Rbac_V3_Policy()
        let to = rule.to.isEmpty ? [[]] : rule.to
        let from = rule.from.isEmpty ? [[]] : rule.from
        policy.permissions = to.map { RBACMatchers.andRules($0.compactMap(Self.matcher)) }
        policy.principals = from.map { RBACMatchers.andIDs($0.compactMap(Self.matcher)) }
        return policy
    }

    private static func reason<M>(_ condition: RBACCondition<M>) -> String? {
        if case .unsupported(let reason) = condition { reason } else { nil }
    }

    private static func matcher<M>(_ condition: RBACCondition<M>) -> M? {
        if case .matcher(let matcher) = condition { matcher } else { nil }
    }

    /// Network RBAC filters (`envoy.filters.network.rbac`, stat prefix `statPrefix`), one per bucket.
    func networkFilters(statPrefix: String) throws -> [Envoy_Config_Listener_V3_Filter] {
        try buckets.map { bucket in
            try .typed("envoy.filters.network.rbac", networkConfig(bucket, statPrefix: statPrefix))
        }
    }

    /// One bucket's network RBAC config (also the config of the Dubbo RBAC filter).
    func networkConfig(_ bucket: Bucket, statPrefix: String) -> Envoy_Extensions_Filters_Network_Rbac_V3_RBAC {
        var config = Envoy_Extensions_Filters_Network_Rbac_V3_RBAC()
        if let rules = bucket.rules { config.rules = rules }
        if let shadow = bucket.shadowRules { config.shadowRules = shadow }
        config.statPrefix = statPrefix
        config.shadowRulesStatPrefix = bucket.shadowStatPrefix
        return config
    }

    /// HTTP RBAC filters (`envoy.filters.http.rbac`), one per bucket.
    func httpFilters() throws -> [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] {
        try buckets.map { bucket in
            var config = Envoy_Extensions_Filters_Http_Rbac_V3_RBAC()
            if let rules = bucket.rules { config.rules = rules }
            if let shadow = bucket.shadowRules { config.shadowRules = shadow }
            config.shadowRulesStatPrefix = bucket.shadowStatPrefix
            var filter = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
            filter.name = "envoy.filters.http.rbac"
            filter.typedConfig = try .packing(config, plugin: filter.name)
            return filter
        }
    }
}
