/// A problem found in a mesh resource: which resource, which field, and why.
///
/// `description` prints everything on one line:
/// `dir/se.yaml#2: ServiceEntry default/foo: spec.ports[0].number: port 0 is out of range 1-65535`.
package struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the resource came from (file and document, or the MCP type URL); empty when unknown.
    package var source: String
    /// The resource's kind, namespace and name; nil when the document could not be identified.
    package var key: ConfigKey?
    /// The field path, `spec.ports[0].number`; empty for the whole resource.
    package var field: String
    /// Why the field is invalid.
    package var reason: String

    /// A problem from its parts.
    package init(source: String = "", key: ConfigKey? = nil, field: String, reason: String) {
        self.source = source
        self.key = key
        self.field = field
        self.reason = reason
    }

    package var description: String {
        var parts: [String] = []
        if !source.isEmpty { parts.append(source) }
        if let key { parts.append(key.description) }
        if !field.isEmpty { parts.append(field) }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}

/// Several validation errors, printed one per line.
package struct ValidationErrors: Error, Sendable, CustomStringConvertible {
    /// The errors, in the order found.
    package var errors: [ValidationError]

    /// Wraps `errors`.
    package init(_ errors: [ValidationError]) { self.errors = errors }

    package var description: String { errors.map(\.description).joined(separator: "\n") }
}
