/// Syntax checks shared by the validators, following Istio's `pkg/config/validation` and
/// Kubernetes' name rules.
enum ValidationRules {
    /// A DNS-1123 label: lowercase alphanumerics and `-`, starting and ending alphanumeric, ≤ 63.
    static func isDNS1123Label(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 63 else { return false }
        let bytes = Array(value.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 }
    }

    /// A DNS label that may contain upper case letters (hostnames are case-insensitive).
    static func isDNSLabel(_ value: String) -> Bool { isDNS1123Label(value.lowercased()) }

    /// A fully qualified or short DNS name, optionally with a leading `*.` wildcard (or `*` alone when
    /// `allowBareWildcard`).
    static func isHostname(_ value: String, allowWildcard: Bool = true, allowBareWildcard: Bool = true) -> Bool {
        if value == "*" { return allowWildcard && allowBareWildcard }
        var name = Substring(value)
        if name.hasPrefix("*.") {
            guard allowWildcard else { return false }
            name = name.dropFirst(2)
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    /// Whether `value` is an IPv4 or IPv6 address literal.
    static func isIPAddress(_ value: String) -> Bool { IPAddress.parse(value) != nil }

    /// Whether `value` is an IP address or an IP/prefix CIDR.
    static func isIPOrCIDR(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard let ip = IPAddress.parse(String(parts[0])) else { return false }
        if parts.count == 1 { return true }
        guard parts.count == 2, let prefix = Int(parts[1]), prefix >= 0 else { return false }
        return prefix <= (ip.isV6 ? 128 : 32)
    }

    /// A port number in 1...65535.
    static func isPort(_ value: UInt32) -> Bool { (1...65535).contains(value) }

    /// Validates an `exportTo` list: `.`, `*`, `~` (only when `allowNone`) or namespace names; `*` and
    /// `~` must stand alone; no duplicates.
    static func checkExportTo(_ values: [String], allowNone: Bool, into problems: inout FieldProblems) {
        var seen = Set<String>()
        for (index, value) in values.enumerated() {
            let field = "exportTo[\(index)]"
            if !seen.insert(value).inserted {
                problems.add(field, "duplicate exportTo entry \"\(value)\"")
            }
            switch value {
            case ".", "*": break
            case "~":
                if !allowNone { problems.add(field, "\"~\" is only allowed for services") }
            default:
                if !isDNS1123Label(value) { problems.add(field, "\"\(value)\" is not a valid namespace name") }
            }
        }
        if values.count > 1, values.contains("*") || values.contains("~") {
            problems.add("exportTo", "\"*\" and \"~\" cannot be combined with other entries")
        }
    }

    /// Validates a regular expression (Swift's regex engine, close to RE2 for the patterns used in routes).
    static func isValidRegex(_ pattern: String) -> Bool {
        (try? Regex(pattern)) != nil
    }

    /// Validates label keys and values of a selector.
    static func checkLabels(_ labels: [String: String], field: String, into problems: inout FieldProblems) {
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty || !isLabelKey(key) { problems.add("\(field).\(key)", "\"\(key)\" is not a valid label key") }
            if value.utf8.count > 63 || !value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                problems.add("\(field).\(key)", "\"\(value)\" is not a valid label value")
            }
        }
    }

    private static func isLabelKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, !name.isEmpty, name.utf8.count <= 63 else { return false }
        if parts.count == 2, !isHostname(String(parts[0]), allowWildcard: false) { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}
