/// A fuzzer's input read as a sequence of operations: single bytes (an operation code, a choice)
/// and chunks (a message to decode) of up to 65,535 bytes prefixed by their big-endian length.
/// Reading past the end yields nil; a chunk cut short by the end is returned as it is.
package struct FuzzInput {
    private let bytes: [UInt8]
    private var offset = 0

    /// The input `bytes`.
    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next byte, or nil at the end.
    package mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next length-prefixed chunk, or nil at the end.
    package mutating func chunk() -> [UInt8]? {
        guard let high = byte(), let low = byte() else { return nil }
        let length = min(Int(high) << 8 | Int(low), bytes.count - offset)
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}

/// Writes inputs in the shape ``FuzzInput`` reads, for seed corpora.
package struct FuzzInputWriter {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8] = []

    package init() {}

    /// Appends one byte.
    package mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends a length-prefixed chunk (at most 65,535 bytes are kept).
    package mutating func chunk(_ data: [UInt8]) {
        let kept = data.prefix(0xFFFF)
        bytes += [UInt8(kept.count >> 8), UInt8(kept.count & 0xFF)] + kept
    }
}
