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
        #expect(request.namesKey == NamesKey(["a", "b", "ünïcode"]))
        #expect(request.namesKey != NamesKey(["ab", "", "ünïcode"]))
        let empty = try SotWRequest(wire: [])
        #expect(empty.node == nil && empty.errorMessage == nil && empty.hasNoNames)
    }

    @Test("The names key read from the wire equals the decoded list's for names of every length, and tells lists apart")
    func namesKeyAcrossLengths() throws {
        func name(length: Int) -> String {
            let letters: [UInt8] = (0..<length).map { UInt8(97 + ($0 * 7 + length) % 26) }
            return String(decoding: letters, as: UTF8.self)
        }
        let names = (0..<40).map(name(length:))
        var message = Envoy_Service_Discovery_V3_DiscoveryRequest()
        message.resourceNames = names
        #expect(try SotWRequest(wire: message.serializedBytes()).namesKey == NamesKey(names))
        // One byte changed past the first word, the order swapped, a name split in two: all differ.
        var changed = names
        changed[30] = String(changed[30].prefix(20)) + "Z" + changed[30].dropFirst(21)
        var split = names
        split.replaceSubrange(30...30, with: [String(names[30].prefix(9)), String(names[30].dropFirst(9))])
        let keys = [NamesKey(names), NamesKey(changed), NamesKey(Array(names.reversed())), NamesKey(split), NamesKey([])]
        #expect(Set(keys).count == keys.count)
    }

    @Test("Malformed input is rejected as SwiftProtobuf rejects it")
    func malformed() {
        // The last one: a length of 2^64 - 1, which must not trap when it does not fit an Int.
        let hugeLength: [UInt8] = [0x22] + Array(repeating: 0xff, count: 9) + [0x01]
        for wire: [UInt8] in [[0x1a, 0x05, 0x61], [0x1a, 0xff], [0x1b], [0x1b, 0x24], [0x02, 0x00], hugeLength] {
            #expect(throws: BinaryDecodingError.self) { try SotWRequest(wire: wire) }
            #expect(throws: BinaryDecodingError.self) { try Envoy_Service_Discovery_V3_DiscoveryRequest(serializedBytes: wire) }
        }
    }

    @Test("Unknown fields of every wire type are skipped, nested groups included (found by fuzzing)")
    func unknownFields() throws {
        // Field 4 "t", unknown group 9 { unknown group 10 { varint 11 = 1 }, bytes 12 = "x" }, fixed32 13, field 3 "a".
        let wire: [UInt8] = [0x22, 0x01, 0x74, 0x4b, 0x53, 0x58, 0x01, 0x54, 0x62, 0x01, 0x78, 0x4c, 0x6d, 0, 0, 0, 0, 0x1a, 0x01, 0x61]
        let decoded = try Envoy_Service_Discovery_V3_DiscoveryRequest(serializedBytes: wire)
        let request = try SotWRequest(wire: wire)
        #expect(request.typeURL == decoded.typeURL && request.typeURL == "t")
        #expect(request.names == decoded.resourceNames && request.names == ["a"])
        let fromMessage = SotWRequest(decoded)
        #expect(fromMessage.typeURL == "t" && fromMessage.names == ["a"] && fromMessage.namesKey == request.namesKey)
    }
}
