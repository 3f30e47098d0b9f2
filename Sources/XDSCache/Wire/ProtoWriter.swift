/// Writes the protobuf wire format by hand, so that responses can be assembled around bytes
/// that were serialized once and cached, without re-encoding them.
package struct ProtoWriter: Sendable {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    package init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes a varint encoding of `value` takes.
    package static func varintSize(_ value: Int) -> Int {
        var v = UInt64(value)
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// The size of a length-delimited field whose payload is `payloadSize` bytes (field < 16).
    package static func fieldSize(payloadSize: Int) -> Int {
        1 + varintSize(payloadSize) + payloadSize
    }

    /// Appends a varint.
    package mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends the tag and length of a length-delimited field.
    package mutating func header(field: Int, length: Int) {
        varint(UInt64(field << 3 | 2))
        varint(UInt64(length))
    }

    /// Appends a length-delimited field holding `payload`.
    package mutating func bytesField(_ field: Int, _ payload: some Collection<UInt8>) {
        header(field: field, length: payload.count)
        bytes.append(contentsOf: payload)
    }

    /// Appends a string field; empty strings are skipped, as proto3 does.
    package mutating func stringField(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        let utf8 = Array(value.utf8)
        bytesField(field, utf8)
    }

    /// Appends raw bytes (an already encoded field).
    package mutating func raw(_ payload: some Collection<UInt8>) {
        bytes.append(contentsOf: payload)
    }
}
