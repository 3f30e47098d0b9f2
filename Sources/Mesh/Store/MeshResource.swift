package import Foundation

/// One mesh resource: its key, spec, Kubernetes metadata, and where it came from.
package struct MeshResource: Sendable, Equatable {
    /// Kind, namespace and name.
    package var key: ConfigKey
    /// The spec.
    package var spec: MeshSpec
    /// `metadata.labels`.
    package var labels: [String: String]
    /// `metadata.annotations`.
    package var annotations: [String: String]
    /// `metadata.creationTimestamp` (orders DestinationRule merging and VirtualService lists).
    package var creationTime: Date?
    /// `metadata.resourceVersion` (MCP `metadata.version`); empty when unknown.
    package var version: String
    /// Where the resource came from (`path/file.yaml#2`, `mcp networking.istio.io/v1/ServiceEntry`).
    package var source: String

    /// A resource from its parts.
    package init(
        key: ConfigKey,
        spec: MeshSpec,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        creationTime: Date? = nil,
        version: String = "",
        source: String = ""
    ) {
        self.key = key
        self.spec = spec
        self.labels = labels
        self.annotations = annotations
        self.creationTime = creationTime
        self.version = version
        self.source = source
    }

    /// Whether two resources have the same content (spec, labels, annotations, creation time),
    /// regardless of version and source: a resync with equal content is not a change.
    package func hasSameContent(as other: MeshResource) -> Bool {
        key == other.key && spec == other.spec && labels == other.labels && annotations == other.annotations
            && creationTime == other.creationTime
    }

    /// Orders resources as Istio does for merging: creation time, then name, then namespace.
    package static func creationOrder(_ a: MeshResource, _ b: MeshResource) -> Bool {
        let ta = a.creationTime ?? .distantPast
        let tb = b.creationTime ?? .distantPast
        if ta != tb { return ta < tb }
        if a.key.name != b.key.name { return a.key.name < b.key.name }
        return a.key.namespace < b.key.namespace
    }
}
