/// A tiny JSON value writer with stable key order, so admin output is deterministic and needs no
/// Foundation on the request path.
package indirect enum JSONText: Sendable, Equatable {
    /// A string.
    case string(String)
    /// A number, written as given.
    case number(Double)
    /// An integer.
    case int(Int)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array.
    case array([JSONText])
    /// An object; keys are written in this order.
    case orderedObject([(String, JSONText)])
    /// Already-encoded JSON, embedded as is.
    case raw(String)

    /// An object whose keys are written sorted.
    package static func object(_ fields: [String: JSONText]) -> JSONText {
        .orderedObject(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The encoding, pretty-printed with two-space indents.
    package var text: String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// The encoding as UTF-8 bytes.
    package var bytes: [UInt8] { Array(text.utf8) }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .number(let d): out.append(d.isFinite ? "\(d)" : "null")
        case .int(let i): out.append("\(i)")
        case .bool(let b): out.append(b ? "true" : "false")
        case .null: out.append("null")
        case .raw(let r): out.append(r)
        case .array(let items):
            guard !items.isEmpty else { return out.append("[]") }
            out.append("[\n")
            for (i, item) in items.enumerated() {
                out.append(String(repeating: "  ", count: indent + 1))
                item.write(into: &out, indent: indent + 1)
                out.append(i == items.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: "  ", count: indent) + "]")
        case .orderedObject(let fields):
            guard !fields.isEmpty else { return out.append("{}") }
            out.append("{\n")
            for (i, (key, value)) in fields.enumerated() {
                out.append(String(repeating: "  ", count: indent + 1))
                Self.writeString(key, into: &out)
                out.append(": ")
                value.write(into: &out, indent: indent + 1)
                out.append(i == fields.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: "  ", count: indent) + "}")
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    package static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.text == rhs.text }
}
