#if canImport(Glibc)
private import Glibc
#elseif canImport(Darwin)
private import Darwin
#endif

/// An IP address literal, recognised with `inet_pton`.
struct IPAddress: Hashable {
    /// Whether the address is IPv6.
    let isV6: Bool

    /// Parses `text` as an IPv4 or IPv6 address; nil when it is neither.
    static func parse(_ text: String) -> IPAddress? {
        guard !text.isEmpty else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 { return IPAddress(isV6: false) }
        if inet_pton(AF_INET6, text, &buffer) == 1 { return IPAddress(isV6: true) }
        return nil
    }
}
