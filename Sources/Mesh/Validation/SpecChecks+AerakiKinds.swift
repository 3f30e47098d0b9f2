internal import MeshAPI

extension SpecChecks {
    /// ApplicationProtocol: both fields required (Aeraki's webhook); the protocol is the token after
    /// `tcp-metaprotocol-` in port names, so it must be a single lowercase token.
    static func applicationProtocol(_ ap: Metaprotocol_Aeraki_Io_V1alpha1_ApplicationProtocol, _ p: inout FieldProblems) {
        if ap.protocol.isEmpty {
            p.add("protocol", "protocol is required")
        } else if ap.protocol.contains("-") || !ValidationRules.isDNS1123Label(ap.protocol) {
            p.add("protocol", "\"\(ap.protocol)\" must be one lowercase token without \"-\" (it is the third token of port names)")
        }
        if ap.codec.isEmpty { p.add("codec", "codec is required") }
    }

    static func redisService(_ rs: Redis_Aeraki_Io_V1alpha1_RedisService, _ p: inout FieldProblems) {
        if rs.host.isEmpty { p.add("host", "at least one host is required") }
        for (i, host) in rs.host.enumerated() where !ValidationRules.isHostname(host, allowWildcard: false) {
            p.add("host[\(i)]", "\"\(host)\" is not a valid host name")
        }
        if rs.hasSettings, rs.settings.hasAuth { p.within("settings.auth") { redisAuth(rs.settings.auth, &$0) } }
        var defaultRoutes = 0
        var prefixes = Set<String>()
        p.each("redis", rs.redis) { p, _, route in
            if !route.hasMatch {
                defaultRoutes += 1
                if defaultRoutes > 1 { p.add("match", "only one route may omit match (the default route)") }
            } else if case .key(let key)? = route.match.match, key.prefix.isEmpty {
                p.add("match.key.prefix", "prefix is required")
            } else if case .key(let key)? = route.match.match {
                // Envoy rejects a redis_proxy whose prefix routes repeat a prefix.
                let prefix = rs.settings.caseInsensitive ? key.prefix.lowercased() : key.prefix
                if !prefixes.insert(prefix).inserted { p.add("match.key.prefix", "prefix \"\(key.prefix)\" is used by an earlier route") }
            }
            if !route.hasRoute || route.route.host.isEmpty { p.add("route.host", "route host is required") }
            if route.hasRoute, route.route.port != 0, !ValidationRules.isPort(route.route.port) {
                p.add("route.port", "port \(route.route.port) is out of range 1-65535")
            }
            p.each("mirror", route.mirror) { p, _, mirror in
                if !mirror.hasRoute || mirror.route.host.isEmpty { p.add("route.host", "mirror host is required") }
                if mirror.hasPercentage, !(0...100).contains(mirror.percentage.value) {
                    p.add("percentage.value", "must be in 0-100")
                }
            }
        }
        p.each("faults", rs.faults) { p, _, fault in
            if fault.hasPercentage, !(0...100).contains(fault.percentage.value) { p.add("percentage.value", "must be in 0-100") }
            if fault.type == .delay, !fault.hasDelay { p.add("delay", "a DELAY fault needs delay") }
        }
    }

    static func redisDestination(_ rd: Redis_Aeraki_Io_V1alpha1_RedisDestination, _ p: inout FieldProblems) {
        if rd.host.isEmpty {
            p.add("host", "host is required")
        } else if !ValidationRules.isHostname(rd.host, allowWildcard: false) {
            p.add("host", "\"\(rd.host)\" is not a valid host name")
        }
        let pool = rd.trafficPolicy.connectionPool
        if pool.hasTcp, pool.tcp.maxConnections < 0 { p.add("trafficPolicy.connectionPool.tcp.maxConnections", "must not be negative") }
        if pool.hasRedis {
            if pool.redis.hasAuth { p.within("trafficPolicy.connectionPool.redis.auth") { redisAuth(pool.redis.auth, &$0) } }
            if pool.redis.mode == .proxy, !pool.redis.discoveryEndpoints.isEmpty {
                p.add("trafficPolicy.connectionPool.redis.discoveryEndpoints", "discoveryEndpoints only apply to CLUSTER mode")
            }
            for (i, endpoint) in pool.redis.discoveryEndpoints.enumerated() where !Self.isHostPort(endpoint) {
                p.add("trafficPolicy.connectionPool.redis.discoveryEndpoints[\(i)]", "\"\(endpoint)\" must be host or host:port with a port in 1-65535")
            }
        }
    }

    /// `host`, `host:port` or `[ipv6]:port`.
    static func isHostPort(_ text: String) -> Bool {
        var host = Substring(text)
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return false }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return false }
                port = rest.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        if host.isEmpty || host.contains(" ") { return false }
        if let port { return UInt32(port).map { (1...65535).contains($0) } ?? false }
        return true
    }

    private static func redisAuth(_ auth: Redis_Aeraki_Io_V1alpha1_Auth, _ p: inout FieldProblems) {
        switch auth.auth {
        case .secret(let secret)?: if secret.name.isEmpty { p.add("secret.name", "secret name is required") }
        case .plain(let plain)?: if plain.password.isEmpty { p.add("plain.password", "password is required") }
        case nil: p.add(nil, "set secret or plain")
        }
    }

    /// DubboAuthorizationPolicy string patterns: exact, `prefix*`, `*suffix` or `*`.
    static func dubboAuthorizationPolicy(_ policy: Dubbo_Aeraki_Io_V1alpha1_DubboAuthorizationPolicy, _ p: inout FieldProblems) {
        p.each("rules", policy.rules) { p, _, rule in
            p.each("from", rule.from) { p, _, from in
                let s = from.source
                patterns(["principals": s.principals, "notPrincipals": s.notPrincipals, "namespaces": s.namespaces,
                          "notNamespaces": s.notNamespaces], prefix: "source", &p)
            }
            p.each("to", rule.to) { p, _, to in
                let o = to.operation
                patterns(["interfaces": o.interfaces, "notInterfaces": o.notInterfaces, "methods": o.methods,
                          "notMethods": o.notMethods], prefix: "operation", &p)
            }
        }
    }

    private static func patterns(_ lists: [String: [String]], prefix: String, _ p: inout FieldProblems) {
        for (field, values) in lists.sorted(by: { $0.key < $1.key }) {
            for (i, value) in values.enumerated() {
                if !isPattern(value) { p.add("\(prefix).\(field)[\(i)]", "\"\(value)\" must be exact, prefix*, *suffix or *") }
            }
        }
    }
}
