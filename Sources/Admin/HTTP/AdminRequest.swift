/// One HTTP request to the admin endpoint, fully read.
package struct AdminRequest: Sendable {
    /// The method (`GET`, `HEAD`, ...).
    package var method: String
    /// The path without the query string (`/debug/syncz`).
    package var path: String
    /// The decoded query parameters (the last value wins).
    package var query: [String: String]
    /// Header names (lowercased) to values.
    package var headers: [String: String]
    /// The peer's IP address (nil when unknown, e.g. a Unix socket).
    package var remoteAddress: String?

    /// A request from its parts.
    package init(
        method: String = "GET", path: String, query: [String: String] = [:], headers: [String: String] = [:],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    /// Whether the peer is this host over loopback (`127.0.0.0/8`, `::1`, or `::ffff:127.x.x.x`).
    package var isFromLoopback: Bool {
        guard let address = remoteAddress?.lowercased() else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// A request from a method, a request target (`/path?a=b`), headers and the peer's address.
    package init(method: String, uri: String, headers: [(String, String)], remoteAddress: String? = nil) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.method = method
        self.path = parts.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.percentDecoded(kv[0])
                query[key] = kv.count > 1 ? Self.percentDecoded(kv[1]) : ""
            }
        }
        self.query = query
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.remoteAddress = remoteAddress
    }

    /// Whether the client asked for plain text: `?format=text`, or an `Accept` header preferring `text/plain`.
    package var wantsText: Bool {
        if let format = query["format"] { return format == "text" || format == "txt" || format == "table" }
        guard let accept = headers["accept"] else { return false }
        return accept.contains("text/plain") && !accept.contains("application/json")
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
