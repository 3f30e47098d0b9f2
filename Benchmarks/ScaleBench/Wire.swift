/// Writes the protobuf wire format by hand (the few fields the simulated sidecars send), so the
/// benchmark depends on nothing but the transport.
struct WireWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A length-delimited field holding `payload`.
    mutating func bytesField(_ field: Int, _ payload: [UInt8]) {
        varint(UInt64(field << 3 | 2))
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// A string field; empty strings are skipped, as proto3 does.
    mutating func stringField(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        bytesField(field, Array(value.utf8))
    }

    /// A string field written even when empty (map keys, repeated strings).
    mutating func alwaysStringField(_ field: Int, _ value: String) {
        bytesField(field, Array(value.utf8))
    }
}

/// One field as `WireScanner` sees it: a varint, a length-delimited range of the buffer, or a
/// fixed-width value (skipped).
enum WireValue {
    case varint(UInt64)
    case bytes(Range<Int>)
    case fixed
}

/// Reads the protobuf wire format in place, without decoding whole messages: the caller walks the
/// fields it needs and skips the rest.
struct WireScanner {
    let buffer: UnsafeBufferPointer<UInt8>

    /// Calls `body` with each field number and value in `range`; stops at malformed input.
    func forEachField(in range: Range<Int>, _ body: (Int, WireValue) -> Void) {
        var i = range.lowerBound
        let end = range.upperBound
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while i < end {
                let b = buffer[i]
                i += 1
                value |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return value }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }
        while i < end {
            guard let key = varint() else { return }
            let field = Int(key >> 3)
            switch key & 7 {
            case 0:
                guard let v = varint() else { return }
                body(field, .varint(v))
            case 1:
                i += 8
                guard i <= end else { return }
                body(field, .fixed)
            case 5:
                i += 4
                guard i <= end else { return }
                body(field, .fixed)
            case 2:
                guard let length = varint(), length <= UInt64(end - i) else { return }
                let start = i
                i += Int(length)
                body(field, .bytes(start..<i))
            default:
                return
            }
        }
    }

    /// The UTF-8 string in `range`.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// Whether the bytes in `range` end with `suffix`.
    func hasSuffix(_ range: Range<Int>, _ suffix: [UInt8]) -> Bool {
        guard range.count >= suffix.count else { return false }
        var j = range.upperBound - suffix.count
        for b in suffix {
            if buffer[j] != b { return false }
            j += 1
        }
        return true
    }
}
