/// The identity of a mesh resource: its kind, namespace and name.
///
/// Cluster-scoped kinds (`ApplicationProtocol`) have an empty namespace.
public struct ConfigKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The resource's kind.
    public var kind: ConfigKind
    /// The namespace; empty for cluster-scoped kinds.
    public var namespace: String
    /// The name.
    public var name: String

    /// A key from its parts.
    public init(kind: ConfigKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Kind namespace/name` (or `Kind name` when cluster-scoped).
    public var description: String {
        namespace.isEmpty ? "\(kind.kind) \(name)" : "\(kind.kind) \(namespace)/\(name)"
    }

    public static func < (lhs: ConfigKey, rhs: ConfigKey) -> Bool {
        (lhs.kind.group, lhs.kind.kind, lhs.namespace, lhs.name) < (rhs.kind.group, rhs.kind.kind, rhs.namespace, rhs.name)
    }
}
