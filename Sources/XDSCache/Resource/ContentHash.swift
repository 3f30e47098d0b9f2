/// A 64-bit FNV-1a hash, used to derive resource and set versions from content.
///
/// The hash depends only on the bytes fed to it, so the same content gets the same version in
/// every process, across restarts and replicas.
package struct ContentHash: Sendable, Hashable {
    /// The offset basis of 64-bit FNV-1a.
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The prime of 64-bit FNV-1a.
    package static let prime: UInt64 = 0x0000_0100_0000_01b3

    @usableFromInline
    internal var state: UInt64 = ContentHash.offsetBasis

    /// The current hash value.
    package var value: UInt64 { state }

    /// A hash of no bytes.
    package init() {}

    /// Feeds bytes into the hash. Inlinable, so callers in other modules get a loop specialized
    /// for their collection type rather than a generic one.
    @inlinable
    package mutating func combine(_ bytes: some Sequence<UInt8>) {
        var hash = state
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        state = hash
    }

    /// Feeds a string's UTF-8 bytes followed by a 0 separator into the hash.
    @inlinable
    package mutating func combine(string: String) {
        combine(string.utf8)
        combine(CollectionOfOne(UInt8(0)))
    }

    /// The value as 16 lower-case hex digits.
    package var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hex hash of `bytes`.
    package static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hash = ContentHash()
        hash.combine(bytes)
        return hash.hex
    }
}
