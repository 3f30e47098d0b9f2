import EnvoyAPI
import SwiftProtobuf
import Testing
@testable import XDSServer

@Suite("SotW request reader")
struct SotWRequestTests {
    @Test("Reads every field a server needs, and keys the names like the decoded list")
    func fields() throws {
        var message = Envoy_Service_Discovery_V3_DiscoveryRequest()
        message.versionInfo = "v1"
        message.node.id = "n1"
        message.resourceNames = ["a", "b", "ünïcode"]
        message.typeURL = "type.googleapis.com/x"
        message.responseNonce = "7"
        message.errorDetail.message = "bad"
        message.errorDetail.code = 3
        let request = try SotWRequest(wire: message.serializedBytes())
        #expect(request.versionInfo == "v1" && request.node?.id == "n1" && request.typeURL == "type.googleapis.com/x")
        #expect(request.responseNonce == "7" && request.errorMessage == "bad")
        #expect(request.names == ["a", "b", "ünïcode"] && !request.hasNoNames)
        #expect(request.namesKey == SotWRequest.namesKey(of: ["a", "b", "ünïcode"]))
        #expect(request.namesKey != SotWRequest.namesKey(of: ["ab", "", "ünïcode"]))
        let empty = try SotWRequest(wire: [])
        #expect(empty.node == nil && empty.errorMessage == nil && empty.hasNoNames)
    }

    @Test("Malformed input is rejected")
    func malformed() {
        #expect(throws: (any Error).self) { try SotWRequest(wire: [0x1a, 0x05, 0x61]) }
        #expect(throws: (any Error).self) { try SotWRequest(wire: [0x1a, 0xff]) }
        #expect(throws: (any Error).self) { try SotWRequest(wire: [0x1b]) }
    }
}
