import EnvoyAPI
import SwiftProtobuf
import XDSCache

/// A `DiscoveryRequest` read field by field, so that the resource names, which Envoy resends in
/// full in every EDS/RDS request, are turned into strings only when they differ from the previous
/// request's (compared by a hash of their wire bytes).
struct SotWRequest: Sendable {
    var versionInfo = ""
    var node: Envoy_Config_Core_V3_Node?
    var typeURL = ""
    var responseNonce = ""
    /// `error_detail.message` when the request is a NACK.
    var errorMessage: String?
    /// A hash of the resource names (the same as ``NamesKey/init(_:)`` of the decoded list).
    private(set) var namesKey = NamesKey()
    private var bytes: [UInt8] = []
    private var nameRanges: [Range<Int>] = []

    /// The resource names, decoded.
    var names: [String] {
        nameRanges.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// A request made from a decoded message (tests, and callers that already have one).
    init(_ message: Envoy_Service_Discovery_V3_DiscoveryRequest) {
        // Only the names are read from the wire: a message holding nothing but strings always
        // re-reads (the message's unknown fields, which may not, are left out).
        var names = Envoy_Service_Discovery_V3_DiscoveryRequest()
        names.resourceNames = message.resourceNames
        self = try! SotWRequest(wire: names.serializedBytes())
        versionInfo = message.versionInfo
        node = message.hasNode ? message.node : nil
        typeURL = message.typeURL
        responseNonce = message.responseNonce
        errorMessage = message.hasErrorDetail ? message.errorDetail.message : nil
    }

    /// Whether the request names no resource.
    var hasNoNames: Bool { nameRanges.isEmpty }

    /// Parses the wire format of a `DiscoveryRequest`.
    /// - Throws: `BinaryDecodingError` for malformed input.
    init(wire bytes: [UInt8]) throws {
        self.bytes = bytes
        var i = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.count, shift < 64 else { throw BinaryDecodingError.malformedProtobuf }
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        /// The range of a length-delimited value (the length read here).
        func lengthDelimited() throws -> Range<Int> {
            guard let length = Int(exactly: try varint()), length <= bytes.count - i else { throw BinaryDecodingError.truncated }
            defer { i += length }
            return i..<(i + length)
        }
        /// Skips the value of the field whose key is `key`, an unknown group (wire type 3) with its
        /// nested fields included, as protobuf parsers skip unknown fields.
        func skipValue(_ key: UInt64) throws {
            switch key & 7 {
            case 0: _ = try varint()
            case 1: i += 8
            case 5: i += 4
            case 2: _ = try lengthDelimited()
            case 3:
                while true {
                    let inner = try varint()
                    if inner & 7 == 4 {
                        guard inner >> 3 == key >> 3 else { throw BinaryDecodingError.malformedProtobuf }
                        break
                    }
                    try skipValue(inner)
                }
            default: throw BinaryDecodingError.malformedProtobuf
            }
            guard i <= bytes.count else { throw BinaryDecodingError.truncated }
        }
        while i < bytes.count {
            let key = try varint()
            let field = key >> 3
            guard field > 0 else { throw BinaryDecodingError.malformedProtobuf }
            guard key & 7 == 2 else {
                try skipValue(key)
                continue
            }
            let range = try lengthDelimited()
            switch field {
            case 1: versionInfo = String(decoding: bytes[range], as: UTF8.self)
            case 2: node = try Envoy_Config_Core_V3_Node(serializedBytes: Array(bytes[range]))
            case 3:
                nameRanges.append(range)
                bytes.withUnsafeBytes { namesKey.add(UnsafeRawBufferPointer(rebasing: $0[range])) }
            case 4: typeURL = String(decoding: bytes[range], as: UTF8.self)
            case 5: responseNonce = String(decoding: bytes[range], as: UTF8.self)
            case 6: errorMessage = try Google_Rpc_Status(serializedBytes: Array(bytes[range])).message
            default: break
            }
        }
    }
}
