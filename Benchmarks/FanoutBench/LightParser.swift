/// What a lightweight simulated client reads from a `DiscoveryResponse`: only what an ACK needs.
/// The resources (field 2) are skipped, never decoded.
struct LightResponse {
    var typeURL: String = ""
    var version: String = ""
    var nonce: String = ""
}

enum LightParser {
    /// Scans the top-level fields of a `DiscoveryResponse`.
    static func parse(_ bytes: [UInt8]) -> LightResponse {
        var out = LightResponse()
        var i = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                value |= UInt64(b & 0x7f) << shift
                if b < 0x80 { break }
                shift += 7
            }
            return value
        }
        while i < bytes.count {
            let key = varint()
            let field = key >> 3
            switch key & 7 {
            case 0: _ = varint()
            case 1: i += 8
            case 5: i += 4
            case 2:
                let length = Int(varint())
                let end = min(i + length, bytes.count)
                switch field {
                case 1: out.version = String(decoding: bytes[i..<end], as: UTF8.self)
                case 4: out.typeURL = String(decoding: bytes[i..<end], as: UTF8.self)
                case 5: out.nonce = String(decoding: bytes[i..<end], as: UTF8.self)
                default: break
                }
                i = end
            default: return out
            }
        }
        return out
    }
}
