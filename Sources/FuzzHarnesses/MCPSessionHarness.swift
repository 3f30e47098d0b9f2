internal import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

/// The MCP harness: istiod's responses (SotW and delta, decoded from the input) fed through an
/// `MCPSession` subscribed to every kind, with stream restarts between them. Traps when a reply
/// does not answer the response it replies to.
package enum MCPSessionHarness {
    package static func run(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        var session = MCPSession(kinds: ConfigKind.all)
        func typeURL(_ named: String) -> String {
            named.isEmpty ? session.typeURLs[Int(input.byte() ?? 0) % session.typeURLs.count] : named
        }
        while let operation = input.byte() {
            switch operation % 4 {
            case 0:
                guard let chunk = input.chunk(), var response = try? Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: chunk)
                else { continue }
                response.typeURL = typeURL(response.typeURL)
                let (_, _, reply) = session.handle(response)
                precondition(reply.responseNonce == response.nonce && reply.typeURL == response.typeURL, "the reply answers another response")
            case 1:
                guard let chunk = input.chunk(), var response = try? Envoy_Service_Discovery_V3_DeltaDiscoveryResponse(serializedBytes: chunk)
                else { continue }
                response.typeURL = typeURL(response.typeURL)
                let (_, _, reply) = session.handle(response)
                precondition(reply.responseNonce == response.nonce && reply.typeURL == response.typeURL, "the reply answers another response")
            case 2:
                session.streamRestarted()
            default:
                for kind in ConfigKind.all {
                    let keys = session.merged(kind).map(\.key)
                    precondition(Set(keys).count == keys.count, "\(kind) merged with duplicate keys")
                }
            }
        }
    }
}
