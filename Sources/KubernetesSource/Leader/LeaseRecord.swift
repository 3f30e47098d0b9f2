internal import Foundation

/// The `spec` of a `coordination.k8s.io/v1` Lease as leader election reads and writes it, with the
/// object's resource version (the update's precondition).
public struct LeaseRecord: Sendable, Equatable {
    /// `holderIdentity`; empty when nobody holds it.
    public var holder: String
    /// `leaseDurationSeconds`.
    public var durationSeconds: Int
    /// `acquireTime`.
    public var acquireTime: Date?
    /// `renewTime`.
    public var renewTime: Date?
    /// `leaseTransitions`.
    public var transitions: Int
    /// `metadata.resourceVersion`; empty for a lease not yet created.
    public var resourceVersion: String = ""

    /// A record from its parts.
    public init(holder: String, durationSeconds: Int, acquireTime: Date?, renewTime: Date?, transitions: Int, resourceVersion: String = "") {
        self.holder = holder
        self.durationSeconds = durationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.transitions = transitions
        self.resourceVersion = resourceVersion
    }

    /// Whether two records say the same (the resource version aside): a renewal changes `renewTime`.
    func sameContent(as other: LeaseRecord) -> Bool {
        var a = self
        var b = other
        a.resourceVersion = ""
        b.resourceVersion = ""
        return a == b
    }

    /// Reads a Lease object.
    init(object: [String: Any]) {
        let spec = object["spec"] as? [String: Any] ?? [:]
        holder = spec["holderIdentity"] as? String ?? ""
        durationSeconds = (spec["leaseDurationSeconds"] as? NSNumber)?.intValue ?? 0
        acquireTime = (spec["acquireTime"] as? String).flatMap(Self.parseTime)
        renewTime = (spec["renewTime"] as? String).flatMap(Self.parseTime)
        transitions = (spec["leaseTransitions"] as? NSNumber)?.intValue ?? 0
        resourceVersion = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? ""
    }

    /// The Lease object `name` in `namespace` with this record (and its resource version, when known).
    func object(namespace: String, name: String) -> [String: Any] {
        var metadata: [String: Any] = ["name": name, "namespace": namespace]
        if !resourceVersion.isEmpty { metadata["resourceVersion"] = resourceVersion }
        var spec: [String: Any] = ["holderIdentity": holder, "leaseDurationSeconds": durationSeconds, "leaseTransitions": transitions]
        if let acquireTime { spec["acquireTime"] = Self.formatTime(acquireTime) }
        if let renewTime { spec["renewTime"] = Self.formatTime(renewTime) }
        return ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata, "spec": spec]
    }

    /// A `MicroTime`: RFC 3339 with microseconds, UTC.
    static func formatTime(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon))
    }

    static func parseTime(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)))
            ?? (try? Date(text, strategy: .iso8601))
    }
}
