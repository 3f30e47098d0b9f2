package import Mesh
internal import Foundation
internal import SwiftProtobuf

/// A ServiceEntry's annotations with typed reads; a value that does not parse is reported as an
/// `invalid_annotation` of the ServiceEntry and ignored.
package struct AnnotationValues: Sendable {
    /// The annotations.
    package var values: [String: String]
    /// The ServiceEntry carrying them.
    package var source: ConfigKey

    /// The annotations `values` of the ServiceEntry `source`.
    package init(_ values: [String: String], of source: ConfigKey) {
        self.values = values
        self.source = source
    }

    /// The raw value of `key`.
    package subscript(key: String) -> String? { values[key] }

    func bool(_ key: String, _ diagnostics: inout [Diagnostic]) -> Bool? {
        guard let text = values[key] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            diagnostics.append(invalid(key, "\"\(text)\" is not true or false; ignored"))
            return nil
        }
    }

    func uint32(_ key: String, _ diagnostics: inout [Diagnostic]) -> UInt32? {
        guard let text = values[key] else { return nil }
        guard let value = UInt32(text), value > 0 else {
            diagnostics.append(invalid(key, "\"\(text)\" is not a positive integer; ignored"))
            return nil
        }
        return value
    }

    /// A duration written as `<number><unit>` with unit `ms` or `s` (e.g. `100ms`, `1.5s`).
    func duration(_ key: String, _ diagnostics: inout [Diagnostic]) -> Google_Protobuf_Duration? {
        guard let text = values[key] else { return nil }
        let (number, scale): (Substring, Double) =
            text.hasSuffix("ms") ? (text.dropLast(2), 0.001) : text.hasSuffix("s") ? (text.dropLast(1), 1) : ("", 0)
        guard let value = Double(number), value > 0, value.isFinite else {
            diagnostics.append(invalid(key, "\"\(text)\" is not a duration such as 100ms or 2s; ignored"))
            return nil
        }
        let seconds = value * scale
        let whole = seconds.rounded(.down)
        return Google_Protobuf_Duration(seconds: Int64(whole), nanos: Int32(((seconds - whole) * 1e9).rounded()))
    }

    private func invalid(_ key: String, _ reason: String) -> Diagnostic {
        Diagnostic(.invalidAnnotation, config: source, "annotation \(key): \(reason)")
    }
}
