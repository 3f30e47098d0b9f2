internal import Foundation
internal import SwiftProtobuf

/// Typed reads of ServiceEntry annotations; a value that does not parse is reported and ignored.
enum AnnotationValues {
    static func bool(_ annotations: [String: String], _ key: String, _ diagnostics: inout [String]) -> Bool? {
        guard let text = annotations[key] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            diagnostics.append("annotation \(key): \"\(text)\" is not true or false; ignored")
            return nil
        }
    }

    static func uint32(_ annotations: [String: String], _ key: String, _ diagnostics: inout [String]) -> UInt32? {
        guard let text = annotations[key] else { return nil }
        guard let value = UInt32(text), value > 0 else {
            diagnostics.append("annotation \(key): \"\(text)\" is not a positive integer; ignored")
            return nil
        }
        return value
    }

    /// A duration written as `<number><unit>` with unit `ms` or `s` (e.g. `100ms`, `1.5s`).
    static func duration(_ annotations: [String: String], _ key: String, _ diagnostics: inout [String]) -> Google_Protobuf_Duration? {
        guard let text = annotations[key] else { return nil }
        let (number, scale): (Substring, Double) =
            text.hasSuffix("ms") ? (text.dropLast(2), 0.001) : text.hasSuffix("s") ? (text.dropLast(1), 1) : ("", 0)
        guard let value = Double(number), value > 0, value.isFinite else {
            diagnostics.append("annotation \(key): \"\(text)\" is not a duration such as 100ms or 2s; ignored")
            return nil
        }
        let seconds = value * scale
        let whole = seconds.rounded(.down)
        return Google_Protobuf_Duration(seconds: Int64(whole), nanos: Int32(((seconds - whole) * 1e9).rounded()))
    }
}
