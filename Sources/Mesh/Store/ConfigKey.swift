/// The identity of a mesh resource: its kind, namespace and name.
///
/// Cluster-scoped kinds (`ApplicationProtocol`) have an empty namespace.
package struct ConfigKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The resource's kind.
    package var kind: ConfigKind
    /// The namespace; empty for cluster-scoped kinds.
    package var namespace: String
    /// The name.
    package var name: String

    /// A key from its parts.
    package init(kind: ConfigKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Kind namespace/name` (or `Kind name` when cluster-scoped).
    package var description: String {
        namespace.isEmpty ? "\(kind.kind) \(name)" : "\(kind.kind) \(namespace)/\(name)"
    }

    package static func < (lhs: ConfigKey, rhs: ConfigKey) -> Bool {
        (lhs.kind.group, lhs.kind.kind, lhs.namespace, lhs.name) < (rhs.kind.group, rhs.kind.kind, rhs.namespace, rhs.name)
    }
}
