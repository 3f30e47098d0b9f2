internal import Foundation

internal import Yams

extension MeshConfig {
    /// Parses istiod's mesh config YAML (camelCase fields, as in the `istio` ConfigMap's `mesh`
    /// key). Fields that do not shape generated config are ignored; an empty text is the defaults.
    /// - Throws: ``MeshConfigError`` naming the field whose value is invalid.
    package static func parse(yaml: String, source: String) throws(MeshConfigError) -> MeshConfig {
        let root: JSONValue
        do {
            guard let node = try Yams.compose(yaml: yaml, Resolver.default.removing(.timestamp)) else { return MeshConfig() }
            root = try JSONValue(node)
        } catch {
            throw MeshConfigError(source: source, field: "", reason: "invalid YAML: \(error)")
        }
        if case .null = root { return MeshConfig() }
        guard case .object = root else { throw MeshConfigError(source: source, field: "", reason: "mesh config must be a mapping") }
        let reader = Reader(source: source)
        var config = MeshConfig()
        if let value = try reader.string(root, "accessLogFile") { config.accessLogFile = value }
        if let value = try reader.string(root, "accessLogFormat") { config.accessLogFormat = value }
        if let value = try reader.string(root, "accessLogEncoding") {
            guard let encoding = AccessLogEncoding(rawValue: value.uppercased()) else {
                throw reader.error("accessLogEncoding", "\"\(value)\" is not TEXT or JSON")
            }
            config.accessLogEncoding = encoding
        }
        if let value = try reader.bool(root, "enableTracing") { config.enableTracing = value }
        if let value = try reader.bool(root, "enableAutoMtls") { config.enableAutoMtls = value }
        if let value = try reader.number(root["defaultConfig"]?["tracing"], "defaultConfig.tracing.sampling", key: "sampling") {
            guard (0...100).contains(value) else { throw reader.error("defaultConfig.tracing.sampling", "\(value) is not a percentage 0-100") }
            config.tracingSampling = value
        }
        if let value = try reader.string(root["outboundTrafficPolicy"], "outboundTrafficPolicy.mode", key: "mode") {
            guard let mode = OutboundTrafficPolicy(rawValue: value.uppercased()) else {
                throw reader.error("outboundTrafficPolicy.mode", "\"\(value)\" is not ALLOW_ANY or REGISTRY_ONLY")
            }
            config.outboundTrafficPolicy = mode
        }
        if let retry = root["defaultHttpRetryPolicy"] {
            // An absent `attempts` is the proto's 0: retries off, as istiod reads it.
            let attempts = try reader.number(retry, "defaultHttpRetryPolicy.attempts", key: "attempts") ?? 0
            guard attempts >= 0, attempts == attempts.rounded() else {
                throw reader.error("defaultHttpRetryPolicy.attempts", "\(attempts) is not a whole number of attempts")
            }
            config.defaultHTTPRetryPolicy = RetryPolicy(
                attempts: Int(attempts),
                perTryTimeout: try reader.duration(retry, "defaultHttpRetryPolicy.perTryTimeout", key: "perTryTimeout"),
                retryOn: try reader.string(retry, "defaultHttpRetryPolicy.retryOn", key: "retryOn") ?? ""
            )
        }
        if let value = try reader.string(root, "trustDomain"), !value.isEmpty { config.trustDomain = value }
        if let aliases = root["trustDomainAliases"] {
            guard case .array(let items) = aliases else { throw reader.error("trustDomainAliases", "must be a list of strings") }
            config.trustDomainAliases = try items.enumerated().map { index, item throws(MeshConfigError) in
                guard let text = item.string, !text.isEmpty else { throw reader.error("trustDomainAliases[\(index)]", "must be a non-empty string") }
                return text
            }
        }
        if let value = try reader.string(root, "rootNamespace"), !value.isEmpty { config.rootNamespace = value }
        if let value = try reader.duration(root, "connectTimeout") {
            guard value > .zero else { throw reader.error("connectTimeout", "must be positive") }
            config.connectTimeout = value
        }
        if let value = try reader.duration(root, "protocolDetectionTimeout") { config.protocolDetectionTimeout = value }
        return config
    }

    /// Reads typed fields, naming the field in every error.
    private struct Reader {
        let source: String

        func error(_ field: String, _ reason: String) -> MeshConfigError {
            MeshConfigError(source: source, field: field, reason: reason)
        }

        func string(_ object: JSONValue?, _ field: String, key: String? = nil) throws(MeshConfigError) -> String? {
            guard let value = object?[key ?? field] else { return nil }
            switch value {
            case .null: return nil
            case .string(let text): return text
            default: throw error(field, "must be a string")
            }
        }

        func bool(_ object: JSONValue?, _ field: String) throws(MeshConfigError) -> Bool? {
            guard let value = object?[field] else { return nil }
            switch value {
            case .null: return nil
            case .bool(let flag): return flag
            default: throw error(field, "must be true or false")
            }
        }

        func number(_ object: JSONValue?, _ field: String, key: String) throws(MeshConfigError) -> Double? {
            guard let value = object?[key] else { return nil }
            switch value {
            case .null: return nil
            case .int(let number): return Double(number)
            case .double(let number): return number
            case .string(let text) where Double(text) != nil: return Double(text)
            default: throw error(field, "must be a number")
            }
        }

        func duration(_ object: JSONValue?, _ field: String, key: String? = nil) throws(MeshConfigError) -> Duration? {
            guard let text = try string(object, field, key: key) else { return nil }
            guard let duration = MeshConfig.parseDuration(text) else {
                throw error(field, "\"\(text)\" is not a duration (10s, 1.5s, 100ms, 1m30s)")
            }
            return duration
        }
    }

    /// A protobuf (`1.5s`) or Go (`100ms`, `1m30s`, `1h`) duration.
    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first: "ms" before "m" and "s".
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
