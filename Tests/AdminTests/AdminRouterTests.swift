import Admin
import Testing

@Suite("Admin router")
struct AdminRouterTests {
    @Test("an unknown path is a 404 with a JSON error")
    func unknownPath() {
        let router = AdminRouter()
        let response = router.respond(to: AdminRequest(path: "/nope"))
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self).contains("no such path"))
    }

    @Test("methods other than GET and HEAD are refused with 405")
    func postRefused() {
        var router = AdminRouter()
        router.get("/healthz", summary: "ok") { _ in .text("ok") }
        #expect(router.respond(to: AdminRequest(method: "POST", path: "/healthz")).status == 405)
        #expect(router.respond(to: AdminRequest(method: "GET", path: "/healthz")).status == 200)
    }

    @Test("the root lists every route")
    func index() {
        var router = AdminRouter()
        router.get("/a", summary: "first") { _ in .text("a") }
        router.get("/b", summary: "second") { _ in .text("b") }
        let body = String(decoding: router.respond(to: AdminRequest(path: "/")).body, as: UTF8.self)
        #expect(body.contains("/a\tfirst") && body.contains("/b\tsecond"))
    }

    @Test("query strings are split and percent-decoded")
    func query() {
        let request = AdminRequest(method: "GET", uri: "/debug/config_dump?proxy=sidecar%7E10.0.0.1%7Ea.b&format=text", headers: [])
        #expect(request.path == "/debug/config_dump")
        #expect(request.query["proxy"] == "sidecar~10.0.0.1~a.b")
        #expect(request.wantsText)
    }

    @Test("an Accept header of text/plain asks for text")
    func acceptText() {
        #expect(AdminRequest(method: "GET", uri: "/", headers: [("Accept", "text/plain")]).wantsText)
        #expect(!AdminRequest(method: "GET", uri: "/", headers: [("Accept", "application/json")]).wantsText)
    }

    @Test("JSON strings are escaped and keys keep their order")
    func jsonText() {
        let value = JSONText.orderedObject([("b", .string("a\"b\n")), ("a", .array([.int(1), .null, .bool(true)]))])
        #expect(value.text == "{\n  \"b\": \"a\\\"b\\n\",\n  \"a\": [\n    1,\n    null,\n    true\n  ]\n}\n")
    }
}
