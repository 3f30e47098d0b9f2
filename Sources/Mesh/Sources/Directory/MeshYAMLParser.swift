internal import Foundation
internal import SwiftProtobuf
internal import Yams

/// Parses Kubernetes-style multi-document YAML (`apiVersion`, `kind`, `metadata`, `spec`) into mesh
/// resources, reporting every problem with its file, document number, resource and field.
package struct MeshYAMLParser: Sendable {
    /// The namespace of namespaced resources that name none.
    package var defaultNamespace: String

    /// A parser that puts resources without a namespace in `defaultNamespace`.
    package init(defaultNamespace: String = "default") {
        self.defaultNamespace = defaultNamespace
    }

    /// What one YAML text holds.
    package struct Result: Sendable {
        /// Resources decoded (not yet validated).
        package var resources: [MeshResource] = []
        /// Problems found while decoding (YAML syntax, missing metadata, unknown fields, bad values).
        package var errors: [ValidationError] = []
        /// Documents of kinds Aeraki does not handle (`apps/v1 Deployment`), as `source: apiVersion kind`.
        package var skipped: [String] = []
    }

    /// Parses `yaml`; `source` (usually the file path) prefixes each document's source as `source#N`.
    package func parse(_ yaml: String, source: String) -> Result {
        var result = Result()
        let parser: Parser
        do {
            parser = try Parser(yaml: yaml, resolver: Resolver.default.removing(.timestamp))
        } catch {
            result.errors.append(ValidationError(source: source, field: "", reason: "invalid YAML: \(error)"))
            return result
        }
        var number = 0
        while true {
            number += 1
            let documentSource = "\(source)#\(number)"
            let node: Node
            do {
                guard let next = try parser.nextRoot() else { break }
                node = next
            } catch {
                // A syntax error ends the stream: later documents cannot be located reliably.
                result.errors.append(ValidationError(source: documentSource, field: "", reason: "invalid YAML: \(error)"))
                break
            }
            do {
                let value = try JSONValue(node)
                if case .null = value { continue }
                switch decode(value, source: documentSource) {
                case .resource(let resource): result.resources.append(resource)
                case .skipped(let what): result.skipped.append("\(documentSource): \(what)")
                case .failed(let errors): result.errors += errors
                }
            } catch {
                result.errors.append(ValidationError(source: documentSource, field: "", reason: "\(error)"))
            }
        }
        return result
    }

    private enum Decoded {
        case resource(MeshResource)
        case skipped(String)
        case failed([ValidationError])
    }

    private func decode(_ document: JSONValue, source: String) -> Decoded {
        guard case .object = document else {
            return .failed([ValidationError(source: source, field: "", reason: "a document must be a mapping")])
        }
        guard let apiVersion = document["apiVersion"]?.string, !apiVersion.isEmpty else {
            return .failed([ValidationError(source: source, field: "apiVersion", reason: "apiVersion is required")])
        }
        guard let kindName = document["kind"]?.string, !kindName.isEmpty else {
            return .failed([ValidationError(source: source, field: "kind", reason: "kind is required")])
        }
        guard let kind = ConfigKind(apiVersion: apiVersion, kind: kindName) else {
            let group = apiVersion.split(separator: "/").first.map(String.init) ?? ""
            if ConfigKind.all.contains(where: { $0.group == group }) {
                return .failed([ValidationError(source: source, field: "apiVersion",
                    reason: "\(apiVersion) \(kindName) is not a supported kind and version")])
            }
            return .skipped("\(apiVersion) \(kindName)")
        }
        let metadata = document["metadata"]
        let name = metadata?["name"]?.string ?? ""
        var namespace = metadata?["namespace"]?.string ?? ""
        if kind.isNamespaced, namespace.isEmpty { namespace = defaultNamespace }
        if !kind.isNamespaced { namespace = "" }
        let key = ConfigKey(kind: kind, namespace: namespace, name: name)
        if name.isEmpty {
            return .failed([ValidationError(source: source, key: key, field: "metadata.name", reason: "metadata.name is required")])
        }
        let specValue = document["spec"] ?? .object([])
        guard case .object = specValue else {
            return .failed([ValidationError(source: source, key: key, field: "spec", reason: "spec must be a mapping")])
        }
        let spec: MeshSpec
        do {
            do {
                spec = try MeshSpec(kind: kind, jsonString: specValue.serialized())
            } catch JSONDecodingError.malformedDuration {
                // Istio accepts Go durations (`100ms`, `1m30s`); protobuf JSON only `0.1s`. Retry with
                // Go-style duration strings converted (only then, so other strings are never touched).
                spec = try MeshSpec(kind: kind, jsonString: specValue.convertingGoDurations().serialized())
            }
        } catch let error as JSONDecodingError {
            if case .unknownField(let field) = error {
                let path = specValue.path(ofKey: field, prefix: "spec") ?? "spec.\(field)"
                return .failed([ValidationError(source: source, key: key, field: path, reason: "unknown field \"\(field)\"")])
            }
            if case .unrecognizedEnumValue = error, let (path, reason) = Self.unknownSecurityEnum(kind: kind, spec: specValue) {
                return .failed([ValidationError(source: source, key: key, field: path, reason: reason)])
            }
            return .failed([ValidationError(source: source, key: key, field: "spec", reason: "cannot decode: \(error)")])
        } catch {
            return .failed([ValidationError(source: source, key: key, field: "spec", reason: "cannot decode: \(error)")])
        }
        return .resource(MeshResource(
            key: key,
            spec: spec,
            labels: stringMap(metadata?["labels"]),
            annotations: stringMap(metadata?["annotations"]),
            creationTime: metadata?["creationTimestamp"]?.string.flatMap(Self.parseTimestamp),
            version: metadata?["resourceVersion"]?.string ?? "",
            source: source
        ))
    }

    /// The PeerAuthentication mode or AuthorizationPolicy action that is not one of its kind's
    /// values, named, for a spec protobuf JSON refused with `unrecognizedEnumValue`.
    static func unknownSecurityEnum(kind: ConfigKind, spec: JSONValue) -> (field: String, reason: String)? {
        switch kind {
        case .peerAuthentication:
            let modes = ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]
            var candidates: [(String, JSONValue?)] = [("spec.mtls.mode", spec["mtls"]?["mode"])]
            if case .object(let ports)? = spec["portLevelMtls"] {
                candidates += ports.map { ("spec.portLevelMtls[\($0.0)].mode", $0.1["mode"]) }
            }
            for (field, value) in candidates {
                if let mode = value?.string, !modes.contains(mode) {
                    return (field, "unknown mTLS mode \"\(mode)\" (UNSET, DISABLE, PERMISSIVE or STRICT)")
                }
            }
        case .authorizationPolicy:
            if let action = spec["action"]?.string, !["ALLOW", "DENY", "AUDIT", "CUSTOM"].contains(action) {
                return ("spec.action", "unknown action \"\(action)\" (ALLOW, DENY, AUDIT or CUSTOM)")
            }
        default: break
        }
        return nil
    }

    private func stringMap(_ value: JSONValue?) -> [String: String] {
        guard case .object(let members)? = value else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in members {
            switch value {
            case .string(let s): result[key] = s
            case .int(let i): result[key] = String(i)
            case .bool(let b): result[key] = String(b)
            case .double(let d): result[key] = String(d)
            default: break
            }
        }
        return result
    }

    static func parseTimestamp(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
