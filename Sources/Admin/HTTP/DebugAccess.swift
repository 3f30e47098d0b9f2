/// Who may read the admin endpoint's `/debug/*` paths, which show every proxy's config.
///
/// Health (`/healthz`, `/readyz`), `/metrics`, `/version` and the index stay open to any peer
/// (probes and scrapers reach them on the pod address). `/debug/*` is answered only to loopback
/// peers, and, when the operator exposes it with a token, to any peer presenting
/// `Authorization: Bearer <token>`.
package struct DebugAccess: Sendable, Hashable {
    /// The token that opens `/debug/*` to non-local peers; nil keeps it local-only.
    package var token: String?

    /// Access with the given token (nil: local only).
    package init(token: String? = nil) {
        self.token = token
    }

    /// `/debug/*` for loopback peers only.
    package static var localOnly: DebugAccess { DebugAccess() }

    /// The refusal for `request`, or nil when it may be answered.
    func refusal(for request: AdminRequest) -> AdminResponse? {
        guard request.path.hasPrefix("/debug/") || request.path == "/debug" else { return nil }
        if let token, let presented = Self.bearerToken(request.headers["authorization"]) {
            return Self.constantTimeEqual(presented, token)
                ? nil : .error("the debug token is wrong", status: 401)
        }
        if request.isFromLoopback { return nil }
        return token == nil
            ? .error("/debug/* is served only to localhost (set --debug-token-file to expose it with a token)", status: 403)
            : .error("/debug/* needs Authorization: Bearer <debug token> from a non-local address", status: 401)
    }

    private static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
