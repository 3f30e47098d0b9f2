package import Yams

/// Converts a YAML node to a JSON-compatible tree (`[String: Any]`, `[Any]`, `String`, `Int`,
/// `Double`, `Bool`, `NSNull`-free: nulls become `JSONValue.null`).
package indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    /// The integer a scalar tagged `int` holds, or nil. Yams' `Int.construct` multiplies a YAML 1.1
    /// sexagesimal value (`1:30`) without overflow checks and traps past Int's range (found by
    /// fuzzing), so those are read here with checked arithmetic.
    static func integer(_ scalar: Node.Scalar) -> Int? {
        let text = scalar.string.filter { $0 != "_" }
        guard text.contains(":") else { return Int.construct(from: scalar) }
        let negative = text.hasPrefix("-")
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard let number = Int(part), number >= 0 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            let (sum, carry) = shifted.addingReportingOverflow(number)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// Builds the tree from a composed YAML node (timestamps stay strings).
    package init(_ node: Node) throws {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(scalar.string)
            case .int: self = Self.integer(scalar).map(JSONValue.int) ?? .string(scalar.string)
            case .float:
                if let value = Double.construct(from: scalar), value.isFinite { self = .double(value) } else { self = .string(scalar.string) }
            default: self = .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping {
                members.append((key.string ?? "\(key)", try JSONValue(value)))
            }
            self = .object(members)
        case .sequence(let sequence):
            self = .array(try sequence.map(JSONValue.init))
        case .alias:
            throw YAMLSourceError(message: "YAML aliases are not supported")
        }
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Compact JSON text.
    package func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += "\(value)"
        case .string(let value): Self.quote(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// The path of the first member named `key` (`ports[0].nmae`), searching depth first.
    func path(ofKey key: String, prefix: String) -> String? {
        switch self {
        case .object(let members):
            for (name, value) in members {
                if name == key { return prefix + "." + name }
                if let found = value.path(ofKey: key, prefix: prefix + "." + name) { return found }
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.path(ofKey: key, prefix: prefix + "[\(index)]") { return found }
            }
        default: break
        }
        return nil
    }
}

/// A YAML problem that is not about one resource.
struct YAMLSourceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
