@testable import Admin
import Testing

@Suite("Debug access")
struct DebugAccessTests {
    private func request(_ path: String, from address: String?, authorization: String? = nil) -> AdminRequest {
        AdminRequest(path: path, headers: authorization.map { ["authorization": $0] } ?? [:], remoteAddress: address)
    }

    @Test("by default /debug/* is answered to loopback peers only, health and metrics to anyone")
    func localOnly() {
        let access = DebugAccess.localOnly
        for address in ["127.0.0.1", "127.3.4.5", "::1", "::ffff:127.0.0.1"] {
            #expect(access.refusal(for: request("/debug/config_dump", from: address)) == nil, "\(address)")
        }
        for address in ["10.0.0.7", "192.0.2.2", "::ffff:10.0.0.7", "fe80::1", nil] as [String?] {
            let refusal = access.refusal(for: request("/debug/configz", from: address))
            #expect(refusal?.status == 403, "\(address ?? "nil")")
            let body = String(decoding: refusal?.body ?? [], as: UTF8.self)
            #expect(body.contains("only to localhost"))
            for open in ["/healthz", "/readyz", "/metrics", "/version", "/"] {
                #expect(access.refusal(for: request(open, from: address)) == nil, "\(open)")
            }
        }
    }

    @Test("a token opens /debug/* to non-local peers that present it, and only them")
    func token() {
        let access = DebugAccess(token: "s3cret")
        #expect(access.refusal(for: request("/debug/syncz", from: "10.0.0.7", authorization: "Bearer s3cret")) == nil)
        #expect(access.refusal(for: request("/debug/syncz", from: "10.0.0.7", authorization: "bearer s3cret")) == nil)
        #expect(access.refusal(for: request("/debug/syncz", from: "10.0.0.7", authorization: "Bearer s3cre"))?.status == 401)
        #expect(access.refusal(for: request("/debug/syncz", from: "10.0.0.7", authorization: "Bearer s3cret!"))?.status == 401)
        #expect(access.refusal(for: request("/debug/syncz", from: "10.0.0.7"))?.status == 401)
        // A wrong token is refused even from localhost: it is a mistake worth reporting.
        #expect(access.refusal(for: request("/debug/syncz", from: "127.0.0.1", authorization: "Bearer nope"))?.status == 401)
        #expect(access.refusal(for: request("/debug/syncz", from: "127.0.0.1")) == nil)
    }
}
