/// A 64-bit hash of an ordered list of resource names, which tells whether a SotW request names the
/// same resources as the previous one without decoding them.
///
/// Envoy repeats every subscribed name in every EDS and RDS request, so a thousand sidecars ACKing
/// one push hand the server megabytes of names; this hash reads them eight bytes at a time (a
/// byte-at-a-time hash of them was a tenth of the server's CPU in the scale benchmark). Each name is
/// hashed on its own and folded in order, so `["ab", ""]` and `["a", "b"]` differ. In-process only:
/// the value is never stored or sent.
struct NamesKey: Sendable, Hashable {
    private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3

    /// The key of no names.
    init() {}

    /// The key of `names`.
    init(_ names: [String]) {
        for var name in names { name.withUTF8 { add(UnsafeRawBufferPointer($0)) } }
    }

    /// Folds in the next name's UTF-8 bytes.
    mutating func add(_ name: UnsafeRawBufferPointer) {
        var hash = 0x1319_8A2E_0370_7344 ^ UInt64(name.count)
        var offset = 0
        while offset + 8 <= name.count {
            hash = Self.mix(hash ^ name.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < name.count {
            tail |= UInt64(name[offset]) << shift
            shift += 8
            offset += 1
        }
        value = Self.mix(value ^ Self.mix(hash ^ tail))
    }

    /// A multiply-xorshift mix (the finalizer of SplitMix64).
    private static func mix(_ x: UInt64) -> UInt64 {
        var x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }
}
