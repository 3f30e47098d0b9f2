internal import Foundation

extension JSONValue {
    /// The tree with every Go-style duration string (`100ms`, `1m30s`, `2h`) rewritten as protobuf
    /// JSON seconds (`0.1s`, `90s`, `7200s`). Plain `Ns` strings are left as they are.
    func convertingGoDurations() -> JSONValue {
        switch self {
        case .string(let text): .string(Self.goDurationSeconds(text).map { Self.format($0) } ?? text)
        case .array(let items): .array(items.map { $0.convertingGoDurations() })
        case .object(let members): .object(members.map { ($0.0, $0.1.convertingGoDurations()) })
        default: self
        }
    }

    /// Seconds of a Go duration string, or nil when `text` is not one (or is already plain seconds).
    static func goDurationSeconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.hasPrefix("-") { sign = -1; rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        var parts = 0
        var onlySeconds = true
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            if unit != "s" { onlySeconds = false }
            total += value * scale
            parts += 1
        }
        if onlySeconds, parts == 1 { return nil }
        return sign * total
    }

    private static func format(_ seconds: Double) -> String {
        var text = String(format: "%.9f", seconds)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "s"
    }
}
