package import Foundation

/// The `spec` of a `coordination.k8s.io/v1` Lease as leader election reads and writes it, with the
/// object's resource version (the update's precondition).
package struct LeaseRecord: Sendable, Equatable {
    /// `holderIdentity`; empty when nobody holds it.
    package var holder: String
    /// `leaseDurationSeconds`.
    package var durationSeconds: Int
    /// `acquireTime`.
    package var acquireTime: Date?
    /// `renewTime`.
    package var renewTime: Date?
    /// `leaseTransitions`.
    package var transitions: Int
    /// `metadata.resourceVersion`; empty for a lease not yet created.
    package var resourceVersion: String = ""

    /// A record from its parts.
    package init(holder: String, durationSeconds: Int, acquireTime: Date?, renewTime: Date?, transitions: Int, resourceVersion: String = "") {
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

    /// A `MicroTime`: RFC 3339 with exactly six fractional digits, UTC (the API server parses the
    /// layout `2006-01-02T15:04:05.000000Z07:00`).
    static func formatTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let whole = calendar.date(from: parts) ?? date
        let micros = min(999_999, max(0, Int((date.timeIntervalSince(whole) * 1_000_000).rounded(.down))))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0, micros
        )
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
