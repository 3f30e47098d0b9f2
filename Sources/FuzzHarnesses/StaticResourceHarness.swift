internal import Foundation
internal import StaticResources
internal import XDSCache

/// The static-resource harness: the input as a `serve-static` resource file (YAML when its first
/// byte is even, JSON when odd) through the decoder. Traps when a decoded resource has no type URL.
package enum StaticResourceHarness {
    package static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        StaticResourceDecoder.registerTypes()
        let path = first % 2 == 0 ? "fuzz.yaml" : "fuzz.json"
        guard let resources = try? StaticResourceDecoder.decode(path: path, contents: Data(bytes.dropFirst())) else { return }
        for resource in resources {
            precondition(resource.typeURL.hasPrefix("type.googleapis.com/"), "decoded \(resource.name) without a type URL")
        }
    }
}
