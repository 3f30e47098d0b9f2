internal import Foundation
package import Mesh

/// One object as the API server sent it: identity, versions, Aeraki's status condition, and the
/// object's JSON text (decoded into a ``MeshResource`` by the same parser as YAML files).
package struct KubernetesObject: Sendable, Equatable {
    /// `metadata.namespace` (empty for cluster-scoped objects).
    package var namespace: String
    /// `metadata.name`.
    package var name: String
    /// `metadata.resourceVersion`.
    package var resourceVersion: String
    /// `metadata.generation` (0 when absent).
    package var generation: Int64
    /// The `Reconciled` condition in `status.conditions`, if any.
    package var reconciled: StatusCondition?
    /// The whole object as JSON.
    package var json: String

    /// An object from its parts.
    package init(namespace: String, name: String, resourceVersion: String, generation: Int64 = 0, reconciled: StatusCondition? = nil, json: String) {
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.reconciled = reconciled
        self.json = json
    }

    /// Reads an object from its decoded JSON dictionary.
    init(_ object: [String: Any]) throws(KubernetesAPIError) {
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        guard let name = metadata["name"] as? String else { throw .decoding(path: "", reason: "an object has no metadata.name") }
        namespace = metadata["namespace"] as? String ?? ""
        self.name = name
        resourceVersion = metadata["resourceVersion"] as? String ?? ""
        generation = (metadata["generation"] as? NSNumber)?.int64Value ?? 0
        let conditions = (object["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
        reconciled = conditions.first { $0["type"] as? String == StatusCondition.type }.map { condition in
            StatusCondition(
                status: condition["status"] as? String == "True", reason: condition["reason"] as? String ?? "",
                message: condition["message"] as? String ?? "",
                observedGeneration: (condition["observedGeneration"] as? NSNumber)?.int64Value ?? 0
            )
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw .decoding(path: "", reason: "object \(name) cannot be re-encoded")
        }
        json = String(decoding: data, as: UTF8.self)
    }

    /// The mesh key of this object when it is of `kind`.
    package func key(_ kind: ConfigKind) -> ConfigKey {
        ConfigKey(kind: kind, namespace: kind.isNamespaced ? namespace : "", name: name)
    }
}

/// Aeraki's `Reconciled` condition on a resource's status: whether the resource was accepted,
/// and the validation message when it was not.
package struct StatusCondition: Sendable, Equatable {
    /// The condition type Aeraki writes.
    package static let type = "Reconciled"

    /// True when the resource is valid and in effect.
    package var status: Bool
    /// `Accepted` or `Rejected`.
    package var reason: String
    /// Why the resource was rejected (every validation problem, one per line); empty when accepted.
    package var message: String
    /// The `metadata.generation` the condition describes.
    package var observedGeneration: Int64

    /// A condition from its parts.
    package init(status: Bool, reason: String, message: String, observedGeneration: Int64) {
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
    }

    /// Accepted at `generation`.
    package static func accepted(generation: Int64) -> StatusCondition {
        StatusCondition(status: true, reason: "Accepted", message: "", observedGeneration: generation)
    }

    /// Rejected at `generation`, with `errors` as the message.
    package static func rejected(_ errors: [ValidationError], generation: Int64) -> StatusCondition {
        let lines = errors.map { error in [error.field, error.reason].filter { !$0.isEmpty }.joined(separator: ": ") }
        return StatusCondition(status: false, reason: "Rejected", message: lines.joined(separator: "\n"), observedGeneration: generation)
    }

    /// The merge patch of the `status` subresource that sets this condition, transition time `now`.
    func statusPatch(now: Date) -> [UInt8] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let condition: [String: Any] = [
            "type": Self.type, "status": status ? "True" : "False", "reason": reason, "message": message,
            "observedGeneration": observedGeneration, "lastTransitionTime": formatter.string(from: now),
        ]
        let patch: [String: Any] = ["status": ["observedGeneration": observedGeneration, "conditions": [condition]]]
        return Array((try? JSONSerialization.data(withJSONObject: patch, options: [.sortedKeys])) ?? Data())
    }
}
