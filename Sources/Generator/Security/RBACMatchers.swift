internal import EnvoyAPI

/// One condition of an authorization rule: an Envoy matcher, or a field the chain it is built for
/// cannot evaluate (an HTTP attribute on a TCP chain, a Dubbo interface without the Dubbo RBAC
/// filter), with why.
enum RBACCondition<Matcher> {
    case matcher(Matcher)
    case unsupported(String)
}

/// Istio's value → Envoy matcher conversions (`security/authz/matcher`, `model/generator.go`).
enum RBACMatchers {
    typealias Principal = Envoy_Config_Rbac_V3_Principal
    typealias Permission = Envoy_Config_Rbac_V3_Permission
    typealias StringMatcher = Envoy_Type_Matcher_V3_StringMatcher

    // MARK: String values

    /// `*` → regex `.+`; `x*` → prefix; `*x` → suffix; else exact (each after `prefix`).
    static func string(_ value: String, prefix: String = "", ignoreCase: Bool = false) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.ignoreCase = ignoreCase
        if value == "*" {
            matcher.safeRegex.regex = ".+"
        } else if value.hasSuffix("*") {
            matcher.prefix = prefix + value.dropLast()
        } else if value.hasPrefix("*") {
            if prefix.isEmpty { matcher.suffix = String(value.dropFirst()) } else {
                matcher.safeRegex.regex = regexQuote(prefix) + ".*" + regexQuote(String(value.dropFirst()))
            }
        } else {
            matcher.exact = prefix + value
        }
        return matcher
    }

    static func regex(_ pattern: String) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.safeRegex.regex = pattern
        return matcher
    }

    /// `value` with RE2 metacharacters escaped (Go's `regexp.QuoteMeta`).
    static func regexQuote(_ value: String) -> String {
        var out = ""
        for character in value {
            if "\\.+*?()|[]{}^$".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    // MARK: Principals

    static func authenticated(_ matcher: StringMatcher) -> Principal {
        var principal = Principal()
        principal.authenticated.principalName = matcher
        return principal
    }

    /// `source.principals`: SPIFFE ids without the scheme; a trust domain that is the local one, an
    /// alias or `cluster.local` is written once per trust domain of the mesh (trust domain migration).
    static func principals(_ values: [String], trustDomains: [String]) -> [Principal] {
        var result: [Principal] = []
        for value in values {
            for expanded in expand(value, trustDomains: trustDomains) {
                result.append(authenticated(string(expanded, prefix: "spiffe://")))
            }
        }
        return result
    }

    static func expand(_ value: String, trustDomains: [String]) -> [String] {
        guard let slash = value.firstIndex(of: "/"), !value.hasPrefix("*") else { return [value] }
        let domain = String(value[..<slash])
        guard !domain.contains("*"), trustDomains.contains(domain) || domain == "cluster.local" else { return [value] }
        let rest = value[slash...]
        var seen: [String] = []
        for trustDomain in trustDomains where !seen.contains(trustDomain + rest) { seen.append(trustDomain + rest) }
        return seen
    }

    /// `source.namespaces`: the peer's SPIFFE id names the namespace (`.*/ns/<ns>/.*`).
    static func namespace(_ value: String) -> Principal {
        let pattern = value.split(separator: "*", omittingEmptySubsequences: false).map { regexQuote(String($0)) }.joined(separator: ".*")
        return authenticated(regex(".*/ns/\(pattern)/.*"))
    }

    /// `source.serviceAccounts` (`ns/sa`, or `sa` in the policy's namespace).
    static func serviceAccount(_ value: String, policyNamespace: String) -> Principal {
        let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
        let (ns, sa) = parts.count == 2 ? (parts[0], parts[1]) : (policyNamespace, parts[0])
        return authenticated(regex("spiffe://.+/ns/\(regexQuote(ns))/(.+/|)sa/\(regexQuote(sa))(/.+)?"))
    }

    /// `source.trustDomains`: prefix `spiffe://<td>/`; `*` any SPIFFE id, `x*` prefix `spiffe://x`,
    /// `*x` a trust domain ending in x.
    static func trustDomain(_ value: String) -> Principal {
        var matcher = StringMatcher()
        if value.hasPrefix("*"), value != "*" {
            matcher.safeRegex.regex = "spiffe://.*\(regexQuote(String(value.dropFirst())))/.*"
        } else if value.hasSuffix("*") {
            matcher.prefix = "spiffe://" + value.dropLast()
        } else {
            matcher.prefix = "spiffe://\(value)/"
        }
        return authenticated(matcher)
    }

    static func directRemoteIP(_ value: String) -> Principal {
        var principal = Principal()
        principal.directRemoteIp = Proto.cidr(value)
        return principal
    }

    static func remoteIP(_ value: String) -> Principal {
        var principal = Principal()
        principal.remoteIp = Proto.cidr(value)
        return principal
    }

    static func header(_ name: String, _ value: String, ignoreCase: Bool = false) -> Envoy_Config_Route_V3_HeaderMatcher {
        var header = Envoy_Config_Route_V3_HeaderMatcher()
        header.name = name
        header.stringMatch = string(value, ignoreCase: ignoreCase)
        return header
    }

    static func orIDs(_ ids: [Principal]) -> Principal {
        var principal = Principal()
        principal.orIds.ids = ids
        return principal
    }

    static func notID(_ id: Principal) -> Principal {
        var principal = Principal()
        principal.notID = id
        return principal
    }

    static func andIDs(_ ids: [Principal]) -> Principal {
        var principal = Principal()
        principal.andIds.ids = ids.isEmpty ? [anyID] : ids
        return principal
    }

    static var anyID: Principal {
        var principal = Principal()
        principal.any = true
        return principal
    }

    // MARK: Permissions

    static func orRules(_ rules: [Permission]) -> Permission {
        var permission = Permission()
        permission.orRules.rules = rules
        return permission
    }

    static func notRule(_ rule: Permission) -> Permission {
        var permission = Permission()
        permission.notRule = rule
        return permission
    }

    static func andRules(_ rules: [Permission]) -> Permission {
        var permission = Permission()
        permission.andRules.rules = rules.isEmpty ? [anyRule] : rules
        return permission
    }

    static var anyRule: Permission {
        var permission = Permission()
        permission.any = true
        return permission
    }

    static func destinationPort(_ port: UInt32) -> Permission {
        var permission = Permission()
        permission.destinationPort = port
        return permission
    }

    static func headerRule(_ name: String, _ value: String, ignoreCase: Bool = false) -> Permission {
        var permission = Permission()
        permission.header = header(name, value, ignoreCase: ignoreCase)
        return permission
    }

    static func path(_ value: String) -> Permission {
        var permission = Permission()
        permission.urlPath.path = string(value)
        return permission
    }

    static func destinationIP(_ value: String) -> Permission {
        var permission = Permission()
        permission.destinationIp = Proto.cidr(value)
        return permission
    }

    static func serverName(_ value: String) -> Permission {
        var permission = Permission()
        permission.requestedServerName = string(value)
        return permission
    }

    /// A match on a string in a filter's dynamic metadata (`filter`, `path[key]`).
    static func metadata(filter: String, key: String, _ value: String) -> Permission {
        var matcher = Envoy_Type_Matcher_V3_MetadataMatcher()
        matcher.filter = filter
        var segment = Envoy_Type_Matcher_V3_MetadataMatcher.PathSegment()
        segment.key = key
        matcher.path = [segment]
        matcher.value.stringMatch = string(value)
        var permission = Permission()
        permission.metadata = matcher
        return permission
    }

    // MARK: Combining

    /// One attribute's values (OR-ed) and not-values (`not(OR)`), as AND members; `unsupported`
    /// when the attribute is set and `supported` is nil.
    static func attribute<M>(
        _ values: [String], _ notValues: [String], or: ([M]) -> M, not: (M) -> M, unsupported: String? = nil, _ make: (String) -> [M]
    ) -> [RBACCondition<M>] {
        var conditions: [RBACCondition<M>] = []
        if !values.isEmpty {
            conditions.append(unsupported.map { .unsupported($0) } ?? .matcher(or(values.flatMap(make))))
        }
        if !notValues.isEmpty {
            conditions.append(unsupported.map { .unsupported($0) } ?? .matcher(not(or(notValues.flatMap(make)))))
        }
        return conditions
    }
}
