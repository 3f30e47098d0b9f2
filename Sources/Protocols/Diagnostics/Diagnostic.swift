package import Mesh

/// One thing generation could not honour (a route skipped because its destination does not exist,
/// a filter left out for a proxy without the capability): what kind of thing, the config that caused
/// it, and a sentence naming both.
package struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What kind of thing it is.
    package var code: DiagnosticCode
    /// The Istio or Aeraki config that caused it; nil when no single config did.
    package var config: ConfigKey?
    /// What could not be honoured, for people.
    package var message: String

    /// A diagnostic from its parts.
    package init(_ code: DiagnosticCode, config: ConfigKey?, _ message: String) {
        self.code = code
        self.config = config
        self.message = message
    }

    /// The same diagnostic, its message prefixed with `context` (the listener or chain it concerns).
    package func within(_ context: String) -> Diagnostic {
        Diagnostic(code, config: config, "\(context): \(message)")
    }

    /// `code: message`.
    package var description: String { "\(code.rawValue): \(message)" }

    /// By message, then code, then config (none first).
    package static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.message != rhs.message { return lhs.message < rhs.message }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        switch (lhs.config, rhs.config) {
        case (nil, .some): return true
        case (.some(let left), .some(let right)): return left < right
        default: return false
        }
    }
}
